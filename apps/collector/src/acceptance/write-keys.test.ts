import { describeEachDatabase } from '@tributary/warehouse/testing';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Collector } from '../create-collector.js';
import {
  basicAuth,
  createWarehouseTables,
  KEYS,
  levelUp,
  testCollector,
} from '../test-helpers/test-collector.js';

// Issue 16, point 1: no write key reaches a table or a log line, on every path that stores a body.
// The request authenticates with KEYS.server (in the body, or a header); OTHER is a key of no
// source that clients put inside messages. Checked by prefix: a key cut short leaks too.
const OTHER = 'wk_other_source_secret';
const PREFIXES = [KEYS.server.slice(0, 10), OTHER.slice(0, 9)];
const JSON_ONLY = { 'content-type': 'application/json' };
const AUTH = { ...JSON_ONLY, authorization: basicAuth(KEYS.server) };

/** Every way a request stores a body: accepted, rejected whole, rejected per message, summarised. */
const REQUESTS: readonly {
  name: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  status: number;
}[] = [
  {
    name: 'accepted batch: key in the body, in a message, nested in its context',
    path: '/v1/batch',
    headers: JSON_ONLY,
    body: JSON.stringify({
      writeKey: KEYS.server,
      batch: [{ ...levelUp('accepted-1'), writeKey: OTHER, context: { platform: 'ios', writeKey: OTHER } }],
    }),
    status: 200,
  },
  {
    name: 'accepted single message with its key',
    path: '/v1/track',
    headers: JSON_ONLY,
    body: JSON.stringify({ ...levelUp('accepted-2'), writeKey: KEYS.server }),
    status: 200,
  },
  {
    name: 'rejected whole: batch not an array (the audit’s example)',
    path: '/v1/batch',
    headers: JSON_ONLY,
    body: JSON.stringify({ writeKey: KEYS.server, batch: { x: 1 } }),
    status: 400,
  },
  {
    name: 'rejected whole: invalid JSON quoting the key unquoted',
    path: '/v1/batch',
    headers: AUTH,
    body: `{"batch":[],"writeKey":${KEYS.server}}`,
    status: 400,
  },
  {
    name: 'rejected whole: invalid JSON with the key in a writeKey member',
    path: '/v1/batch',
    headers: AUTH,
    body: `{"writeKey":"${OTHER}","batch":[{"x":NaN}]}`,
    status: 400,
  },
  {
    name: 'rejected whole: body not an object',
    path: '/v1/batch',
    headers: AUTH,
    body: `["${KEYS.server}"]`,
    status: 400,
  },
  {
    name: 'rejected whole: nested too deep',
    path: '/v1/batch',
    headers: AUTH,
    body: `{"writeKey":"${KEYS.server}","batch":[{"writeKey":"${OTHER}","p":${'['.repeat(40)}${']'.repeat(40)}}]}`,
    status: 400,
  },
  {
    name: 'rejected whole: batch without a message object',
    path: '/v1/batch',
    headers: JSON_ONLY,
    body: JSON.stringify({ writeKey: KEYS.server, batch: ['a', 'b'] }),
    status: 400,
  },
  {
    name: 'rejected message: its own key, one in properties, the request key as a value',
    path: '/v1/batch',
    headers: JSON_ONLY,
    body: JSON.stringify({
      writeKey: KEYS.server,
      batch: [
        {
          ...levelUp('rejected-1'),
          writeKey: OTHER,
          properties: { level: 0, character: KEYS.server, writeKey: OTHER },
        },
      ],
    }),
    status: 200,
  },
  {
    name: 'rejected single message with its key',
    path: '/v1/track',
    headers: JSON_ONLY,
    body: JSON.stringify({ ...levelUp('rejected-2', 0), writeKey: KEYS.server }),
    status: 200,
  },
  {
    name: 'rejected messages beyond the listed 20 (one summary row)',
    path: '/v1/batch',
    headers: JSON_ONLY,
    body: JSON.stringify({
      writeKey: KEYS.server,
      batch: Array.from({ length: 30 }, (_, i) => ({ ...levelUp(`rejected-s${i}`, 0), writeKey: OTHER })),
    }),
    status: 200,
  },
];

describeEachDatabase('write keys are never stored', (getDb) => {
  let collector: Collector;
  const logs: string[] = [];
  beforeAll(async () => {
    await createWarehouseTables(getDb());
    collector = await testCollector(getDb(), {
      logger: pino({ level: 'trace' }, { write: (line: string) => logs.push(line) }),
    });
  });
  afterAll(() => collector?.close());

  const send = (request: (typeof REQUESTS)[number]) =>
    collector.app.request(request.path, { method: 'POST', headers: request.headers, body: request.body });
  const storedText = async () => {
    const events = await getDb().query<{ text: string }>('SELECT payload::text AS text FROM raw.events');
    const rejected = await getDb().query<{ text: string }>(
      "SELECT coalesce(message_id, '') || payload || reasons::text AS text FROM raw.rejected",
    );
    return [...events, ...rejected].map((row) => row.text);
  };

  it.each(REQUESTS.map((r) => [r.name, r] as const))('%s', async (_name, request) => {
    const response = await send(request);
    expect(response.status).toBe(request.status);
  });

  it('stored all of them, and no key is in any row', async () => {
    const stored = await storedText();
    for (const prefix of PREFIXES) expect(stored.filter((text) => text.includes(prefix))).toEqual([]);
    const [counts] = await getDb().query<{ events: number; rejected: number }>(
      'SELECT (SELECT count(*)::int FROM raw.events) AS events, (SELECT count(*)::int FROM raw.rejected) AS rejected',
    );
    // 2 accepted; 6 bodies rejected whole; 1 + 1 rejected messages; 20 listed + 1 summary row.
    expect(counts).toEqual({ events: 2, rejected: 6 + 2 + 21 });
    const [audit] = await getDb().query<{ payload: string }>(
      `SELECT payload FROM raw.rejected WHERE reasons->0->>'rule' = 'invalid_batch' ORDER BY id LIMIT 1`,
    );
    expect(audit?.payload).toBe('{"batch":{"x":1}}');
  });

  it('logs no key, also when flushes fail', async () => {
    await getDb().exec('DROP TABLE raw.rejected');
    for (const request of REQUESTS.filter((r) => r.name.startsWith('rejected')))
      expect((await send(request)).status).toBe(500);
    expect(logs.some((line) => line.includes('flush failed'))).toBe(true);
    for (const prefix of PREFIXES) expect(logs.filter((line) => line.includes(prefix))).toEqual([]);
  });
});
