import { describe, expect, it } from 'vitest';
import { expectClose, expectRelativelyClose } from '../test-helpers/close-to.js';
import { createRandom } from '../test-helpers/random.js';
import { readFixture } from '../test-helpers/fixtures.js';
import { normalCdf, normalQuantile } from './normal.js';
import { studentTCdf, studentTQuantile } from './student-t.js';

const fixture = readFixture<{
  studentTCdf: { t: number; df: number; p: number }[];
  studentTQuantile: { p: number; df: number; q: number }[];
}>('distributions');

describe('studentTCdf', () => {
  it.each(fixture.studentTCdf)(
    'P(T ≤ $t; ν = $df) matches R pt to 1e-9 absolute and 1e-11 relative',
    ({ t, df, p }) => {
      expectClose(studentTCdf(t, df), p, 1e-9, `pt(${t}, ${df})`);
      expectRelativelyClose(studentTCdf(t, df), p, 1e-11, `pt(${t}, ${df})`);
    },
  );

  it('is the normal distribution for infinite degrees of freedom', () => {
    for (const t of [-5, -1, 0, 2]) expect(studentTCdf(t, Number.POSITIVE_INFINITY)).toBe(normalCdf(t));
    expectClose(studentTCdf(-2, 1e12), normalCdf(-2), 1e-12);
  });

  it('throws invalid_argument for degrees of freedom ≤ 0 and NaN', () => {
    for (const [t, df] of [
      [1, 0],
      [1, -3],
      [Number.NaN, 3],
      [1, Number.NaN],
    ] as const) {
      expect(() => studentTCdf(t, df)).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
    }
  });
});

describe('studentTQuantile', () => {
  it.each(fixture.studentTQuantile)(
    't quantile at $p, ν = $df matches R qt to 1e-9 (relative above 1)',
    ({ p, df, q }) => {
      expectClose(studentTQuantile(p, df), q, 1e-9, `qt(${p}, ${df})`);
    },
  );

  it('inverts studentTCdf for fractional degrees of freedom and far tails', () => {
    for (const df of [0.3, 1.7, 3.2, 7.5, 63.9, 12345.6]) {
      for (const p of [1e-12, 1e-4, 0.01, 0.3, 0.5, 0.8, 0.995]) {
        const q = studentTQuantile(p, df);
        expectRelativelyClose(studentTCdf(q, df), p, 1e-11, `df ${df}, p ${p}`);
      }
    }
  });

  it('inverts studentTCdf to 1e-11 relative over 2,000 random ν in (0.01, 1e9) and p in (1e-300, ½)', () => {
    const random = createRandom(396);
    for (let i = 0; i < 2000; i++) {
      const df = Math.exp(-4.6 + 25.3 * random.uniform());
      const p = Math.exp(-690 * random.uniform() ** 2) / 2;
      const q = studentTQuantile(p, df);
      if (q === Number.NEGATIVE_INFINITY) {
        // only when even −Number.MAX_VALUE has more than p below it (tiny ν, tiny p)
        expect(studentTCdf(-Number.MAX_VALUE, df)).toBeGreaterThan(p);
      } else {
        expectRelativelyClose(studentTCdf(q, df), p, 1e-11, `df ${df}, p ${p}`);
      }
    }
  });

  it('matches the normal quantile for infinite degrees of freedom, ±Infinity at 0 and 1', () => {
    expect(studentTQuantile(0.975, Number.POSITIVE_INFINITY)).toBe(normalQuantile(0.975));
    expect(studentTQuantile(0, 5)).toBe(Number.NEGATIVE_INFINITY);
    expect(studentTQuantile(1, 5)).toBe(Number.POSITIVE_INFINITY);
    expect(() => studentTQuantile(1.2, 5)).toThrow(expect.objectContaining({ code: 'invalid_probability' }));
  });
});
