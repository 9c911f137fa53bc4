import type { JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveBrokerConfig } from '../config/broker-config.js';
import { resolveStreamSettings } from '../config/stream-settings.js';
import { BrokerError } from '../errors.js';
import { ensureStream } from '../setup/ensure-stream.js';
import { adminConnection, deleteStream, eventRow, uniqueBroker } from '../test-helpers/test-broker.js';
import { JetStreamSink } from './jetstream-sink.js';

describe('JetStreamSink (NATS at 127.0.0.1:4222)', () => {
  const broker = uniqueBroker();
  let admin: { nc: NatsConnection; jsm: JetStreamManager };
  let sink: JetStreamSink;

  beforeAll(async () => {
    admin = await adminConnection();
    await ensureStream(admin.jsm, resolveBrokerConfig(broker), resolveStreamSettings());
    sink = await JetStreamSink.connect(broker);
  });
  afterAll(async () => {
    await sink?.close();
    await deleteStream(admin.jsm, broker.stream);
    await admin.nc.close();
  });

  it('publishes each event to <prefix>.events.<source> with Nats-Msg-Id and resolves after the PubAcks', async () => {
    const receivedAt = new Date('2026-03-01T10:00:00.000Z');
    const result = await sink.write({
      source: 'web.shop',
      receivedAt,
      events: [eventRow('m-1', 1), eventRow('m-2', 2)],
      rejected: [],
    });
    expect(result.stored).toEqual([true, true]);
    // Resolved means stored: the stream holds both at once, no waiting.
    const info = await admin.jsm.streams.info(broker.stream);
    expect(info.state.messages).toBe(2);
    const first = await admin.jsm.streams.getMessage(broker.stream, { seq: info.state.first_seq });
    expect(first?.subject).toBe(`${broker.subjectPrefix}.events.web_shop`);
    // Message ids are unique per source: the header carries the source.
    expect(first?.header.get('Nats-Msg-Id')).toBe('web.shop:m-1');
    expect(first?.json()).toEqual({
      message_id: 'm-1',
      received_at: '2026-03-01T10:00:00.000Z',
      source: 'web.shop',
      type: 'track',
      event: 'level_up',
      payload: { type: 'track', event: 'level_up', messageId: 'm-1', properties: { level: 1 } },
    });
  });

  it("reports JetStream's duplicate flag per event (a retry within the duplicate window)", async () => {
    const result = await sink.write({
      source: 'web.shop',
      receivedAt: new Date(),
      events: [eventRow('m-1'), eventRow('m-3'), eventRow('m-3')],
      rejected: [],
    });
    expect(result.stored).toEqual([false, true, false]);
    expect((await admin.jsm.streams.info(broker.stream)).state.messages).toBe(3);
  });

  it('publishes the same message id from another source: ids are unique per source', async () => {
    const result = await sink.write({
      source: 'app',
      receivedAt: new Date(),
      events: [eventRow('m-1'), eventRow('m-3'), eventRow('m-3')],
      rejected: [],
    });
    expect(result.stored).toEqual([true, true, false]);
    const info = await admin.jsm.streams.info(broker.stream);
    expect(info.state.messages).toBe(5);
    const last = await admin.jsm.streams.getMessage(broker.stream, { seq: info.state.last_seq });
    expect(last?.subject).toBe(`${broker.subjectPrefix}.events.app`);
    expect(last?.header.get('Nats-Msg-Id')).toBe('app:m-3');
  });

  it('publishes rejected messages to <prefix>.rejected.<source>', async () => {
    const reasons = [
      { path: 'level', rule: 'type', expected: 'integer', received: 'string', message: 'bad' },
    ];
    const result = await sink.write({
      source: 'web',
      receivedAt: new Date('2026-03-01T10:00:00.000Z'),
      events: [],
      rejected: [{ messageId: 'bad-1', reasons, payload: '{"level":"x"}' }],
    });
    expect(result.stored).toEqual([]);
    const info = await admin.jsm.streams.info(broker.stream);
    const last = await admin.jsm.streams.getMessage(broker.stream, { seq: info.state.last_seq });
    expect(last?.subject).toBe(`${broker.subjectPrefix}.rejected.web`);
    expect(last?.json()).toEqual({
      received_at: '2026-03-01T10:00:00.000Z',
      source: 'web',
      message_id: 'bad-1',
      reasons,
      payload: '{"level":"x"}',
    });
  });

  it('fails with broker_unavailable when JetStream does not acknowledge (no stream for the subject)', async () => {
    const orphan = await JetStreamSink.connect(
      { ...uniqueBroker(), stream: 'TRIBUTARY_TEST_MISSING' },
      { publishTimeoutMs: 500 },
    );
    try {
      const failure = await orphan
        .write({ source: 'web', receivedAt: new Date(), events: [eventRow('x-1')], rejected: [] })
        .catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(BrokerError);
      expect((failure as BrokerError).code).toBe('broker_unavailable');
      await expect(orphan.ping()).rejects.toMatchObject({ code: 'broker_unavailable' });
    } finally {
      await orphan.close();
    }
  });

  it('fails at connect with a clear error when no server answers', async () => {
    await expect(JetStreamSink.connect({ url: 'nats://127.0.0.1:1' })).rejects.toMatchObject({
      code: 'broker_unavailable',
      message: expect.stringContaining('nats://127.0.0.1:1'),
    });
  });

  it('reports the consumer lag of the stream', async () => {
    const lag = await sink.lag();
    expect(lag).toMatchObject({
      stream: broker.stream,
      consumer: 'loader',
      pending: 6,
      ackPending: 0,
      lag: 6,
    });
  });

  it('refuses writes after close', async () => {
    const other = await JetStreamSink.connect(broker);
    await other.close();
    await expect(
      other.write({ source: 'web', receivedAt: new Date(), events: [eventRow('late')], rejected: [] }),
    ).rejects.toMatchObject({ code: 'broker_unavailable' });
  });
});
