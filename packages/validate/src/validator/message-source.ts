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

function checkId(v, path, out) {
  if (typeof v === "string") {
    if (v.length === 0) fail(out, path, "min_length", "a non-empty string", v);
    else if (badText(v)) checkText(v, path, out);
  } else if (!(typeof v === "number" && Number.isSafeInteger(v))) {
    fail(out, path, "type", "a non-empty string (or an integer)", v);
  }
}

function checkTimestamp(v, path, out) {
  if (typeof v !== "string") fail(out, path, "type", "an ISO-8601 date-time string", v);
  else if (!isDateTime(v)) fail(out, path, "format", "an ISO-8601 date-time with a zone (2024-05-01T12:00:00.000Z)", v);
}

function checkObject(v, path, depth, out, st) {
  if (v === undefined) return;
  if (!isObject(v)) fail(out, path, "type", "an object", v);
  else scan(v, "", path, depth, out, st);
}

function listEvents() {
  const names = [...EVENTS.keys()];
  return "an event of plan " + PLAN + " (" + (names.length > 20 ? names.slice(0, 20).join(", ") + ", …" : names.join(", ")) + ")";
}

function checkEventProperties(event, version, versionPath, properties, out, fl, st) {
  const entry = typeof event === "string" ? EVENTS.get(event) : undefined;
  if (entry === undefined) {
    fail(out, "event", "unknown_event", listEvents(), event);
    scan(properties, "", "properties", 1, out, st);
    return undefined;
  }
  const resolved = version === undefined ? entry.latest : version;
  const check = entry.versions.get(resolved);
  if (check === undefined) {
    fail(out, versionPath, "unknown_version", "a version of " + event + ": " + [...entry.versions.keys()].join(", "), resolved);
    scan(properties, "", "properties", 1, out, st);
    return undefined;
  }
  check(properties, out, fl, st);
  return resolved;
}

// One object shape for every result (absent fields are undefined), which keeps call sites monomorphic.
function result(out, fl, type, event, version) {
  return { valid: out.length === 0, type, event, version, violations: out, flags: fl };
}

function validateMessage(m) {
  const out = [], fl = [], st = { n: 0, over: false };
  if (!isObject(m)) {
    fail(out, "", "type", "a message object", m);
    return result(out, fl);
  }
  let type, messageId, userId, anonymousId, context, event, properties, traits, groupId, previousId;
  const keys = Object.keys(m);
  if ((st.n += keys.length) > MAX_ITEMS_TOTAL && !tooMany(st, "", out, m)) return result(out, fl);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    switch (k) {
      case "type": type = m[k]; break;
      case "messageId": messageId = m[k]; break;
      case "userId": userId = m[k]; break;
      case "anonymousId": anonymousId = m[k]; break;
      case "timestamp": case "sentAt": case "originalTimestamp": case "receivedAt": checkTimestamp(m[k], k, out); break;
      case "context": context = m[k]; break;
      case "event": event = m[k]; break;
      case "properties": properties = m[k]; break;
      case "traits": traits = m[k]; break;
      case "groupId": groupId = m[k]; break;
      case "previousId": previousId = m[k]; break;
      default:
        if (badText(k)) checkText(k, at("", k), out);
        scan(m[k], "", k, 1, out, st);
    }
  }
  let kind;
  if (type === undefined) fail(out, "type", "required", MESSAGE_TYPE_LIST, type);
  else if (typeof type !== "string") fail(out, "type", "type", MESSAGE_TYPE_LIST, type);
  else if (!MESSAGE_TYPES.has(type)) fail(out, "type", "enum", MESSAGE_TYPE_LIST, type);
  else kind = type;
  if (messageId !== undefined) {
    if (typeof messageId !== "string") fail(out, "messageId", "type", "a string", messageId);
    else if (messageId.length === 0) fail(out, "messageId", "min_length", "a non-empty string", messageId);
    else if (messageId.length > MAX_MESSAGE_ID) fail(out, "messageId", "max_length", "at most " + MAX_MESSAGE_ID + " characters", messageId);
    else if (badText(messageId)) checkText(messageId, "messageId", out);
  }
  // Segment SDKs send userId: null for anonymous users.
  if (userId === null) userId = undefined;
  if (anonymousId === null) anonymousId = undefined;
  if (userId === undefined && anonymousId === undefined) fail(out, "userId", "required", "a userId or an anonymousId", undefined);
  if (userId !== undefined) checkId(userId, "userId", out);
  if (anonymousId !== undefined) checkId(anonymousId, "anonymousId", out);
  let eventVersion;
  let versionReadable = true;
  if (context === undefined) validateContext({}, out, fl, st);
  else if (!isObject(context)) fail(out, "context", "type", "an object", context);
  else {
    validateContext(context, out, fl, st);
    if (hasOwn.call(context, "eventVersion")) {
      eventVersion = context.eventVersion;
      if (!(typeof eventVersion === "number" && Number.isSafeInteger(eventVersion) && eventVersion >= 1)) {
        fail(out, "context.eventVersion", typeof eventVersion === "number" ? "integer" : "type", "a positive integer (the event version)", eventVersion);
        versionReadable = false;
      }
    }
  }
  let version;
  if (kind === "track") {
    if (event === undefined) fail(out, "event", "required", "the event name", event);
    else if (typeof event !== "string") fail(out, "event", "type", "the event name (a string)", event);
    if (typeof event === "string" && versionReadable) {
      version = checkEventProperties(event, eventVersion, "context.eventVersion", properties === undefined ? {} : properties, out, fl, st);
    } else {
      scan(properties, "", "properties", 1, out, st);
    }
  } else {
    if (event !== undefined) scan(event, "", "event", 1, out, st);
    checkObject(properties, "properties", 1, out, st);
    if (kind === "group") {
      if (groupId === undefined || groupId === null) fail(out, "groupId", "required", "the group id", groupId);
      else checkId(groupId, "groupId", out);
    }
    if (kind === "alias") {
      if (previousId === undefined || previousId === null) fail(out, "previousId", "required", "the previous id", previousId);
      else checkId(previousId, "previousId", out);
    }
  }
  checkObject(traits, "traits", 1, out, st);
  if (kind !== "group" && groupId !== undefined) scan(groupId, "", "groupId", 1, out, st);
  if (kind !== "alias" && previousId !== undefined) scan(previousId, "", "previousId", 1, out, st);
  return result(out, fl, kind, kind === "track" && typeof event === "string" ? event : undefined, version);
}

function validateProperties(event, version, properties) {
  const out = [], fl = [], st = { n: 0, over: false };
  const resolved = checkEventProperties(event, version, "version", properties, out, fl, st);
  return result(out, fl, undefined, typeof event === "string" ? event : undefined, resolved);
}
`;
