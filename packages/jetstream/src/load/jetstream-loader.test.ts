import type { JetStreamManager } from '@nats-io/jetstream';
import { headers, type NatsConnection } from '@nats-io/transport-node';
import { describeEachDatabase } from '@tributary/warehouse/testing';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { recordSubject, resolveBrokerConfig } from '../config/broker-config.js';
import { resolveStreamSettings } from '../config/stream-settings.js';
import { JetStreamSink } from '../publish/jetstream-sink.js';
import { encodeEventRecord, natsMessageId } from '../publish/wire-records.js';
import { ensureStream } from '../setup/ensure-stream.js';
import {
  adminConnection,
  createRawTables,
  deleteStream,
  eventRow,
  uniqueBroker,
  waitFor,
} from '../test-helpers/test-broker.js';
import { JetStreamLoader } from './jetstream-loader.js';
import type { LoadDatabase } from './load-batch.js';

const REASONS = [{ path: 'level', rule: 'type', expected: 'integer', received: 'string', message: 'bad' }];

describeEachDatabase('JetStreamLoader', (getDb) => {
  let admin: { nc: NatsConnection; jsm: JetStreamManager };
  let broker: ReturnType<typeof uniqueBroker>;
  let sink: JetStreamSink;
  const loaders: JetStreamLoader[] = [];

  beforeAll(async () => {
    admin = await adminConnection();
    await createRawTables(getDb());
  });
  afterAll(async () => {
    await admin.nc.close();
  });
  beforeEach(async () => {
    broker = uniqueBroker();
    await ensureStream(admin.jsm, resolveBrokerConfig(broker), resolveStreamSettings({ ackWaitMs: 2000 }));
    sink = await JetStreamSink.connect(broker);
    await getDb().exec('TRUNCATE raw.events, raw.rejected RESTART IDENTITY');
  });
  afterEach(async () => {
    for (const loader of loaders.splice(0)) await loader.stop();
    await sink.close();
    await deleteStream(admin.jsm, broker.stream);
  });

  const start = async (warehouse: LoadDatabase = getDb(), batchSize = 50) => {
    const loader = await JetStreamLoader.start({
      warehouse,
      broker,
      batchSize,
      fetchWaitMs: 100,
      retryDelayMs: 100,
    });
    loaders.push(loader);
    return loader;
  };
  const count = async (table: 'raw.events' | 'raw.rejected') =>
    Number((await getDb().query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`))[0]?.n);
  const lagOf = async () => (await admin.jsm.consumers.info(broker.stream, broker.durable)).num_ack_pending;

  it('loads events and rejected messages, in stream order, and acknowledges them', async () => {
    const ids = Array.from({ length: 120 }, (_, i) => `e-${String(i).padStart(3, '0')}`);
    await sink.write({
      source: 'web',
      receivedAt: new Date(),
      events: ids.map((id) => eventRow(id)),
      rejected: [],
    });
    await sink.write({
      source: 'web',
      receivedAt: new Date('2026-03-01T00:00:00Z'),
      events: [],
      rejected: [{ messageId: 'bad-1', reasons: REASONS, payload: '{"level":"x"' }],
    });
    const loader = await start();
    await waitFor(
      async () => (await count('raw.events')) === 120 && (await count('raw.rejected')) === 1,
      'rows',
    );
    const rows = await getDb().query<{ message_id: string; source: string; event: string }>(
      'SELECT message_id, source, event FROM raw.events ORDER BY seq',
    );
    expect(rows.map((row) => row.message_id)).toEqual(ids);
    expect(rows[0]).toMatchObject({ source: 'web', event: 'level_up' });
    const [rejected] = await getDb().query<Record<string, unknown>>(
      'SELECT stage, source, message_id, reasons, payload FROM raw.rejected',
    );
    expect(rejected).toEqual({
      stage: 'collector',
      source: 'web',
      message_id: 'bad-1',
      reasons: REASONS,
      payload: '{"level":"x"',
    });
    await waitFor(async () => (await loader.lag())?.lag === 0, 'lag 0');
    expect(loader.stats).toMatchObject({ messages: 121, inserted: 120, duplicates: 0, rejected: 1 });
    expect(await loader.renderMetrics()).toContain(
      `tributary_jetstream_consumer_lag_messages{stream="${broker.stream}",consumer="loader"} 0`,
    );
  });

  it('acknowledges only after the commit: a failing database leaves messages unacknowledged, then redelivered', async () => {
    let healthy = false;
    const flaky: LoadDatabase = {
      query: (text, params) => {
        if (!healthy)
          return Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
        return getDb().query(text, params);
      },
    };
    const loader = await start(flaky);
    await sink.write({
      source: 'web',
      receivedAt: new Date(),
      events: [eventRow('f-1'), eventRow('f-2')],
      rejected: [],
    });
    await waitFor(async () => loader.stats.failures >= 2, 'failed commits');
    expect(await count('raw.events')).toBe(0);
    const consumer = await admin.jsm.consumers.info(broker.stream, broker.durable);
    expect(consumer.num_pending + consumer.num_ack_pending).toBe(2);
    expect(consumer.ack_floor.stream_seq).toBe(0);
    healthy = true;
    await waitFor(async () => (await count('raw.events')) === 2, 'rows after recovery');
    await waitFor(async () => (await lagOf()) === 0, 'acks');
    expect(loader.stats.inserted).toBe(2);
  });

  it('a commit whose ack was lost is absorbed on redelivery: events by message_id, rejected rows by content', async () => {
    let failAfterCommit = true;
    const lossy: LoadDatabase = {
      query: async (text, params) => {
        const rows = await getDb().query(text, params);
        if (failAfterCommit && text.includes('INSERT INTO raw.events')) {
          failAfterCommit = false;
          throw Object.assign(new Error('Connection terminated unexpectedly'), { code: 'ECONNRESET' });
        }
        return rows as never;
      },
    };
    const loader = await start(lossy);
    await sink.write({
      source: 'web',
      receivedAt: new Date(),
      events: [eventRow('l-1'), eventRow('l-2')],
      rejected: [{ messageId: null, reasons: REASONS, payload: 'not json' }],
    });
    await waitFor(async () => loader.stats.messages === 3, 'redelivered batch');
    expect(await count('raw.events')).toBe(2);
    expect(await count('raw.rejected')).toBe(1);
    expect(loader.stats).toMatchObject({ inserted: 0, duplicates: 2, rejected: 0, failures: 1 });
  });

  it('loads the same message ids from two sources, both; a republish of one source is absorbed', async () => {
    const ids = ['s-1', 's-2'];
    for (const source of ['web', 'app']) {
      const result = await sink.write({
        source,
        receivedAt: new Date(),
        events: ids.map((id) => eventRow(id)),
        rejected: [],
      });
      // Nats-Msg-Id carries the source: app's ids are not JetStream duplicates of web's.
      expect(result.stored).toEqual([true, true]);
    }
    // web's s-1 republished after the duplicate window (another Nats-Msg-Id): the loader absorbs it.
    const config = resolveBrokerConfig(broker);
    await admin.nc.publish(
      recordSubject(config, 'events', 'web'),
      encodeEventRecord('web', new Date().toISOString(), eventRow('s-1')),
    );
    await admin.nc.flush();
    const loader = await start();
    await waitFor(async () => loader.stats.messages === 5, 'every message');
    expect(
      await getDb().query('SELECT source, message_id FROM raw.events ORDER BY source DESC, message_id'),
    ).toEqual([
      { source: 'web', message_id: 's-1' },
      { source: 'web', message_id: 's-2' },
      { source: 'app', message_id: 's-1' },
      { source: 'app', message_id: 's-2' },
    ]);
    expect(loader.stats).toMatchObject({ inserted: 4, duplicates: 1 });
  });

  it('keeps a message that is not a valid record in raw.rejected and loads the rest of its batch', async () => {
    const config = resolveBrokerConfig(broker);
    await sink.write({ source: 'web', receivedAt: new Date(), events: [eventRow('p-1')], rejected: [] });
    const header = headers();
    header.set('Nats-Msg-Id', natsMessageId('web', 'p-x'));
    await admin.nc.publish(recordSubject(config, 'events', 'web'), 'garbage{', { headers: header });
    await admin.nc.flush();
    await sink.write({ source: 'web', receivedAt: new Date(), events: [eventRow('p-2')], rejected: [] });
    await start();
    await waitFor(
      async () => (await count('raw.events')) === 2 && (await count('raw.rejected')) === 1,
      'rows',
    );
    const [row] = await getDb().query<{
      source: string | null;
      message_id: string | null;
      payload: string;
      reasons: { rule: string }[];
    }>('SELECT source, message_id, payload, reasons FROM raw.rejected');
    expect(row?.payload).toBe('garbage{');
    expect(row).toMatchObject({ source: 'web', message_id: 'p-x' });
    expect(row?.reasons[0]?.rule).toBe('invalid_broker_message');
    await waitFor(async () => (await lagOf()) === 0, 'acks');
  });

  it('several loaders share one durable consumer; each message is loaded once', async () => {
    const a = await start(getDb(), 20);
    const b = await start(getDb(), 20);
    const ids = Array.from({ length: 400 }, (_, i) => `s-${i}`);
    for (let i = 0; i < ids.length; i += 100)
      await sink.write({
        source: i % 200 ? 'web' : 'server',
        receivedAt: new Date(),
        events: ids.slice(i, i + 100).map((id) => eventRow(id)),
        rejected: [],
      });
    await waitFor(async () => (await count('raw.events')) === 400, 'rows');
    await waitFor(async () => (await lagOf()) === 0, 'acks');
    expect(a.stats.messages + b.stats.messages).toBe(400);
    expect(a.stats.duplicates + b.stats.duplicates).toBe(0);
  });

  it('refuses to start on a consumer that does not exist, at once', async () => {
    // A start timeout longer than the test may run: only an immediate refusal ends in time.
    await expect(
      JetStreamLoader.start({
        warehouse: getDb(),
        broker: { ...broker, durable: 'missing' },
        startTimeoutMs: 3_600_000,
      }),
    ).rejects.toMatchObject({
      code: 'broker_unavailable',
      message: expect.stringContaining('tributary load --init'),
    });
  });

  it('stop() ends the loop and leaves nothing unacknowledged', async () => {
    const loader = await start();
    await sink.write({ source: 'web', receivedAt: new Date(), events: [eventRow('x-1')], rejected: [] });
    await waitFor(async () => (await count('raw.events')) === 1, 'row');
    loaders.splice(0);
    await loader.stop();
    await sink.write({ source: 'web', receivedAt: new Date(), events: [eventRow('x-2')], rejected: [] });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await count('raw.events')).toBe(1);
    const consumer = await admin.jsm.consumers.info(broker.stream, broker.durable);
    expect(consumer).toMatchObject({ num_ack_pending: 0, num_pending: 1 });
  });
});
