import { describeEachDatabase } from '@tributary/warehouse/testing';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import type { Collector } from '../create-collector.js';
import {
  basicAuth,
  createWarehouseTables,
  KEYS,
  levelUp,
  testCollector,
  truncateRaw,
} from '../test-helpers/test-collector.js';

// Issue 16, points 7 and 8: rejected messages are stored as the exact text that arrived (a number
// JSON.parse would round or turn into Infinity survives), and a batch without any message object
// is a malformed request (400, the body kept whole).
const BIG_INTEGER =
  '{"type":"track","event":"level_up","anonymousId":"a","properties":{"level":9007199254740993,"character":"mage"}}';
const HUGE_NUMBER = '{ "type" : "identify", "anonymousId" : "a", "traits" : { "n" : 1e400, "m": 1.50 } }';

describeEachDatabase('rejected input is stored as received', (getDb) => {
  let collector: Collector;
  beforeAll(async () => {
    await createWarehouseTables(getDb());
    collector = await testCollector(getDb());
  });
  afterAll(() => collector?.close());
  beforeEach(() => truncateRaw(getDb()));

  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    collector.app.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: basicAuth(KEYS.server), ...headers },
      body,
    });
  const payloads = async () =>
    (await getDb().query<{ payload: string }>('SELECT payload FROM raw.rejected ORDER BY id')).map(
      (row) => row.payload,
    );

  it('keeps 9007199254740993 and 1e400 of rejected batch messages exactly as they were written', async () => {
    const response = await post(
      '/v1/batch',
      `{"batch":[${BIG_INTEGER},\n  ${JSON.stringify(levelUp('ok'))} ,${HUGE_NUMBER}]}`,
    );
    expect(await response.json()).toMatchObject({
      accepted: 1,
      rejected: 2,
      errors: [
        { index: 0, reasons: [{ rule: 'integer' }, { rule: 'maximum' }] },
        { index: 2, reasons: [{ rule: 'non_finite_number' }] },
      ],
    });
    expect(await payloads()).toEqual([BIG_INTEGER, HUGE_NUMBER]);
  });

  it('keeps a rejected single message (the whole body) exactly, without its writeKey', async () => {
    const body = `{"writeKey":"${KEYS.server}", "anonymousId":"a","traits":{"n":1e400,"id":9007199254740993}}`;
    const response = await post('/v1/identify', body, { authorization: '' });
    expect(await response.json()).toMatchObject({ accepted: 0, rejected: 1 });
    expect(await payloads()).toEqual(['{"anonymousId":"a","traits":{"n":1e400,"id":9007199254740993}}']);
  });

  it('keeps the exact text of messages beyond the listed 20 in the summary row', async () => {
    const batch = Array.from({ length: 22 }, (_, i) => (i % 2 === 0 ? BIG_INTEGER : HUGE_NUMBER));
    await post('/v1/batch', `{"batch":[${batch.join(',')}]}`);
    const stored = await payloads();
    expect(stored).toHaveLength(21);
    expect(stored.slice(0, 20)).toEqual(batch.slice(0, 20));
    expect(stored[20]).toBe(`[${BIG_INTEGER},${HUGE_NUMBER}]`);
  });

  it('answers a batch without any message object 400 invalid_batch and keeps the body, key removed', async () => {
    const response = await post('/v1/batch', `{"writeKey":"${KEYS.server}","batch":["a","b"]}`, {
      authorization: '',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 'invalid_batch' } });
    expect(await payloads()).toEqual(['{"batch":["a","b"]}']);
    const mixed = await post('/v1/batch', `{"batch":["a",${JSON.stringify(levelUp('beside-a'))}]}`);
    expect(await mixed.json()).toMatchObject({ accepted: 1, rejected: 1, errors: [{ index: 0 }] });
    expect((await post('/v1/batch', '{"batch":[]}')).status).toBe(200);
  });
});
