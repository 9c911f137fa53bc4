import { describeEachDatabase } from '@tributary/warehouse/testing';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import type { Collector } from './create-collector.js';
import {
  basicAuth,
  createWarehouseTables,
  KEYS,
  levelUp,
  testCollector,
  truncateRaw,
} from './test-helpers/test-collector.js';

describeEachDatabase('collector ingest', (getDb) => {
  let collector: Collector;
  beforeAll(async () => {
    await createWarehouseTables(getDb());
    collector = await testCollector(getDb(), {
      clock: () => new Date('2026-01-01T00:00:10.000Z'),
    });
  });
  afterAll(() => collector?.close());
  beforeEach(() => truncateRaw(getDb()));

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    collector.app.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: basicAuth(KEYS.server), ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it('stores a valid batch in raw.events and answers after the commit', async () => {
    const response = await post('/v1/batch', { batch: [levelUp('m1'), levelUp('m2')] });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ accepted: 2, rejected: 0, duplicates: 0, errors: [] });
    const rows = await getDb().query<{ message_id: string; source: string; type: string; event: string }>(
      'SELECT message_id, source, type, event FROM raw.events ORDER BY seq',
    );
    expect(rows).toEqual([
      { message_id: 'm1', source: 'server', type: 'track', event: 'level_up' },
      { message_id: 'm2', source: 'server', type: 'track', event: 'level_up' },
    ]);
  });

  it('stores the valid events of a batch and rejects the invalid ones with reasons and the original payload', async () => {
    const bad = { ...levelUp('bad-1'), properties: { level: 0, character: 'mage' } };
    const response = await post('/v1/batch', { batch: [levelUp('ok-1'), bad] });
    const body = (await response.json()) as {
      accepted: number;
      rejected: number;
      errors: { index: number; messageId: string; reasons: { path: string; rule: string }[] }[];
    };
    expect(response.status).toBe(200);
    expect(body.accepted).toBe(1);
    expect(body.rejected).toBe(1);
    expect(body.errors[0]).toMatchObject({
      index: 1,
      messageId: 'bad-1',
      reasons: [{ path: 'properties.level', rule: 'minimum' }],
    });
    const rejected = await getDb().query<{
      stage: string;
      message_id: string;
      payload: string;
      reasons: unknown[];
      source: string;
    }>('SELECT stage, source, message_id, payload, reasons FROM raw.rejected');
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toMatchObject({ stage: 'collector', source: 'server', message_id: 'bad-1' });
    expect(JSON.parse(rejected[0]?.payload ?? '')).toEqual(bad);
    expect(rejected[0]?.reasons).toMatchObject([{ path: 'properties.level', rule: 'minimum' }]);
  });

  it('counts duplicates within a batch and across requests, storing each messageId once', async () => {
    const first = await post('/v1/batch', { batch: [levelUp('d1'), levelUp('d1'), levelUp('d2')] });
    expect(await first.json()).toMatchObject({ accepted: 2, duplicates: 1 });
    const again = await post('/v1/track', levelUp('d2'));
    expect(await again.json()).toMatchObject({ accepted: 0, duplicates: 1 });
    const [{ count }] = (await getDb().query<{ count: string }>(
      'SELECT count(*) AS count FROM raw.events',
    )) as [{ count: string }];
    expect(count).toBe('2');
  });

  it('enriches: receivedAt, clock-skew corrected timestamp keeping originalTimestamp, messageId, ip, user agent', async () => {
    const message = { ...levelUp('x'), messageId: undefined, timestamp: '2026-01-01T00:00:00.000Z' };
    const response = await post(
      '/v1/batch',
      { batch: [message], sentAt: '2026-01-01T00:00:05.000Z' },
      { 'user-agent': 'test-agent/1.0' },
    );
    expect(await response.json()).toMatchObject({ accepted: 1 });
    const [row] = await getDb().query<{ message_id: string; payload: Record<string, any> }>(
      'SELECT message_id, payload FROM raw.events',
    );
    expect(row?.message_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(row?.payload).toMatchObject({
      messageId: row?.message_id,
      receivedAt: '2026-01-01T00:00:10.000Z',
      sentAt: '2026-01-01T00:00:05.000Z',
      originalTimestamp: '2026-01-01T00:00:00.000Z',
      // receivedAt − (sentAt − originalTimestamp) = 10s − 5s
      timestamp: '2026-01-01T00:00:05.000Z',
      context: { platform: 'ios', userAgent: 'test-agent/1.0' },
    });
    expect(row?.payload).not.toHaveProperty('writeKey');
  });

  it('sends NOTIFY tributary_raw_events with the highest committed seq', async () => {
    const payloads: string[] = [];
    const unlisten = await getDb().listen('tributary_raw_events', (payload) => payloads.push(payload));
    try {
      await post('/v1/batch', { batch: [levelUp('n1'), levelUp('n2'), levelUp('n3')] });
      const [{ max }] = (await getDb().query<{ max: string }>(
        'SELECT max(seq)::text AS max FROM raw.events',
      )) as [{ max: string }];
      await expect.poll(() => payloads).toContain(max);
    } finally {
      await unlisten();
    }
  });
});
