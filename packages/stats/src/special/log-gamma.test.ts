import { describe, expect, it } from 'vitest';
import { expectRelativelyClose } from '../test-helpers/close-to.js';
import { logBeta, logGamma } from './log-gamma.js';

describe('logGamma and logBeta', () => {
  it('matches factorials and Γ(½) = √π', () => {
    let factorial = 1;
    for (let n = 1; n <= 25; n++) {
      expect(Math.abs(logGamma(n) - Math.log(factorial))).toBeLessThan(
        1e-13 * Math.max(1, Math.log(factorial)),
      );
      factorial *= n;
    }
    expectRelativelyClose(logGamma(0.5), 0.5 * Math.log(Math.PI), 1e-14);
    expectRelativelyClose(logGamma(1e-8), -Math.log(1e-8) - 0.5772156649015329 * 1e-8, 1e-12);
  });

  it('logBeta(a, b) equals logΓ(a) + logΓ(b) − logΓ(a + b) where that sum is accurate', () => {
    for (const [a, b] of [
      [0.5, 0.5],
      [2, 3],
      [0.5, 12],
      [15, 40],
      [7.5, 9.25],
    ] as const) {
      expectRelativelyClose(logBeta(a, b), logGamma(a) + logGamma(b) - logGamma(a + b), 1e-12, `${a}, ${b}`);
    }
    // B(a, ½) = √(π/a)·(1 + 1/(8a) + O(a⁻²)) for large a
    expectRelativelyClose(
      logBeta(5e8, 0.5),
      0.5 * Math.log(Math.PI / 5e8) + Math.log1p(1 / (8 * 5e8)),
      1e-14,
    );
  });
});
