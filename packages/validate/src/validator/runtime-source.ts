/**
 * The helpers every generated validator module carries, as JavaScript source. They expect the
 * constants MAX_DEPTH, MAX_ITEMS_TOTAL and MAX_STRING_BYTES to be declared before them. Plain ES2020,
 * no imports, so the emitted module has no runtime dependency.
 *
 * Own-keys iteration only (Object.keys), never `in` or lookups that could reach a prototype.
 */
export const RUNTIME_SOURCE = String.raw`
const LONG_STRING = Math.floor(MAX_STRING_BYTES / 3);
const SUSPECT = /[\u0000\uD800-\uDFFF]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const SIMPLE_KEY = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

// One native scan each for NUL and lone surrogates where String.prototype.isWellFormed exists (ES2024).
const badText = typeof "".isWellFormed === "function"
  ? (s) => s.length > LONG_STRING || s.indexOf("\u0000") !== -1 || !s.isWellFormed()
  : (s) => s.length > LONG_STRING || SUSPECT.test(s);

function at(base, key) {
  if (typeof key === "number") return base + "[" + key + "]";
  if (SIMPLE_KEY.test(key)) return base === "" ? key : base + "." + key;
  return base + "[" + JSON.stringify(key) + "]";
}

function describe(v) {
  if (v === undefined) return "nothing";
  if (v === null) return "null";
  switch (typeof v) {
    case "string":
      return v.length > 40 ? JSON.stringify(v.slice(0, 40)) + "… (" + v.length + " characters)" : JSON.stringify(v);
    case "number":
      return Number.isNaN(v) ? "NaN" : Number.isFinite(v) ? String(v) : v > 0 ? "Infinity" : "-Infinity";
    case "boolean":
      return String(v);
    case "object":
      return Array.isArray(v) ? "an array of " + v.length + " items" : "an object";
    default:
      return "a " + typeof v;
  }
}

// Validation state of one call: violations and flags (arrays made on first use, so a valid value
// allocates nothing), and the running item count of the max_items_total limit.
function context() {
  return { out: null, fl: null, n: 0, over: false };
}

function violation(path, rule, expected, v) {
  const received = describe(v);
  return { path, rule, expected, received, message: (path === "" ? "message" : path) + ": expected " + expected + ", received " + received };
}

function fail(c, path, rule, expected, v) {
  if (c.out === null) c.out = [];
  c.out.push(violation(path, rule, expected, v));
}

function flag(c, path, rule, expected, v) {
  if (c.fl === null) c.fl = [];
  c.fl.push(violation(path, rule, expected, v));
}

function utf8Bytes(s) {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) { n += 4; i++; }
    else n += 3;
  }
  return n;
}

// Called only when a string is long or holds a suspect code unit: the fast path is one regex test.
function checkText(s, path, c) {
  if (s.indexOf("\u0000") !== -1) fail(c, path, "nul_character", "text without NUL (\\u0000) characters", s);
  if (LONE_SURROGATE.test(s)) fail(c, path, "lone_surrogate", "well-formed Unicode text (no lone surrogate)", s);
  if (s.length > LONG_STRING && utf8Bytes(s) > MAX_STRING_BYTES) fail(c, path, "max_string_bytes", "at most " + MAX_STRING_BYTES + " bytes of UTF-8", s);
}

// Called once the running total passed the limit: reports it once per message, returns false.
function tooMany(c, path, v) {
  if (!c.over) {
    c.over = true;
    fail(c, path, "max_items_total", "at most " + MAX_ITEMS_TOTAL + " array items and object properties in one message", v);
  }
  return false;
}

// Any value the plan does not describe: checked only for what the warehouse cannot store and for the limits.
function scan(v, base, key, depth, c) {
  switch (typeof v) {
    case "string":
      if (badText(v)) checkText(v, at(base, key), c);
      return;
    case "number":
    case "boolean":
    case "undefined":
      return;
    case "object": {
      if (v === null) return;
      const path = at(base, key);
      if (depth > MAX_DEPTH) { fail(c, path, "max_depth", "at most " + MAX_DEPTH + " levels of nesting", v); return; }
      if (Array.isArray(v)) {
        if ((c.n += v.length) <= MAX_ITEMS_TOTAL || tooMany(c, path, v)) for (let i = 0; i < v.length; i++) scan(v[i], path, i, depth + 1, c);
        return;
      }
      const keys = Object.keys(v);
      if ((c.n += keys.length) > MAX_ITEMS_TOTAL && !tooMany(c, path, v)) return;
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i];
        if (badText(k)) checkText(k, at(path, k), c);
        scan(v[k], path, k, depth + 1, c);
      }
      return;
    }
    default:
      fail(c, at(base, key), "type", "a JSON value", v);
  }
}

function isObject(v) {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function daysIn(year, month) {
  return month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

// Formats are parsed by char code, without regex captures or allocation: they run on every
// timestamp of every message.
function digits(s, at, count) {
  let value = 0;
  for (let i = at; i < at + count; i++) {
    const d = s.charCodeAt(i) - 48;
    if (!(d >= 0 && d <= 9)) return -1;
    value = value * 10 + d;
  }
  return value;
}

// YYYY-MM-DD at the start of s, a real calendar day.
function dateAtStart(s) {
  const year = digits(s, 0, 4), month = digits(s, 5, 2), day = digits(s, 8, 2);
  return year >= 0 && s.charCodeAt(4) === 45 && s.charCodeAt(7) === 45 && month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, month);
}

function isDate(s) {
  return s.length === 10 && dateAtStart(s);
}

// ISO-8601 / RFC 3339 date and time with a zone: YYYY-MM-DD(T|t| )hh:mm[:ss[.fraction]](Z|z|±hh[:]mm).
function isDateTime(s) {
  const n = s.length;
  if (n < 17 || !dateAtStart(s)) return false;
  const sep = s.charCodeAt(10);
  if (sep !== 84 && sep !== 116 && sep !== 32) return false;
  const hour = digits(s, 11, 2), minute = digits(s, 14, 2);
  if (hour < 0 || hour > 23 || s.charCodeAt(13) !== 58 || minute < 0 || minute > 59) return false;
  let i = 16;
  if (s.charCodeAt(i) === 58) {
    const second = digits(s, 17, 2);
    if (second < 0 || second > 60) return false;
    i = 19;
    if (s.charCodeAt(i) === 46) {
      const start = ++i;
      while (i < n && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
      if (i === start) return false;
    }
  }
  const zone = s.charCodeAt(i);
  if (zone === 90 || zone === 122) return i + 1 === n;
  if (zone !== 43 && zone !== 45) return false;
  const offsetHour = digits(s, i + 1, 2);
  if (offsetHour < 0 || offsetHour > 23) return false;
  let j = i + 3;
  if (s.charCodeAt(j) === 58) j++;
  const offsetMinute = digits(s, j, 2);
  return offsetMinute >= 0 && offsetMinute <= 59 && j + 2 === n;
}

function isUuid(s) {
  if (s.length !== 36) return false;
  for (let i = 0; i < 36; i++) {
    const c = s.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 45) return false;
    } else if (!((c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 102))) return false;
  }
  return true;
}

// JavaScript's \s: ASCII tab, LF, VT, FF, CR, space, and the Unicode space separators.
function isSpace(c) {
  if (c < 128) return c === 32 || (c >= 9 && c <= 13);
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

// The same as /^[^\s@]+@[^\s@]+\.[^\s@]+$/ without the regex: one @ with text before it, a dot
// with text on both sides after it, no whitespace.
function isEmail(s) {
  const at = s.indexOf("@");
  if (at < 1 || s.indexOf("@", at + 1) !== -1) return false;
  const dot = s.indexOf(".", at + 2);
  if (dot === -1 || dot >= s.length - 1) return false;
  for (let i = 0; i < s.length; i++) if (isSpace(s.charCodeAt(i))) return false;
  return true;
}

function isUri(s) {
  const t = s.trim();
  if (typeof URL.canParse === "function") return URL.canParse(t);
  try { new URL(t); return true; } catch { return false; }
}

// The same tolerance as zod's multipleOf, so decimal steps such as 0.01 behave as people expect.
function isMultipleOf(v, step) {
  const ratio = v / step;
  const rounded = Math.round(ratio);
  return Math.abs(ratio - rounded) < 4 * Number.EPSILON * Math.max(Math.abs(ratio), 1);
}

// An undeclared property of a declared object: mode 0 allows it, 1 rejects it, 2 flags it.
function extra(v, key, base, depth, c, mode, declared) {
  const path = at(base, key);
  if (badText(key)) checkText(key, path, c);
  if (mode === 1) fail(c, path, "additional_property", declared, v[key]);
  else if (mode === 2) flag(c, path, "additional_property", declared, v[key]);
  scan(v[key], base, key, depth, c);
}

const LIMIT_RULES = new Set(["nul_character", "lone_surrogate", "max_string_bytes", "max_depth", "max_items_total"]);

// True when a union member matched its schema and broke only limits that hold for any value.
function onlyLimits(list) {
  if (list === null) return true;
  for (let i = 0; i < list.length; i++) if (!LIMIT_RULES.has(list[i].rule)) return false;
  return true;
}

// A union member that matched: its count, violations (limits only) and flags join the caller's.
function merge(c, b) {
  c.n = b.n;
  c.over = b.over;
  if (b.out !== null) c.out = c.out === null ? b.out : c.out.concat(b.out);
  if (b.fl !== null) c.fl = c.fl === null ? b.fl : c.fl.concat(b.fl);
}

const EMPTY = Object.freeze([]);

// The result of a valid call without flags: one frozen object per event version and message type.
function okResult(type, event, version) {
  return Object.freeze({ valid: true, type, event, version, violations: EMPTY, flags: EMPTY });
}
`;
