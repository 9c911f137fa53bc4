import { assertNumber, assertPositive } from '../arguments.js';
import { incompleteGamma } from '../special/incomplete-gamma.js';

/** The chi-square distribution function P(X ≤ x) with `df` > 0 degrees of freedom: P(df/2, x/2). */
export function chiSquareCdf(x: number, df: number): number {
  assertNumber('x', x);
  assertPositive('df', df);
  return incompleteGamma(df / 2, Math.max(x, 0) / 2).lower;
}

/**
 * The chi-square survival function P(X > x) = Q(df/2, x/2), the p-value of a χ² statistic; computed
 * directly (not as 1 − cdf), so p-values down to 1e-300 keep their relative accuracy.
 */
export function chiSquareSurvival(x: number, df: number): number {
  assertNumber('x', x);
  assertPositive('df', df);
  return incompleteGamma(df / 2, Math.max(x, 0) / 2).upper;
}
