import { describe, expect, it } from 'vitest';
import { expectClose, expectRelativelyClose } from '../test-helpers/close-to.js';
import { readFixture } from '../test-helpers/fixtures.js';
import { chiSquareCdf, chiSquareSurvival } from './chi-square.js';

const fixture = readFixture<{ chiSquare: { x: number; df: number; cdf: number; survival: number }[] }>(
  'distributions',
);

describe('chiSquareCdf and chiSquareSurvival', () => {
  it.each(fixture.chiSquare)(
    'χ²($x; $df) matches R pchisq in both tails to 1e-9 absolute, 1e-11 relative',
    (row) => {
      expectClose(chiSquareCdf(row.x, row.df), row.cdf, 1e-9, `pchisq(${row.x}, ${row.df})`);
      expectClose(chiSquareSurvival(row.x, row.df), row.survival, 1e-9, `upper pchisq(${row.x}, ${row.df})`);
      expectRelativelyClose(chiSquareCdf(row.x, row.df), row.cdf, 1e-11, `pchisq(${row.x}, ${row.df})`);
      expectRelativelyClose(
        chiSquareSurvival(row.x, row.df),
        row.survival,
        1e-11,
        `upper pchisq(${row.x}, ${row.df})`,
      );
    },
  );

  it('is 0/1 at and below 0 and at infinity', () => {
    expect(chiSquareCdf(0, 3)).toBe(0);
    expect(chiSquareCdf(-1, 3)).toBe(0);
    expect(chiSquareSurvival(0, 3)).toBe(1);
    expect(chiSquareSurvival(Number.POSITIVE_INFINITY, 3)).toBe(0);
  });

  it('has closed forms for 2 degrees of freedom: P(X > x) = exp(−x/2)', () => {
    for (const x of [0.01, 1, 7, 100, 1400])
      expectRelativelyClose(chiSquareSurvival(x, 2), Math.exp(-x / 2), 1e-13);
  });

  it('throws invalid_argument for df ≤ 0 or NaN', () => {
    expect(() => chiSquareCdf(1, 0)).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
    expect(() => chiSquareSurvival(Number.NaN, 1)).toThrow(
      expect.objectContaining({ code: 'invalid_argument' }),
    );
  });
});
