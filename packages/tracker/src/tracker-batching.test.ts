import { describe, expect, it } from 'vitest';
import { settle } from './test-helpers/fake-clock.js';
import { harness } from './test-helpers/harness.js';

describe('Tracker batching', () => {
  it('sends as soon as flushAt events are queued, in batches of at most flushAt', async () => {
    const { tracker, net } = harness({ flushAt: 10 });
    for (let n = 0; n < 9; n++) tracker.track('ping', { n });
    await settle();
    expect(net.requests).toHaveLength(0);
    for (let n = 9; n < 25; n++) tracker.track('ping', { n });
    await settle();
    await settle();
    expect(net.requests.map((r) => r.body.batch.length)).toEqual([10, 10]);
    expect(tracker.queuedCount).toBe(5);
  });

  it('sends a partial batch after flushIntervalMs', async () => {
    const { tracker, clock, net } = harness({ flushAt: 100, flushIntervalMs: 2000 });
    tracker.track('ping', { n: 1 });
    await clock.advance(1999);
    expect(net.requests).toHaveLength(0);
    await clock.advance(1);
    expect(net.requests).toHaveLength(1);
  });

  it('keeps every request body within maxBatchBytes (500 KB at most)', async () => {
    const { tracker, net } = harness({ flushAt: 200, maxBatchBytes: 100_000 });
    const sku = 'x'.repeat(60);
    for (let n = 0; n < 2000; n++)
      tracker.track('purchase', { sku, price: n }, { context: { note: 'y'.repeat(500 + (n % 7) * 100) } });
    await tracker.flush();
    expect(net.messages()).toHaveLength(2000);
    expect(Math.max(...net.requests.map((r) => r.bytes))).toBeLessThanOrEqual(100_000);
    expect(net.requests.some((r) => r.body.batch.length < 200)).toBe(true);
    const defaults = harness({ maxBatchBytes: 10_000_000 });
    for (let n = 0; n < 400; n++)
      defaults.tracker.track('ping', { n }, { context: { note: 'z'.repeat(3000) } });
    await defaults.tracker.flush();
    expect(Math.max(...defaults.net.requests.map((r) => r.bytes))).toBeLessThanOrEqual(500 * 1024);
  });

  it('flush() resolves only when everything queued so far is acknowledged', async () => {
    const { tracker, clock, net } = harness({ backoff: { baseMs: 100, maxMs: 100 } }, (_, i) =>
      i === 0 ? { status: 500 } : { status: 200 },
    );
    tracker.track('ping', { n: 1 });
    let done = false;
    void tracker.flush().then(() => {
      done = true;
    });
    await settle();
    expect(net.requests).toHaveLength(1);
    expect(done).toBe(false);
    await clock.advance(200);
    expect(net.requests).toHaveLength(2);
    expect(done).toBe(true);
    expect(tracker.queuedCount).toBe(0);
  });

  it('sends messages larger than 32 KB to the backup instead of the collector', async () => {
    const { tracker, net, deadLetters } = harness();
    tracker.track('ping', { n: 1 }, { context: { blob: 'b'.repeat(40_000) } });
    await tracker.flush();
    expect(net.requests).toHaveLength(0);
    expect(deadLetters[0]!.reason).toMatchObject({ kind: 'message_too_large', limit: 32 * 1024 });
  });

  it('close() flushes and stops the timers', async () => {
    const { tracker, clock, net } = harness({ flushIntervalMs: 60_000 });
    tracker.track('ping', { n: 1 });
    await tracker.close();
    expect(net.messages()).toHaveLength(1);
    expect(clock.pendingTimers).toBe(0);
    expect(() => tracker.track('ping', { n: 2 })).toThrow(/closed/);
  });
});

describe('Tracker close without durable persistence', () => {
  it('close({ timeoutMs }) hands undelivered messages to the backup with reason closed', async () => {
    const { tracker, clock, deadLetters, deadIds } = harness({ random: () => 0.5 }, () => ({
      networkError: 'ECONNREFUSED',
    }));
    const ids = [tracker.track('purchase', { sku: 'a', price: 1 }), tracker.track('ping', { n: 1 })];
    const closing = tracker.close({ timeoutMs: 3000 });
    await clock.advance(3500);
    await closing;
    expect(new Set(deadIds())).toEqual(new Set(ids));
    expect(deadLetters.at(-1)!.reason).toMatchObject({ kind: 'closed' });
    expect(tracker.queuedCount).toBe(0);
    expect(clock.pendingTimers).toBe(0);
  });
});
