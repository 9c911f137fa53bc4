import { randomBytes } from 'node:crypto';
import { BrokerAdmin, type BrokerConfig, JetStreamLoader } from '@tributary/jetstream';
import { describeEachDatabase } from '@tributary/warehouse/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Collector } from '../create-collector.js';
import {
  basicAuth,
  createWarehouseTables,
  KEYS,
  levelUp,
  testCollector,
} from '../test-helpers/test-collector.js';

const NATS_URL = process.env.TRIBUTARY_NATS_URL ?? 'nats://127.0.0.1:4222';

describeEachDatabase('collector with a JetStream broker (NATS at 127.0.0.1:4222)', (getDb) => {
  const id = `${process.pid}_${randomBytes(4).toString('hex')}`;
  const broker: BrokerConfig = {
    url: NATS_URL,
    stream: `TRIBUTARY_COLLECTOR_TEST_${id}`,
    subjectPrefix: `tributary_ct_${id}`,
  };
  let admin: BrokerAdmin;
  let collector: Collector;

  beforeAll(async () => {
    await createWarehouseTables(getDb());
    admin = await BrokerAdmin.connect(broker);
    await admin.ensure();
    collector = await testCollector(getDb(), { broker: { ...broker, publishTimeoutMs: 1000 } });
  });
  afterAll(async () => {
    await collector?.close();
    await admin?.deleteStream();
    await admin?.close();
  });

  const post = (body: unknown) =>
    collector.app.request('/v1/batch', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: basicAuth(KEYS.server) },
      body: JSON.stringify(body),
    });
  const count = async (table: string) =>
    Number((await getDb().query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`))[0]?.n);
  const bad = { ...levelUp('bad-1'), properties: { level: 0, character: 'mage' } };

  it('answers after JetStream acknowledged: events and rejected messages are on the stream, not in the database', async () => {
    const response = await post({ batch: [levelUp('b-1'), levelUp('b-2'), bad] });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ accepted: 2, rejected: 1, duplicates: 0 });
    expect((await admin.status()).messages).toBe(3);
    expect(await count('raw.events')).toBe(0);
    expect(await count('raw.rejected')).toBe(0);
  });

  it("reports JetStream's duplicate flag as duplicates when a client retries", async () => {
    const response = await post({ batch: [levelUp('b-1'), levelUp('b-2'), levelUp('b-3')] });
    expect(await response.json()).toMatchObject({ accepted: 1, duplicates: 2 });
    expect((await admin.status()).messages).toBe(4);
    expect(collector.metrics.duplicates).toBe(2);
  });

  it('exposes the consumer lag in /metrics', async () => {
    const response = await collector.app.request('/metrics', { headers: { 'x-admin-key': KEYS.admin } });
    const text = await response.text();
    expect(text).toContain('tributary_collector_events_accepted_total 3');
    expect(text).toContain(
      `tributary_jetstream_consumer_lag_messages{stream="${broker.stream}",consumer="tributary-loader"} 4`,
    );
  });

  it('a loader moves what the collector published into raw.events and raw.rejected', async () => {
    const loader = await JetStreamLoader.start({ warehouse: getDb(), broker });
    try {
      const deadline = Date.now() + 20_000;
      while ((await count('raw.events')) < 3 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      const rows = await getDb().query<{ message_id: string; source: string }>(
        'SELECT message_id, source FROM raw.events ORDER BY seq',
      );
      expect(rows).toEqual([
        { message_id: 'b-1', source: 'server' },
        { message_id: 'b-2', source: 'server' },
        { message_id: 'b-3', source: 'server' },
      ]);
      const rejected = await getDb().query<{ message_id: string; reasons: { rule: string }[] }>(
        'SELECT message_id, reasons FROM raw.rejected',
      );
      expect(rejected).toMatchObject([{ message_id: 'bad-1', reasons: [{ rule: 'minimum' }] }]);
    } finally {
      await loader.stop();
    }
  });

  it('fails to start with broker_unavailable naming the servers when NATS does not answer', async () => {
    await expect(testCollector(getDb(), { broker: { url: 'nats://127.0.0.1:1' } })).rejects.toMatchObject({
      code: 'broker_unavailable',
      message: expect.stringContaining('nats://127.0.0.1:1'),
    });
  });

  it('answers 503 broker_unavailable with Retry-After when JetStream does not acknowledge; /ready is 503', async () => {
    await admin.deleteStream();
    const response = await post({ batch: [levelUp('b-9')] });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(await response.json()).toMatchObject({ error: { code: 'broker_unavailable' } });
    const ready = await collector.app.request('/ready');
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ error: { code: 'broker_unavailable' } });
    await admin.ensure();
    expect((await post({ batch: [levelUp('b-9')] })).status).toBe(200);
    expect((await collector.app.request('/ready')).status).toBe(200);
  });
});
