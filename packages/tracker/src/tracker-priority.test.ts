import { describe, expect, it } from 'vitest';
import { settle } from './test-helpers/fake-clock.js';
import { harness } from './test-helpers/harness.js';

describe('Tracker priorities', () => {
  it('puts critical events first in each batch and flushes immediately for a critical event', async () => {
    const { tracker, net } = harness({ flushAt: 10, flushIntervalMs: 60_000 });
    tracker.track('ping', { n: 1 });
    tracker.track('level_up', { level: 1, character: 'mage' });
    await settle();
    expect(net.requests).toHaveLength(0);
    tracker.track('purchase', { sku: 'gem', price: 1 });
    await settle();
    expect(net.requests.map((r) => r.body.batch.map((m) => m.event))).toEqual([
      ['purchase', 'level_up', 'ping'],
    ]);
  });

  it('takes the priority from the event definition, overridable per call', async () => {
    const { tracker, net } = harness({ flushAt: 10, flushOnCritical: false });
    tracker.track('purchase', { sku: 'a', price: 1 }, { priority: 'low' });
    tracker.track('ping', { n: 1 }, { priority: 'critical' });
    tracker.track('level_up', { level: 1, character: 'mage' });
    await tracker.flush();
    expect(net.messages().map((m) => m.event)).toEqual(['ping', 'level_up', 'purchase']);
  });

  it('queue full and endpoint down: low then normal are evicted to the backup, critical survive and go first when it is back', async () => {
    let up = false;
    const { tracker, clock, net, deadLetters, deadIds } = harness(
      {
        maxQueueEvents: 20,
        flushAt: 5,
        random: () => 0.5,
        backoff: { baseMs: 200, maxMs: 1000 },
        maxAttempts: 1000,
      },
      () => (up ? { status: 200 } : { networkError: 'ECONNREFUSED' }),
    );
    const critical: string[] = [];
    const others: string[] = [];
    for (let i = 0; i < 60; i++) {
      if (i % 4 === 0) critical.push(tracker.track('purchase', { sku: `s${i}`, price: i }));
      else
        others.push(
          i % 4 === 1
            ? tracker.track('ping', { n: i })
            : tracker.track('level_up', { level: 1, character: 'knight' }),
        );
      await clock.advance(37);
    }
    expect(tracker.queuedCount).toBeLessThanOrEqual(20);
    // All 15 critical events are still queued (none evicted); the evicted ones went to the backup with a reason.
    expect(deadIds().filter((id) => critical.includes(id))).toEqual([]);
    expect(deadLetters.every((d) => d.reason.kind === 'queue_full')).toBe(true);
    const evicted = new Set(deadIds());
    // i % 4 === 1 were the low-priority pings: most of them were evicted (in-flight ones cannot be).
    const lows = new Set(others.filter((_, k) => k % 3 === 0));
    const evictedLows = [...evicted].filter((id) => lows.has(id)).length;
    expect(evictedLows).toBeGreaterThan(lows.size / 2);
    const failedRequests = net.requests.length;
    up = true;
    await clock.runUntil(() => tracker.queuedCount === 0, 30_000);
    const delivered = net.requests
      .slice(failedRequests)
      .flatMap((r) => r.body.batch.map((m) => m.messageId as string));
    const firstNonCritical = delivered.findIndex((id) => !critical.includes(id));
    // Every critical event is delivered, and before any non-critical one.
    expect(new Set(delivered.filter((id) => critical.includes(id)))).toEqual(new Set(critical));
    expect(delivered.slice(0, critical.length).every((id) => critical.includes(id))).toBe(true);
    expect(firstNonCritical).toBe(critical.length);
    // Nothing was dropped silently: every tracked event was delivered or handed to the backup.
    const accounted = new Set([...delivered, ...evicted]);
    expect([...critical, ...others].every((id) => accounted.has(id))).toBe(true);
  });

  it('refuses a new non-critical event to the backup when only critical events remain', async () => {
    const { tracker, deadLetters } = harness({
      maxQueueEvents: 2,
      flushOnCritical: false,
      flushIntervalMs: 60_000,
    });
    tracker.track('purchase', { sku: 'a', price: 1 });
    tracker.track('purchase', { sku: 'b', price: 2 });
    const refused = tracker.track('ping', { n: 1 });
    expect(deadLetters).toHaveLength(1);
    expect(deadLetters[0]!.messages.map((m) => m.messageId)).toEqual([refused]);
    expect(deadLetters[0]!.reason).toMatchObject({ kind: 'queue_full', queuedEvents: 2 });
    expect(tracker.queuedCount).toBe(2);
  });
});
