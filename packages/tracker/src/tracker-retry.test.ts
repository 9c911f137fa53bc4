import { describe, expect, it } from 'vitest';
import { settle } from './test-helpers/fake-clock.js';
import { harness } from './test-helpers/harness.js';

/** Times (relative to the first) at which requests arrived. */
function requestTimes(times: number[]) {
  return times.map((t) => t - times[0]!);
}

describe('Tracker retries', () => {
  it('backs off exponentially with full jitter on 5xx (fake clock)', async () => {
    const times: number[] = [];
    const random = () => 0.999; // the top of the jitter range, so delays are the ceilings
    const { tracker, clock, net } = harness(
      { random, backoff: { baseMs: 100, maxMs: 1000 }, maxAttempts: 20 },
      () => {
        times.push(clock.now());
        return times.length <= 6 ? { status: 503 } : { status: 200 };
      },
    );
    tracker.track('purchase', { sku: 'a', price: 1 });
    await clock.runUntil(() => net.requests.length === 7, 60_000, 10);
    expect(requestTimes(times)).toEqual([
      0,
      99,
      99 + 199,
      99 + 199 + 399,
      99 + 199 + 399 + 799,
      99 + 199 + 399 + 799 + 999,
      99 + 199 + 399 + 799 + 999 * 2,
    ]);
  });

  it('jitters: with random 0 it retries immediately', async () => {
    const { tracker, clock, net } = harness({ random: () => 0 }, (_, i) =>
      i < 3 ? { networkError: 'ECONNRESET' } : { status: 200 },
    );
    tracker.track('ping', { n: 1 });
    void tracker.flush();
    await settle();
    expect(net.requests).toHaveLength(4);
    expect(clock.now()).toBe(Date.UTC(2026, 10, 29, 12, 0, 0));
  });

  it('honours Retry-After in seconds and as an HTTP date on 429', async () => {
    const { tracker, clock, net } = harness({ random: () => 0 }, (_, i) =>
      i === 0
        ? { status: 429, headers: { 'Retry-After': '3' } as Record<string, string> }
        : i === 1
          ? { status: 429, headers: { 'retry-after': new Date(clock.now() + 5000).toUTCString() } }
          : { status: 200 },
    );
    tracker.track('purchase', { sku: 'a', price: 1 });
    await settle();
    expect(net.requests).toHaveLength(1);
    await clock.advance(2999);
    expect(net.requests).toHaveLength(1);
    await clock.advance(1);
    expect(net.requests).toHaveLength(2);
    await clock.advance(4999);
    expect(net.requests).toHaveLength(2);
    await clock.advance(1);
    expect(net.requests).toHaveLength(3);
    expect(tracker.queuedCount).toBe(0);
  });

  it('retries network errors, 408 and request timeouts', async () => {
    const replies = [
      { networkError: 'ECONNRESET' },
      { status: 408 },
      { hang: true as const },
      { status: 200 },
    ];
    const { tracker, clock, net, deadLetters } = harness(
      { random: () => 0, requestTimeoutMs: 5000 },
      (_, i) => replies[i]!,
    );
    tracker.track('ping', { n: 1 });
    await clock.runUntil(() => tracker.queuedCount === 0, 20_000);
    expect(net.requests).toHaveLength(4);
    expect(deadLetters).toEqual([]);
  });

  it('does not retry other 4xx: the batch goes to the backup with the reason', async () => {
    const { tracker, net, deadLetters, deadIds } = harness({}, () => ({
      status: 400,
      body: '{"error":"bad batch"}',
    }));
    const ids = [tracker.track('ping', { n: 1 }), tracker.track('ping', { n: 2 })];
    await tracker.flush();
    expect(net.requests).toHaveLength(1);
    expect(deadIds()).toEqual(ids);
    expect(deadLetters[0]!.reason).toEqual({
      kind: 'rejected',
      cause: { kind: 'http', status: 400, body: '{"error":"bad batch"}' },
    });
  });

  it('gives up after maxAttempts and hands the events to the backup', async () => {
    const { tracker, clock, net, deadLetters, deadIds } = harness(
      { maxAttempts: 4, random: () => 0.5 },
      () => ({ status: 500, body: 'down' }),
    );
    const id = tracker.track('ping', { n: 1 });
    let flushed = false;
    void tracker.flush().then(() => (flushed = true));
    await clock.runUntil(() => flushed, 60_000);
    expect(net.requests).toHaveLength(4);
    expect(deadIds()).toEqual([id]);
    expect(deadLetters[0]!.reason).toEqual({
      kind: 'max_attempts',
      attempts: 4,
      cause: { kind: 'http', status: 500, body: 'down' },
    });
  });

  it('without onDeadLetter, undelivered messages are reported as warnings naming their ids', async () => {
    const { tracker, warnings } = harness({ onDeadLetter: undefined }, () => ({ status: 401 }));
    const id = tracker.track('ping', { n: 1 });
    await tracker.flush();
    expect(warnings.join('\n')).toContain(id);
    expect(warnings.join('\n')).toContain('HTTP 401');
  });
});
