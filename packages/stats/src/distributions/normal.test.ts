import { describe, expect, it } from 'vitest';
import { StatsError } from '../errors.js';
import { expectClose, expectRelativelyClose } from '../test-helpers/close-to.js';
import { readFixture } from '../test-helpers/fixtures.js';
import { normalCdf, normalQuantile } from './normal.js';

const fixture = readFixture<{
  normalCdf: { x: number; p: number }[];
  normalQuantile: { p: number; q: number }[];
}>('distributions');

describe('normalCdf', () => {
  it.each(fixture.normalCdf)('Φ($x) matches R pnorm to 1e-9 absolute and 1e-12 relative', ({ x, p }) => {
    expectClose(normalCdf(x), p, 1e-9, `pnorm(${x})`);
    // R returns 0 below −37.5193 where the true value is a subnormal; compare above that.
    if (p > 0) expectRelativelyClose(normalCdf(x), p, 1e-12, `pnorm(${x})`);
  });

  it('is symmetric and monotone across the range boundaries of the approximation', () => {
    for (const x of [0.1, 0.67448975, 0.6745, 1, 5.656854, 5.66, 10, 30]) {
      expectClose(normalCdf(-x) + normalCdf(x), 1, 1e-15);
    }
    let previous = 0;
    for (let x = -39; x <= 9; x += 0.01) {
      const value = normalCdf(x);
      expect(value).toBeGreaterThanOrEqual(previous);
      previous = value;
    }
  });

  it('handles infinities and rejects NaN', () => {
    expect(normalCdf(Number.NEGATIVE_INFINITY)).toBe(0);
    expect(normalCdf(Number.POSITIVE_INFINITY)).toBe(1);
    expect(() => normalCdf(Number.NaN)).toThrow(StatsError);
  });
});

describe('normalQuantile', () => {
  it.each(fixture.normalQuantile)('Φ⁻¹($p) matches R qnorm to 1e-9 (relative above 1)', ({ p, q }) => {
    expectClose(normalQuantile(p), q, 1e-9, `qnorm(${p})`);
    expectRelativelyClose(normalQuantile(p), q, 1e-13, `qnorm(${p})`);
  });

  it('inverts normalCdf', () => {
    // Above 0 the cdf is 1 − tail in floating point, so its inverse cannot recover large x.
    for (const x of [-30, -8, -3, -1, -0.1, 0, 0.5, 2]) expectClose(normalQuantile(normalCdf(x)), x, 1e-10);
  });

  it('returns ±Infinity at 0 and 1 and throws invalid_probability outside [0, 1]', () => {
    expect(normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(normalQuantile(1)).toBe(Number.POSITIVE_INFINITY);
    for (const p of [-0.1, 1.5, Number.NaN]) {
      expect(() => normalQuantile(p)).toThrow(expect.objectContaining({ code: 'invalid_probability' }));
    }
  });
});
