const HALF_LOG_TWO_PI = 0.9189385332046728; // ½ log(2π)

/**
 * lgamma(x) minus Stirling's formula, for x ≥ 10: the Bernoulli series 1/(12x) − 1/(360x³) + …, whose
 * first omitted term is below 1e-17 there.
 */
export function stirlingCorrection(x: number): number {
  const w = 1 / (x * x);
  const series =
    1 / 12 +
    w *
      (-1 / 360 +
        w *
          (1 / 1260 +
            w * (-1 / 1680 + w * (1 / 1188 + w * (-691 / 360360 + w * (1 / 156 + w * (-3617 / 122400)))))));
  return series / x;
}

/**
 * log Γ(x) for x > 0: Stirling's series with `stirlingCorrection` from 10 up, and below that the
 * recurrence Γ(x) = Γ(x + k) / (x (x + 1) … (x + k − 1)), accurate to a few ulps of lgamma(x + k).
 */
export function logGamma(x: number): number {
  if (x >= 10) return (x - 0.5) * Math.log(x) - x + HALF_LOG_TWO_PI + stirlingCorrection(x);
  let product = 1;
  let shifted = x;
  while (shifted < 10) {
    product *= shifted;
    shifted += 1;
  }
  return logGamma(shifted) - Math.log(product);
}

/**
 * log B(a, b) = log Γ(a) + log Γ(b) − log Γ(a + b) for a, b > 0, without the cancellation of that sum
 * when a or b is large (the arrangement of R's `lbeta`).
 */
export function logBeta(a: number, b: number): number {
  const p = Math.min(a, b);
  const q = Math.max(a, b);
  if (p >= 10) {
    const correction = stirlingCorrection(p) + stirlingCorrection(q) - stirlingCorrection(p + q);
    return (
      -0.5 * Math.log(q) +
      HALF_LOG_TWO_PI +
      correction +
      (p - 0.5) * Math.log(p / (p + q)) +
      q * Math.log1p(-p / (p + q))
    );
  }
  if (q >= 10) {
    const correction = stirlingCorrection(q) - stirlingCorrection(p + q);
    return logGamma(p) + correction + p - p * Math.log(p + q) + (q - 0.5) * Math.log1p(-p / (p + q));
  }
  return logGamma(p) + logGamma(q) - logGamma(p + q);
}
