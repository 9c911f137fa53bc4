import { describe, expect, it } from 'vitest';
import { memoryStorage } from './key-value-storage.js';
import { settle } from './test-helpers/fake-clock.js';
import { harness } from './test-helpers/harness.js';
import { UUID_V7_PATTERN } from './uuid-v7.js';

describe('Tracker messages', () => {
  it('sends Segment-spec track messages with messageId, timestamp, sentAt, library, eventVersion and session', async () => {
    const { tracker, clock, net } = harness({ userId: 'u1', context: { platform: 'ios' } });
    const id = tracker.track('level_up', { level: 3, character: 'mage' });
    tracker.track('level_up', { level: 2 }, { version: 1 });
    const sentAtExpected = new Date(clock.now() + 1000).toISOString();
    await clock.advance(1000);
    expect(net.requests).toHaveLength(1);
    const [request] = net.requests;
    expect(request!.url).toBe('http://collector.test/v1/batch');
    expect(request!.headers.authorization).toBe(`Basic ${Buffer.from('test-key:').toString('base64')}`);
    expect(request!.body.sentAt).toBe(sentAtExpected);
    const [first, second] = request!.body.batch;
    expect(first).toEqual({
      type: 'track',
      messageId: id,
      anonymousId: tracker.anonymousId,
      userId: 'u1',
      event: 'level_up',
      properties: { level: 3, character: 'mage' },
      timestamp: '2026-11-29T12:00:00.000Z',
      sentAt: sentAtExpected,
      context: {
        platform: 'ios',
        library: { name: '@tributary/tracker', version: '0.0.0' },
        eventVersion: 2,
        sessionId: expect.stringMatching(UUID_V7_PATTERN),
        sessionIndex: 1,
      },
    });
    expect(first!.messageId).toMatch(UUID_V7_PATTERN);
    expect(second!.context.eventVersion).toBe(1);
    expect(second!.context.sessionId).toBe(first!.context.sessionId);
    expect(tracker.anonymousId).toMatch(UUID_V7_PATTERN);
  });

  it('rotates the session after the inactivity timeout (configurable)', async () => {
    const { tracker, clock, net } = harness({ sessionTimeoutMs: 60_000 });
    tracker.track('ping', { n: 1 });
    await clock.advance(30_000);
    tracker.track('ping', { n: 2 });
    await clock.advance(61_000);
    tracker.track('ping', { n: 3 });
    await tracker.flush();
    const sessions = net.messages().map((m) => [m.context.sessionId, m.context.sessionIndex]);
    expect(sessions[0]).toEqual(sessions[1]);
    expect(sessions[2]![0]).not.toBe(sessions[0]![0]);
    expect(sessions[2]![1]).toBe(2);
  });

  it('derives sessions from explicit timestamps when events are backfilled', async () => {
    const { tracker, net } = harness({ sessionTimeoutMs: 60_000 });
    const at = (s: number) => ({ timestamp: new Date(Date.UTC(2026, 2, 1, 10, 0, s)) });
    tracker.track('ping', { n: 1 }, at(0));
    tracker.track('ping', { n: 2 }, at(30));
    tracker.track('ping', { n: 3 }, at(200));
    await tracker.flush();
    const messages = net.messages();
    expect(messages.map((m) => m.timestamp)).toEqual([
      '2026-03-01T10:00:00.000Z',
      '2026-03-01T10:00:30.000Z',
      '2026-03-01T10:03:20.000Z',
    ]);
    expect(messages[1]!.context.sessionId).toBe(messages[0]!.context.sessionId);
    expect(messages[2]!.context.sessionId).not.toBe(messages[0]!.context.sessionId);
    expect(messages[2]!.context.sessionIndex).toBe(2);
  });

  it('persists anonymousId and userId in storage', async () => {
    const storage = memoryStorage();
    const first = harness({ storage }).tracker;
    first.identify('user-7', { plan: 'pro' });
    const second = harness({ storage });
    expect(second.tracker.anonymousId).toBe(first.anonymousId);
    second.tracker.page('home', { path: '/' });
    second.tracker.screen('shop');
    await second.tracker.flush();
    expect(second.net.messages().map((m) => [m.type, m.userId, m.anonymousId, m.name])).toEqual([
      ['page', 'user-7', first.anonymousId, 'home'],
      ['screen', 'user-7', first.anonymousId, 'shop'],
    ]);
  });

  it('sends identify with traits and uses the injected id generator', async () => {
    let n = 0;
    const { tracker, net } = harness({ generateId: () => `id-${++n}` });
    // id-1 is the anonymousId, id-2 the session, id-3 the message.
    expect(tracker.identify('u9', { name: 'Ada' })).toBe('id-3');
    await tracker.flush();
    expect(net.messages()[0]).toMatchObject({
      type: 'identify',
      userId: 'u9',
      traits: { name: 'Ada' },
      messageId: 'id-3',
      anonymousId: 'id-1',
      context: { sessionId: 'id-2' },
    });
  });

  it('throws for unknown events and versions', () => {
    const { tracker } = harness();
    expect(() => (tracker.track as (n: string, p: unknown) => void)('nope', {})).toThrow(/no event "nope"/);
    expect(() => tracker.track('level_up', { level: 1 } as never, { version: 7 as never })).toThrow(
      /version 7/,
    );
  });

  it('keeps the same messageId on every retry', async () => {
    const { tracker, clock, net } = harness({ backoff: { baseMs: 10, maxMs: 10 } }, (_, i) =>
      i < 3 ? { status: 503 } : { status: 200 },
    );
    const id = tracker.track('purchase', { sku: 'gem', price: 99 });
    await clock.runUntil(() => net.requests.length >= 4, 10_000);
    expect(net.requests.map((r) => r.body.batch[0]!.messageId)).toEqual([id, id, id, id]);
    expect(new Set(net.requests.map((r) => r.body.sentAt)).size).toBe(4);
  });
});

describe('Tracker transport', () => {
  it("writeKeyIn 'body' sends text/plain with the key in the body and no Authorization (no CORS preflight)", async () => {
    const { tracker, net } = harness({ writeKeyIn: 'body', flushAt: 50, maxBatchBytes: 40_000 });
    for (let n = 0; n < 300; n++) tracker.track('ping', { n }, { context: { pad: 'p'.repeat(400) } });
    await tracker.flush();
    expect(
      net.requests.every(
        (r) => r.headers['content-type'] === 'text/plain' && !('authorization' in r.headers),
      ),
    ).toBe(true);
    expect(
      net.requests.every((r) => (r.body as unknown as { writeKey: string }).writeKey === 'test-key'),
    ).toBe(true);
    expect(Math.max(...net.requests.map((r) => r.bytes))).toBeLessThanOrEqual(40_000);
    expect(net.messages()).toHaveLength(300);
  });

  it('sendBeforeUnload sends one keepalive request under the body limit, critical first; the rest stays queued', async () => {
    const { tracker, net } = harness({ flushAt: 500, flushIntervalMs: 60_000, flushOnCritical: false });
    for (let n = 0; n < 400; n++) tracker.track('ping', { n }, { context: { pad: 'p'.repeat(300) } });
    const purchase = tracker.track('purchase', { sku: 'gem', price: 1 });
    const sent = tracker.sendBeforeUnload(60_000);
    await settle();
    expect(net.requests).toHaveLength(1);
    expect(net.requests[0]!.keepalive).toBe(true);
    expect(net.requests[0]!.bytes).toBeLessThanOrEqual(60_000);
    expect(net.requests[0]!.body.batch[0]!.messageId).toBe(purchase);
    expect(sent).toBe(net.requests[0]!.body.batch.length);
    expect(sent).toBeGreaterThan(50);
    expect(tracker.queuedCount).toBe(401 - sent);
  });
});
