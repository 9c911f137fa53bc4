import { describeEachDatabase } from '@tributary/warehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CollectorServer, startCollectorServer } from '../server/start-server.js';
import {
  basicAuth,
  createWarehouseTables,
  KEYS,
  levelUp,
  testCollectorOptions,
} from '../test-helpers/test-collector.js';
import { BAD_MESSAGE_CASES, BAD_REQUEST_CASES, type BadInputCase } from '../test-helpers/bad-input-cases.js';

// Acceptance 2: every malformed or hostile request gets its documented status and error body, a
// valid event sent right after (or beside) it is still stored, and the server keeps running.
describe('bad-input suite size', () => {
  it('has at least 60 distinct cases', () => {
    const names = [...BAD_REQUEST_CASES, ...BAD_MESSAGE_CASES].map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.length).toBeGreaterThanOrEqual(60);
  });
});

describeEachDatabase('bad input over HTTP', (getDb) => {
  let server: CollectorServer;
  let validCount = 0;
  const validIds: string[] = [];
  beforeAll(async () => {
    await createWarehouseTables(getDb());
    server = await startCollectorServer({ ...testCollectorOptions(getDb()), port: 0, handleSignals: false });
  });
  afterAll(() => server?.close());

  const rejectedCount = async () =>
    Number((await getDb().query<{ n: string }>('SELECT count(*) AS n FROM raw.rejected'))[0]?.n);
  const send = (c: BadInputCase, body: string | Uint8Array<ArrayBuffer> | undefined) =>
    fetch(`${server.url}${c.path ?? '/v1/batch'}`, { method: c.method ?? 'POST', headers: c.headers, body });
  const nextValid = () => {
    const id = `valid-${++validCount}`;
    validIds.push(id);
    return levelUp(id);
  };

  it.each(BAD_REQUEST_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const before = await rejectedCount();
    const response = await send(c, c.body);
    const body = (await response.json()) as { error: { code: string; message: string; limit?: number } };
    expect(c.expect.status).not.toBe(200);
    if (c.expect.status === 200) return;
    expect({ status: response.status, code: body.error.code }).toEqual({
      status: c.expect.status,
      code: c.expect.code,
    });
    expect(body.error.message.length).toBeGreaterThan(10);
    if (c.expect.limit !== undefined) expect(body.error.limit).toBe(c.expect.limit);
    expect(response.headers.get('x-request-id')).toBeTruthy();
    expect(await rejectedCount()).toBe(before + (c.expect.storedWhole ? 1 : 0));

    const valid = await fetch(`${server.url}/v1/track`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: basicAuth(KEYS.server) },
      body: JSON.stringify(nextValid()),
    });
    expect(await valid.json()).toMatchObject({ accepted: 1, rejected: 0 });
  });

  it.each(BAD_MESSAGE_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const before = await rejectedCount();
    const valid = nextValid();
    const response = await fetch(`${server.url}/v1/batch`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', authorization: basicAuth(KEYS.server) },
      body: `{"batch":[${c.message},${JSON.stringify(valid)}]}`,
    });
    const body = (await response.json()) as {
      accepted: number;
      rejected: number;
      errors: { index: number; reasons: { rule: string }[] }[];
    };
    expect(response.status).toBe(200);
    if (c.expect.status !== 200) return;
    if ('accepted' in c.expect) {
      expect(body).toMatchObject({ accepted: 2, rejected: 0 });
      expect(await rejectedCount()).toBe(before);
    } else {
      expect(body).toMatchObject({ accepted: 1, rejected: 1 });
      expect(body.errors[0]?.index).toBe(0);
      expect(new Set(body.errors[0]?.reasons.map((reason) => reason.rule))).toEqual(new Set(c.expect.rules));
      expect(await rejectedCount()).toBe(before + 1);
    }
  });

  it('stored every valid event sent beside a bad one, kept hostile values verbatim, and was not polluted', async () => {
    const stored = await getDb().query<{ message_id: string }>('SELECT message_id FROM raw.events');
    const ids = new Set(stored.map((row) => row.message_id));
    expect(validIds.length).toBe(BAD_REQUEST_CASES.length + BAD_MESSAGE_CASES.length);
    for (const id of validIds) expect(ids.has(id)).toBe(true);
    const [sql] = await getDb().query<{ sku: string }>(
      "SELECT payload->'properties'->>'sku' AS sku FROM raw.events WHERE event = 'purchase'",
    );
    expect(sql?.sku).toBe("'); DROP TABLE raw.events; --");
    const [proto] = await getDb().query<{ polluted: string }>(
      "SELECT payload->'__proto__'->>'polluted' AS polluted FROM raw.events WHERE payload ? '__proto__'",
    );
    expect(proto?.polluted).toBe('true');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // Whole bodies that were not JSON are kept as text; a raw NUL is stored as the escape \u0000.
    const [nul] = await getDb().query<{ payload: string }>(
      "SELECT payload FROM raw.rejected WHERE payload LIKE '%batch%\\\\u0000%'",
    );
    expect(nul?.payload).toBe('{"batch":[\\u0000]}');
    // Rejected messages are kept as the text that arrived, and no write key is stored anywhere.
    const exact = await getDb().query<{ payload: string }>(
      "SELECT payload FROM raw.rejected WHERE payload LIKE '%9007199254740993%' OR payload LIKE '%1e400%'",
    );
    expect(exact).toHaveLength(2);
    const leaked = await getDb().query<{ payload: string }>(
      `SELECT payload FROM raw.rejected WHERE payload || reasons::text LIKE '%${KEYS.server}%'
       UNION ALL SELECT payload::text FROM raw.events WHERE payload::text LIKE '%${KEYS.server}%'`,
    );
    expect(leaked).toEqual([]);
    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(200);
  });
});
