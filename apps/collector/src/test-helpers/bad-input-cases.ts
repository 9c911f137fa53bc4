import { gzipSync } from 'node:zlib';
import { basicAuth, KEYS, levelUp, WEB_ORIGIN } from './test-collector.js';

/** One hostile or malformed request and what the collector must answer. */
export interface BadInputCase {
  readonly name: string;
  readonly method?: string;
  readonly path?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array<ArrayBuffer>;
  /** Message cases: the message's JSON text, sent in a batch next to a valid message. */
  readonly message?: string;
  readonly expect:
    | {
        readonly status: 400 | 401 | 403 | 404 | 405 | 413 | 415;
        readonly code: string;
        readonly limit?: number;
        readonly storedWhole?: boolean;
      }
    /** A message rejected inside a 200 batch response; `rules` are the reasons' rules. */
    | { readonly status: 200; readonly rules: readonly string[] }
    /** Accepted as data (hostile-looking but valid), stored verbatim. */
    | { readonly status: 200; readonly accepted: true };
}

const JSON_TYPE = { 'content-type': 'application/json' };
const AUTH = { ...JSON_TYPE, authorization: basicAuth(KEYS.server) };
const base = () => levelUp('hostile');
const messageText = (message: unknown) => (typeof message === 'string' ? message : JSON.stringify(message));
const batchWith = (message: unknown) => `{"batch":[${messageText(message)}]}`;
const withProps = (properties: unknown) => ({ ...base(), properties });

function deep(depth: number, open: string, close: string): string {
  return `{"batch":[{"type":"track","event":"level_up","anonymousId":"a","properties":{"x":${open.repeat(depth)}1${close.repeat(depth)}}}]}`;
}

/** Bytes as a fetch body. */
function bytes(data: Uint8Array): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(data);
}

function corruptGzip(): Uint8Array<ArrayBuffer> {
  const zipped = gzipSync(Buffer.from(JSON.stringify({ batch: [base()] })));
  zipped[12] = (zipped[12] ?? 0) ^ 0xff;
  zipped[20] = (zipped[20] ?? 0) ^ 0xff;
  return bytes(zipped);
}

/** Every whole-request case; per-message cases are in `BAD_MESSAGE_CASES`. */
export const BAD_REQUEST_CASES: readonly BadInputCase[] = [
  // Broken JSON and wrong shapes (authenticated: the body is kept in raw.rejected).
  {
    name: 'truncated JSON',
    headers: AUTH,
    body: '{"batch": [',
    expect: { status: 400, code: 'invalid_json', storedWhole: true },
  },
  {
    name: 'trailing garbage',
    headers: AUTH,
    body: '{"batch":[]} x',
    expect: { status: 400, code: 'invalid_json', storedWhole: true },
  },
  {
    name: 'empty body',
    headers: AUTH,
    body: '',
    expect: { status: 400, code: 'invalid_json', storedWhole: true },
  },
  {
    name: 'single quotes',
    headers: AUTH,
    body: "{'batch': []}",
    expect: { status: 400, code: 'invalid_json', storedWhole: true },
  },
  {
    name: 'NaN literal',
    headers: AUTH,
    body: '{"batch":[{"x":NaN}]}',
    expect: { status: 400, code: 'invalid_json', storedWhole: true },
  },
  {
    name: 'raw NUL byte in the body',
    headers: AUTH,
    body: '{"batch":[\u0000]}',
    expect: { status: 400, code: 'invalid_json', storedWhole: true },
  },
  {
    name: 'raw control characters in a string',
    headers: AUTH,
    body: '{"batch":[{"event":"a\tb\u0001"}]}',
    expect: { status: 400, code: 'invalid_json', storedWhole: true },
  },
  {
    name: 'body is null',
    headers: AUTH,
    body: 'null',
    expect: { status: 400, code: 'invalid_body', storedWhole: true },
  },
  {
    name: 'body is an array',
    headers: AUTH,
    body: '[{"type":"track"}]',
    expect: { status: 400, code: 'invalid_body', storedWhole: true },
  },
  {
    name: 'body is a string',
    headers: AUTH,
    body: '"hello"',
    expect: { status: 400, code: 'invalid_body', storedWhole: true },
  },
  {
    name: 'body is a number',
    headers: AUTH,
    body: '42',
    expect: { status: 400, code: 'invalid_body', storedWhole: true },
  },
  {
    name: 'single-message path with an array',
    path: '/v1/track',
    headers: AUTH,
    body: '[1,2]',
    expect: { status: 400, code: 'invalid_body', storedWhole: true },
  },
  {
    name: 'batch missing',
    headers: AUTH,
    body: '{"messages":[]}',
    expect: { status: 400, code: 'invalid_batch', storedWhole: true },
  },
  {
    name: 'batch is an object',
    headers: AUTH,
    body: '{"batch":{"0":{}}}',
    expect: { status: 400, code: 'invalid_batch', storedWhole: true },
  },
  {
    name: 'batch is a string',
    headers: AUTH,
    body: '{"batch":"[]"}',
    expect: { status: 400, code: 'invalid_batch', storedWhole: true },
  },
  {
    name: 'batch is null',
    headers: AUTH,
    body: '{"batch":null}',
    expect: { status: 400, code: 'invalid_batch', storedWhole: true },
  },
  {
    name: 'batch of strings only',
    headers: AUTH,
    body: '{"batch":["a","b"]}',
    expect: { status: 400, code: 'invalid_batch', storedWhole: true },
  },
  {
    name: 'batch of numbers, nulls and arrays only',
    headers: AUTH,
    body: '{"batch":[1,null,[{"type":"track"}]]}',
    expect: { status: 400, code: 'invalid_batch', storedWhole: true },
  },
  {
    name: 'write key in a body rejected whole (stored without it)',
    headers: JSON_TYPE,
    body: JSON.stringify({ writeKey: KEYS.server, batch: { x: 1 } }),
    expect: { status: 400, code: 'invalid_batch', storedWhole: true },
  },
  {
    name: 'nesting 40 levels of objects',
    headers: AUTH,
    body: deep(40, '{"a":', '}'),
    expect: { status: 400, code: 'max_depth', limit: 32, storedWhole: true },
  },
  {
    name: 'nesting 100,000 levels of arrays',
    headers: AUTH,
    body: deep(100_000, '[', ']'),
    expect: { status: 400, code: 'max_depth', limit: 32, storedWhole: true },
  },
  {
    name: 'invalid UTF-8 bytes',
    headers: AUTH,
    body: Uint8Array.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]),
    expect: { status: 400, code: 'invalid_encoding' },
  },
  {
    name: 'overlong UTF-8 encoding of "/"',
    headers: AUTH,
    body: Uint8Array.from([0x7b, 0x22, 0xc0, 0xaf, 0x22, 0x3a, 0x31, 0x7d]),
    expect: { status: 400, code: 'invalid_encoding' },
  },
  // Content types and encodings.
  {
    name: 'application/xml',
    headers: { ...AUTH, 'content-type': 'application/xml' },
    body: '<batch/>',
    expect: { status: 415, code: 'unsupported_media_type' },
  },
  {
    name: 'form-urlencoded',
    headers: { ...AUTH, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'batch=1',
    expect: { status: 415, code: 'unsupported_media_type' },
  },
  {
    name: 'multipart',
    headers: { ...AUTH, 'content-type': 'multipart/form-data; boundary=x' },
    body: '--x--',
    expect: { status: 415, code: 'unsupported_media_type' },
  },
  {
    name: 'octet-stream',
    headers: { ...AUTH, 'content-type': 'application/octet-stream' },
    body: '{}',
    expect: { status: 415, code: 'unsupported_media_type' },
  },
  {
    name: 'brotli encoding',
    headers: { ...AUTH, 'content-encoding': 'br' },
    body: '{}',
    expect: { status: 415, code: 'unsupported_encoding' },
  },
  {
    name: 'deflate encoding',
    headers: { ...AUTH, 'content-encoding': 'deflate' },
    body: '{}',
    expect: { status: 415, code: 'unsupported_encoding' },
  },
  {
    name: 'corrupt gzip',
    headers: { ...AUTH, 'content-encoding': 'gzip' },
    body: corruptGzip(),
    expect: { status: 400, code: 'invalid_gzip' },
  },
  {
    name: 'truncated gzip',
    headers: { ...AUTH, 'content-encoding': 'gzip' },
    body: bytes(gzipSync(Buffer.from(batchWith(base()))).subarray(0, 30)),
    expect: { status: 400, code: 'invalid_gzip' },
  },
  {
    name: 'plain JSON labelled gzip',
    headers: { ...AUTH, 'content-encoding': 'gzip' },
    body: batchWith(base()),
    expect: { status: 400, code: 'invalid_gzip' },
  },
  {
    name: 'gzip bomb: 50 MB of zeros',
    headers: { ...AUTH, 'content-encoding': 'gzip' },
    body: bytes(gzipSync(Buffer.alloc(50 * 1024 * 1024))),
    expect: { status: 413, code: 'body_too_large', limit: 500 * 1024 },
  },
  {
    name: 'gzip bomb: 20 MB of JSON whitespace',
    headers: { ...AUTH, 'content-encoding': 'gzip' },
    body: bytes(gzipSync(Buffer.from(`{"batch":[]${' '.repeat(20 * 1024 * 1024)}}`))),
    expect: { status: 413, code: 'body_too_large', limit: 500 * 1024 },
  },
  // Size limits.
  {
    name: 'body over 500 KiB',
    headers: AUTH,
    body: `{"batch":[],"pad":"${'x'.repeat(520 * 1024)}"}`,
    expect: { status: 413, code: 'body_too_large', limit: 500 * 1024 },
  },
  {
    name: '2,501 messages in one batch',
    headers: AUTH,
    body: `{"batch":[${Array.from({ length: 2501 }, () => '{}').join(',')}]}`,
    expect: { status: 413, code: 'batch_too_large', limit: 2500 },
  },
  // Write keys.
  {
    name: 'no write key',
    headers: JSON_TYPE,
    body: batchWith(base()),
    expect: { status: 401, code: 'missing_write_key' },
  },
  {
    name: 'forged key in Basic auth',
    headers: { ...JSON_TYPE, authorization: basicAuth('wk_forged') },
    body: batchWith(base()),
    expect: { status: 401, code: 'invalid_write_key' },
  },
  {
    name: 'forged X-Write-Key',
    headers: { ...JSON_TYPE, 'x-write-key': 'wk_forged' },
    body: batchWith(base()),
    expect: { status: 401, code: 'invalid_write_key' },
  },
  {
    name: 'forged writeKey in the body',
    headers: JSON_TYPE,
    body: JSON.stringify({ batch: [base()], writeKey: 'wk_forged' }),
    expect: { status: 401, code: 'invalid_write_key' },
  },
  {
    name: 'key that differs by one character',
    headers: { ...JSON_TYPE, authorization: basicAuth(`${KEYS.server.slice(0, -1)}X`) },
    body: batchWith(base()),
    expect: { status: 401, code: 'invalid_write_key' },
  },
  {
    name: 'Basic auth that is not base64',
    headers: { ...JSON_TYPE, authorization: 'Basic !!!not-base64!!!' },
    body: batchWith(base()),
    expect: { status: 401, code: 'missing_write_key' },
  },
  {
    name: 'Bearer token instead of a write key',
    headers: { ...JSON_TYPE, authorization: `Bearer ${KEYS.server}` },
    body: batchWith(base()),
    expect: { status: 401, code: 'missing_write_key' },
  },
  {
    name: 'writeKey in the body is a number',
    headers: JSON_TYPE,
    body: JSON.stringify({ batch: [base()], writeKey: 12345 }),
    expect: { status: 401, code: 'missing_write_key' },
  },
  {
    name: 'unparsable body with its key only inside it',
    headers: JSON_TYPE,
    body: `{"writeKey":"${KEYS.server}","batch":[`,
    expect: { status: 401, code: 'missing_write_key' },
  },
  {
    name: 'SQL in the write key',
    headers: { ...JSON_TYPE, 'x-write-key': "' OR '1'='1" },
    body: batchWith(base()),
    expect: { status: 401, code: 'invalid_write_key' },
  },
  {
    name: 'disabled source',
    headers: { ...JSON_TYPE, authorization: basicAuth(KEYS.disabled) },
    body: batchWith(base()),
    expect: { status: 403, code: 'source_disabled' },
  },
  // CORS.
  {
    name: 'browser origin not allowed for the web source',
    headers: { ...JSON_TYPE, authorization: basicAuth(KEYS.web), origin: 'https://evil.example' },
    body: batchWith(base()),
    expect: { status: 403, code: 'origin_not_allowed' },
  },
  {
    name: 'browser origin on a server-only source',
    headers: { ...AUTH, origin: WEB_ORIGIN },
    body: batchWith(base()),
    expect: { status: 403, code: 'origin_not_allowed' },
  },
  {
    name: 'preflight from an unknown origin',
    method: 'OPTIONS',
    headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    expect: { status: 403, code: 'origin_not_allowed' },
  },
  // Methods and paths.
  {
    name: 'GET /v1/batch',
    method: 'GET',
    headers: AUTH,
    expect: { status: 405, code: 'method_not_allowed' },
  },
  {
    name: 'PUT /v1/track',
    method: 'PUT',
    path: '/v1/track',
    headers: AUTH,
    body: JSON.stringify(base()),
    expect: { status: 405, code: 'method_not_allowed' },
  },
  {
    name: 'DELETE /v1/b',
    method: 'DELETE',
    path: '/v1/b',
    headers: AUTH,
    expect: { status: 405, code: 'method_not_allowed' },
  },
  {
    name: 'PATCH /v1/i',
    method: 'PATCH',
    path: '/v1/i',
    headers: AUTH,
    body: '{}',
    expect: { status: 405, code: 'method_not_allowed' },
  },
  {
    name: 'POST /health',
    method: 'POST',
    path: '/health',
    headers: AUTH,
    body: '{}',
    expect: { status: 405, code: 'method_not_allowed' },
  },
  {
    name: 'POST /metrics',
    method: 'POST',
    path: '/metrics',
    headers: AUTH,
    body: '{}',
    expect: { status: 405, code: 'method_not_allowed' },
  },
  {
    name: 'unknown version path /v2/batch',
    path: '/v2/batch',
    headers: AUTH,
    body: batchWith(base()),
    expect: { status: 404, code: 'not_found' },
  },
  {
    name: 'unknown message type path',
    path: '/v1/trackx',
    headers: AUTH,
    body: JSON.stringify(base()),
    expect: { status: 404, code: 'not_found' },
  },
  {
    name: 'path traversal',
    path: '/v1/%2e%2e/%2e%2e/etc/passwd',
    headers: AUTH,
    body: '{}',
    expect: { status: 404, code: 'not_found' },
  },
  {
    name: 'settings of a forged key',
    method: 'GET',
    path: '/v1/projects/wk_forged/settings',
    expect: { status: 401, code: 'invalid_write_key' },
  },
  {
    name: 'metrics without the admin key',
    method: 'GET',
    path: '/metrics',
    expect: { status: 401, code: 'missing_admin_key' },
  },
  {
    name: 'metrics with a write key as admin key',
    method: 'GET',
    path: '/metrics',
    headers: { authorization: `Bearer ${KEYS.server}` },
    expect: { status: 401, code: 'invalid_admin_key' },
  },
];

/** Hostile or malformed messages sent in a batch next to a valid one: rejected alone, or stored verbatim. */
export const BAD_MESSAGE_CASES: readonly BadInputCase[] = [
  { name: 'message is a number', message: messageText('42'), expect: { status: 200, rules: ['type'] } },
  { name: 'message is null', message: messageText('null'), expect: { status: 200, rules: ['type'] } },
  {
    name: 'message is an array',
    message: messageText('[{"type":"track"}]'),
    expect: { status: 200, rules: ['type'] },
  },
  { name: 'message is a string', message: messageText('"track"'), expect: { status: 200, rules: ['type'] } },
  {
    name: 'NUL in a property value',
    message: messageText(withProps({ level: 1, character: 'mage\u0000' })),
    expect: { status: 200, rules: ['nul_character'] },
  },
  {
    name: 'NUL in a property key',
    message: messageText(withProps({ level: 1, character: 'mage', 'a\u0000b': 1 })),
    expect: { status: 200, rules: ['nul_character'] },
  },
  {
    name: 'NUL in the event name',
    message: messageText({ ...base(), event: 'level_up\u0000' }),
    expect: { status: 200, rules: ['nul_character'] },
  },
  {
    name: 'NUL in an undeclared context value',
    message: messageText({ ...base(), context: { library: { name: 'x\u0000' } } }),
    expect: { status: 200, rules: ['nul_character'] },
  },
  {
    name: 'lone high surrogate in a value',
    message: messageText(`{"type":"identify","anonymousId":"a","traits":{"name":"\\ud83d"}}`),
    expect: { status: 200, rules: ['lone_surrogate'] },
  },
  {
    name: 'lone low surrogate in a key',
    message: messageText(`{"type":"identify","anonymousId":"a","traits":{"\\ude00":1}}`),
    expect: { status: 200, rules: ['lone_surrogate'] },
  },
  {
    name: 'reversed surrogate pair',
    message: messageText(`{"type":"identify","anonymousId":"\\ude00\\ud83d"}`),
    expect: { status: 200, rules: ['lone_surrogate'] },
  },
  {
    name: 'number too large for a double (1e999)',
    message: messageText(`{"type":"identify","anonymousId":"a","traits":{"n":1e999}}`),
    expect: { status: 200, rules: ['non_finite_number'] },
  },
  {
    name: 'number too large for a double written 1e400 (stored as written)',
    message: messageText(`{"type":"identify","anonymousId":"a","traits":{"n":1e400}}`),
    expect: { status: 200, rules: ['non_finite_number'] },
  },
  {
    name: 'integer 2^53+1 that a double rounds (stored as written)',
    message: messageText(
      `{"type":"track","event":"level_up","anonymousId":"a","properties":{"level":9007199254740993,"character":"mage"}}`,
    ),
    expect: { status: 200, rules: ['integer', 'maximum'] },
  },
  {
    name: 'rejected message carrying a write key (stored without it)',
    message: messageText({ ...withProps({ level: 0, character: 'mage' }), writeKey: KEYS.server }),
    expect: { status: 200, rules: ['minimum'] },
  },
  {
    name: 'integer beyond 2^64 for an integer property',
    message: messageText(
      `{"type":"track","event":"level_up","anonymousId":"a","properties":{"level":18446744073709551616,"character":"mage"}}`,
    ),
    expect: { status: 200, rules: ['integer', 'maximum'] },
  },
  {
    name: '__proto__ key in properties',
    message: messageText(
      `{"type":"track","event":"level_up","anonymousId":"a","properties":{"level":1,"character":"mage","__proto__":{"polluted":true}}}`,
    ),
    expect: { status: 200, rules: ['additional_property'] },
  },
  {
    name: 'constructor key in properties',
    message: messageText(
      withProps({ level: 1, character: 'mage', constructor: { prototype: { polluted: true } } }),
    ),
    expect: { status: 200, rules: ['additional_property'] },
  },
  {
    name: '__proto__ key at the top level (stored as data)',
    message: messageText(`{"type":"identify","anonymousId":"a","__proto__":{"polluted":true}}`),
    expect: { status: 200, accepted: true },
  },
  {
    name: 'SQL in the event name',
    message: messageText({ ...base(), event: "level_up'); DROP TABLE raw.events; --" }),
    expect: { status: 200, rules: ['unknown_event'] },
  },
  {
    name: 'SQL in a property value (stored verbatim)',
    message: messageText({
      type: 'track',
      event: 'purchase',
      anonymousId: 'a',
      properties: { sku: "'); DROP TABLE raw.events; --", price_cents: 100, currency: 'EUR' },
    }),
    expect: { status: 200, accepted: true },
  },
  {
    name: 'SQL in the userId (stored verbatim)',
    message: messageText({ type: 'identify', userId: "1; DELETE FROM raw.events WHERE '1'='1", traits: {} }),
    expect: { status: 200, accepted: true },
  },
  {
    name: 'event over 32 KiB',
    message: messageText({ type: 'identify', anonymousId: 'a', traits: { bio: 'x'.repeat(40 * 1024) } }),
    expect: { status: 200, rules: ['max_event_bytes'] },
  },
  {
    name: 'unknown event',
    message: messageText({ ...base(), event: 'no_such_event' }),
    expect: { status: 200, rules: ['unknown_event'] },
  },
  {
    name: 'unknown event version',
    message: messageText({ ...base(), context: { eventVersion: 99 } }),
    expect: { status: 200, rules: ['unknown_version'] },
  },
  {
    name: 'property of the wrong type',
    message: messageText(withProps({ level: '3', character: 'mage' })),
    expect: { status: 200, rules: ['type'] },
  },
  {
    name: 'required property missing',
    message: messageText(withProps({ character: 'mage' })),
    expect: { status: 200, rules: ['required'] },
  },
  {
    name: 'value outside the enum',
    message: messageText(withProps({ level: 1, character: 'bard' })),
    expect: { status: 200, rules: ['enum'] },
  },
  {
    name: 'neither userId nor anonymousId',
    message: messageText({ ...base(), anonymousId: undefined }),
    expect: { status: 200, rules: ['required'] },
  },
  {
    name: 'unknown message type',
    message: messageText({ ...base(), type: 'hack' }),
    expect: { status: 200, rules: ['enum'] },
  },
  {
    name: 'messageId over 100 characters',
    message: messageText({ ...base(), messageId: 'm'.repeat(200) }),
    expect: { status: 200, rules: ['max_length'] },
  },
  {
    name: 'timestamp that is not ISO-8601',
    message: messageText({ ...base(), timestamp: 'yesterday' }),
    expect: { status: 200, rules: ['format'] },
  },
  {
    name: 'context that is not an object',
    message: messageText({ ...base(), context: 'ios' }),
    expect: { status: 200, rules: ['type'] },
  },
  {
    name: 'properties that are not an object',
    message: messageText({ ...base(), properties: [1, 2] }),
    expect: { status: 200, rules: ['type'] },
  },
  {
    name: 'group without groupId',
    message: messageText({ type: 'group', anonymousId: 'a' }),
    expect: { status: 200, rules: ['required'] },
  },
];
