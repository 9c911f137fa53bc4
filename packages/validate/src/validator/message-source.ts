/**
 * The whole-message (Segment spec) part of every generated validator module, as JavaScript source.
 * It expects, declared before it: the runtime helpers, `PLAN` (the plan name), `EVENTS` (a Map
 * from event name to `{ latest, versions: Map<version, check> }`), `EVENT_LIST` and
 * `validateContext(value, out, fl, st)`.
 */
export const MESSAGE_SOURCE = `
const MESSAGE_TYPES = new Set(["track", "identify", "page", "screen", "group", "alias"]);
const MESSAGE_TYPE_LIST = "one of track, identify, page, screen, group, alias";
const MAX_MESSAGE_ID = 100;
const hasOwn = Object.prototype.hasOwnProperty;
const OK_TYPES = new Map([...MESSAGE_TYPES].map((type) => [type, okResult(type, undefined, undefined)]));

function checkId(v, path, c) {
  if (typeof v === "string") {
    if (v.length === 0) fail(c, path, "min_length", "a non-empty string", v);
    else if (badText(v)) checkText(v, path, c);
  } else if (!(typeof v === "number" && Number.isSafeInteger(v))) {
    fail(c, path, "type", "a non-empty string (or an integer)", v);
  }
}

function checkTimestamp(v, path, c) {
  if (typeof v !== "string") fail(c, path, "type", "an ISO-8601 date-time string", v);
  else if (!isDateTime(v)) fail(c, path, "format", "an ISO-8601 date-time with a zone (2024-05-01T12:00:00.000Z)", v);
}

function checkObject(v, path, depth, c) {
  if (v === undefined) return;
  if (!isObject(v)) fail(c, path, "type", "an object", v);
  else scan(v, "", path, depth, c);
}

function listEvents() {
  const names = [...EVENTS.keys()];
  return "an event of plan " + PLAN + " (" + (names.length > 20 ? names.slice(0, 20).join(", ") + ", …" : names.join(", ")) + ")";
}

// Resolves the event version and checks the properties; returns the version record, or undefined.
function checkEventProperties(event, version, versionPath, properties, c) {
  const entry = typeof event === "string" ? EVENTS.get(event) : undefined;
  if (entry === undefined) {
    fail(c, "event", "unknown_event", listEvents(), event);
    scan(properties, "", "properties", 1, c);
    return undefined;
  }
  const resolved = version === undefined ? entry.latest : version;
  const record = entry.versions.get(resolved);
  if (record === undefined) {
    fail(c, versionPath, "unknown_version", "a version of " + event + ": " + [...entry.versions.keys()].join(", "), resolved);
    scan(properties, "", "properties", 1, c);
    return undefined;
  }
  record.check(properties, c);
  return record;
}

function result(c, type, event, version) {
  return { valid: c.out === null, type, event, version, violations: c.out === null ? EMPTY : c.out, flags: c.fl === null ? EMPTY : c.fl };
}

function validateMessage(m) {
  const c = context();
  if (!isObject(m)) {
    fail(c, "", "type", "a message object", m);
    return result(c);
  }
  let type, messageId, userId, anonymousId, context_, event, properties, traits, groupId, previousId;
  const keys = Object.keys(m);
  if ((c.n += keys.length) > MAX_ITEMS_TOTAL && !tooMany(c, "", m)) return result(c);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    switch (k) {
      case "type": type = m.type; break;
      case "messageId": messageId = m.messageId; break;
      case "userId": userId = m.userId; break;
      case "anonymousId": anonymousId = m.anonymousId; break;
      case "timestamp": case "sentAt": case "originalTimestamp": case "receivedAt": checkTimestamp(m[k], k, c); break;
      case "context": context_ = m.context; break;
      case "event": event = m.event; break;
      case "properties": properties = m.properties; break;
      case "traits": traits = m.traits; break;
      case "groupId": groupId = m.groupId; break;
      case "previousId": previousId = m.previousId; break;
      default:
        if (badText(k)) checkText(k, at("", k), c);
        scan(m[k], "", k, 1, c);
    }
  }
  let kind;
  if (type === undefined) fail(c, "type", "required", MESSAGE_TYPE_LIST, type);
  else if (typeof type !== "string") fail(c, "type", "type", MESSAGE_TYPE_LIST, type);
  else if (!MESSAGE_TYPES.has(type)) fail(c, "type", "enum", MESSAGE_TYPE_LIST, type);
  else kind = type;
  if (messageId !== undefined) {
    if (typeof messageId !== "string") fail(c, "messageId", "type", "a string", messageId);
    else if (messageId.length === 0) fail(c, "messageId", "min_length", "a non-empty string", messageId);
    else if (messageId.length > MAX_MESSAGE_ID) fail(c, "messageId", "max_length", "at most " + MAX_MESSAGE_ID + " characters", messageId);
    else if (badText(messageId)) checkText(messageId, "messageId", c);
  }
  // Segment SDKs send userId: null for anonymous users.
  if (userId === null) userId = undefined;
  if (anonymousId === null) anonymousId = undefined;
  if (userId === undefined && anonymousId === undefined) fail(c, "userId", "required", "a userId or an anonymousId", undefined);
  if (userId !== undefined) checkId(userId, "userId", c);
  if (anonymousId !== undefined) checkId(anonymousId, "anonymousId", c);
  let eventVersion;
  let versionReadable = true;
  if (context_ === undefined) validateContext({}, c);
  else if (!isObject(context_)) fail(c, "context", "type", "an object", context_);
  else {
    validateContext(context_, c);
    if (hasOwn.call(context_, "eventVersion")) {
      eventVersion = context_.eventVersion;
      if (!(typeof eventVersion === "number" && Number.isSafeInteger(eventVersion) && eventVersion >= 1)) {
        fail(c, "context.eventVersion", typeof eventVersion === "number" ? "integer" : "type", "a positive integer (the event version)", eventVersion);
        versionReadable = false;
      }
    }
  }
  let record;
  if (kind === "track") {
    if (event === undefined) fail(c, "event", "required", "the event name", event);
    else if (typeof event !== "string") fail(c, "event", "type", "the event name (a string)", event);
    if (typeof event === "string" && versionReadable) {
      record = checkEventProperties(event, eventVersion, "context.eventVersion", properties === undefined ? {} : properties, c);
    } else {
      scan(properties, "", "properties", 1, c);
    }
  } else {
    if (event !== undefined) scan(event, "", "event", 1, c);
    checkObject(properties, "properties", 1, c);
    if (kind === "group") {
      if (groupId === undefined || groupId === null) fail(c, "groupId", "required", "the group id", groupId);
      else checkId(groupId, "groupId", c);
    }
    if (kind === "alias") {
      if (previousId === undefined || previousId === null) fail(c, "previousId", "required", "the previous id", previousId);
      else checkId(previousId, "previousId", c);
    }
  }
  checkObject(traits, "traits", 1, c);
  if (kind !== "group" && groupId !== undefined) scan(groupId, "", "groupId", 1, c);
  if (kind !== "alias" && previousId !== undefined) scan(previousId, "", "previousId", 1, c);
  if (c.out === null && c.fl === null) return record !== undefined ? record.okTrack : OK_TYPES.get(kind);
  return result(c, kind, kind === "track" && typeof event === "string" ? event : undefined, record === undefined ? undefined : record.ok.version);
}

function validateProperties(event, version, properties) {
  const c = context();
  const record = checkEventProperties(event, version, "version", properties, c);
  if (record !== undefined && c.out === null && c.fl === null) return record.ok;
  return result(c, undefined, typeof event === "string" ? event : undefined, record === undefined ? undefined : record.ok.version);
}
`;
