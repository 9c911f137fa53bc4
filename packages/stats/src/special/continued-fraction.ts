/** Stands in for a zero denominator so the Lentz recurrences never divide by 0. */
const TINY = 1e-300;

/**
 * The value of b₀ + a₁/(b₁ + a₂/(b₂ + a₃/(b₃ + …))) by the modified Lentz method (Thompson & Barnett
 * 1986). Stops when a step changes the value by less than `epsilon` relative, or after `maxIterations`
 * (then the last convergent is returned: close, and never NaN for the fractions used here).
 */
export function continuedFraction(
  b0: number,
  numerator: (n: number) => number,
  denominator: (n: number) => number,
  maxIterations: number,
  epsilon = 1e-16,
): number {
  let value = b0 === 0 ? TINY : b0;
  let c = value;
  let d = 0;
  for (let n = 1; n <= maxIterations; n++) {
    const a = numerator(n);
    const b = denominator(n);
    d = b + a * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + a / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = c * d;
    value *= delta;
    if (Math.abs(delta - 1) < epsilon) break;
  }
  return value;
}
