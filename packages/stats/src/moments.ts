/**
 * The sample covariance (denominator n − 1) from n, Σx, Σy and Σxy; with x = y it is the sample
 * variance. Clamped at 0 for a variance, where rounding in Σx² − (Σx)²/n can dip below.
 */
export function sampleCovariance(n: number, sumX: number, sumY: number, sumProducts: number): number {
  return (sumProducts - (sumX * sumY) / n) / (n - 1);
}

/** The sample variance (denominator n − 1) from n, Σx and Σx², never below 0. */
export function sampleVariance(n: number, sum: number, sumSquares: number): number {
  return Math.max(0, sampleCovariance(n, sum, sum, sumSquares));
}
