import { continuedFraction } from './continued-fraction.js';
import type { TailPair } from './tail-pair.js';
import { logGamma, stirlingCorrection } from './log-gamma.js';

/**
 * The regularized incomplete gamma functions for a > 0, x ≥ 0: `lower` = P(a, x), `upper` = Q(a, x).
 * The power series for P below x = a + 1 and the continued fraction for Q above (Numerical Recipes
 * §6.2), so the smaller tail keeps its relative accuracy.
 */
export function incompleteGamma(a: number, x: number): TailPair {
  if (x <= 0) return { lower: 0, upper: 1 };
  if (x === Number.POSITIVE_INFINITY) return { lower: 1, upper: 0 };
  const logFront = logGammaDensityFront(a, x);
  const iterations = 1000 + Math.ceil(20 * Math.sqrt(a));
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n <= iterations; n++) {
      term *= x / (a + n);
      sum += term;
      if (term < sum * 1e-17) break;
    }
    const lower = Math.exp(logFront + Math.log(sum));
    return { lower, upper: 1 - lower };
  }
  // Q(a, x) = xᵃe⁻ˣ/Γ(a) · 1/(x+1−a − 1(1−a)/(x+3−a − 2(2−a)/(x+5−a − …)))
  const denominator = continuedFraction(
    x + 1 - a,
    (n) => -n * (n - a),
    (n) => x + 2 * n + 1 - a,
    iterations,
  );
  const upper = Math.exp(logFront - Math.log(denominator));
  return { lower: 1 - upper, upper };
}

/**
 * log(xᵃ e⁻ˣ / Γ(a)). For a ≥ 10 written as a·log(x/a) − (x − a) + ½ log(a/2π) − stirling(a), which
 * avoids subtracting the large, nearly equal a·log x − x and log Γ(a); near x = a the first two terms
 * are −a·(u − log(1 + u)) with u = (x − a)/a, summed as a series.
 */
function logGammaDensityFront(a: number, x: number): number {
  if (a < 10) return a * Math.log(x) - x - logGamma(a);
  const u = (x - a) / a;
  const exponent = Math.abs(u) > 0.1 ? a * Math.log(x / a) - (x - a) : -a * uMinusLog1p(u);
  return exponent + 0.5 * Math.log(a / (2 * Math.PI)) - stirlingCorrection(a);
}

/** u − log(1 + u) for |u| ≤ 0.1, by its series: the subtraction would cancel. */
function uMinusLog1p(u: number): number {
  // u²/2 − u³/3 + u⁴/4 − …
  let power = u * u;
  let sum = 0;
  for (let k = 2; k < 40; k++) {
    const term = power / k;
    sum += k % 2 === 0 ? term : -term;
    if (Math.abs(term) < 1e-17 * Math.abs(sum)) break;
    power *= u;
  }
  return sum;
}
