import { describe, expect, it } from 'vitest';
import { backoffDelay, parseRetryAfter } from './backoff.js';

describe('backoffDelay', () => {
  const policy = { baseMs: 100, maxMs: 5000 };

  it('grows exponentially and is capped (upper bound with random → 1)', () => {
    const top = () => 0.999999;
    expect([1, 2, 3, 4, 5, 6, 7, 10].map((n) => backoffDelay(policy, n, top))).toEqual([
      99, 199, 399, 799, 1599, 3199, 4999, 4999,
    ]);
  });

  it('applies full jitter: the delay is uniform from 0 to the ceiling', () => {
    expect(backoffDelay(policy, 4, () => 0)).toBe(0);
    expect(backoffDelay(policy, 4, () => 0.5)).toBe(400);
    expect(backoffDelay(policy, 4, () => 0.25)).toBe(200);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.UTC(2026, 10, 29, 12, 0, 0);

  it('reads delta seconds', () => {
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('1.5', now)).toBe(1500);
  });

  it('reads an HTTP date relative to now, never negative', () => {
    expect(parseRetryAfter('Sun, 29 Nov 2026 12:00:07 GMT', now)).toBe(7000);
    expect(parseRetryAfter('Sun, 29 Nov 2026 11:00:00 GMT', now)).toBe(0);
  });

  it('ignores absent or garbage values', () => {
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-3', now)).toBeUndefined();
  });
});
