import { continuedFraction } from './continued-fraction.js';
import { logBeta } from './log-gamma.js';
import type { TailPair } from './tail-pair.js';

/**
 * The regularized incomplete beta function: `lower` = I_x(a, b), `upper` = 1 − I_x(a, b), for a, b > 0.
 * `y` must be 1 − x computed by the caller without cancellation (e.g. t²/(ν + t²) beside ν/(ν + t²)).
 * The continued fraction (DLMF 8.17.22) is evaluated on whichever side converges, so the smaller
 * tail keeps its relative accuracy.
 */
export function incompleteBeta(x: number, y: number, a: number, b: number): TailPair {
  if (x <= 0) return { lower: 0, upper: 1 };
  if (y <= 0) return { lower: 1, upper: 0 };
  if (x > (a + 1) / (a + b + 2)) {
    const upper = incompleteBetaByFraction(y, x, b, a);
    return { lower: 1 - upper, upper };
  }
  const lower = incompleteBetaByFraction(x, y, a, b);
  return { lower, upper: 1 - lower };
}

/**
 * I_x(a, b) = xᵃ yᵇ / (a B(a, b)) · 1/(1 + d₁/(1 + d₂/(1 + …))), which converges quickly for
 * x < (a + 1)/(a + b + 2). Evaluated as its even contraction
 *   1/(1 + d₁ − d₁d₂/(1 + d₂ + d₃ − d₃d₄/(1 + d₄ + d₅ − …)))
 * with 1 + d₂ₘ₊₁ expanded algebraically when b ≤ 1: when a is large and x near 1 (Student t with many
 * degrees of freedom) d₂ₘ₊₁ ≈ −1, and adding it to 1 in floating point would lose log10(a) digits.
 */
function incompleteBetaByFraction(x: number, y: number, a: number, b: number): number {
  const logX = x < 0.5 ? Math.log(x) : Math.log1p(-y);
  const logY = y < 0.5 ? Math.log(y) : Math.log1p(-x);
  const logFront = a * logX + b * logY - logBeta(a, b) - Math.log(a);
  // d₂ₘ = m(b−m)x / ((a+2m−1)(a+2m))
  const even = (m: number): number => (m === 0 ? 0 : (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m)));
  // d₂ₘ₊₁ = −(a+m)(a+b+m)x / ((a+2m)(a+2m+1))
  const odd = (m: number): number => (-(a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1));
  // 1 + d₂ₘ₊₁ = (a(2m+1−b) + m(3m+2−b) + (a+m)(a+b+m)y) / ((a+2m)(a+2m+1)): every term ≥ 0 when b ≤ 1
  const onePlusOdd = (m: number): number =>
    b > 1
      ? 1 + odd(m)
      : (a * (2 * m + 1 - b) + m * (3 * m + 2 - b) + (a + m) * (a + b + m) * y) /
        ((a + 2 * m) * (a + 2 * m + 1));
  const denominator = continuedFraction(
    onePlusOdd(0),
    (n) => -odd(n - 1) * even(n),
    (n) => even(n) + onePlusOdd(n),
    1000 + Math.ceil(20 * Math.sqrt(Math.max(a, b))),
  );
  return Math.exp(logFront - Math.log(denominator));
}
