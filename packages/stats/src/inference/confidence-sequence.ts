import { assertAlpha, assertCount, assertNonNegative, assertPositive } from '../arguments.js';
import type { Interval } from '../comparison.js';
import { DEFAULT_ALPHA } from '../comparison.js';

/** GrowthBook's default for the sample size at which the sequence is tightest. */
export const DEFAULT_TUNING_SAMPLE_SIZE = 5000;

/** An asymptotically normal estimate after `sampleSize` units (both arms together for a difference). */
export interface SequentialEstimate {
  readonly estimate: number | null;
  readonly standardError: number | null;
  readonly sampleSize: number;
}

/** Options of `confidenceSequence`. */
export interface ConfidenceSequenceOptions {
  /** The probability that the interval ever excludes the truth, over all looks. Default 0.05. */
  readonly alpha?: number;
  /**
   * The sample size N* at which the sequence is tightest (the mixture is tuned for it); set it to the
   * number of units expected when a decision is most likely. Intervals are valid for any choice;
   * earlier or later they are somewhat wider than they would be with N* there. Default 5,000.
   */
  readonly tuningSampleSize?: number;
}

/** An always-valid interval; `null` fields and a `reason` without an estimate. */
export interface ConfidenceSequenceResult {
  readonly kind: 'confidence-sequence';
  readonly alpha: number;
  readonly tuningSampleSize: number;
  /** The mixture parameter ρ = √((−2 ln α + ln(1 − 2 ln α)) / N*). */
  readonly rho: number;
  readonly halfWidth: number | null;
  readonly interval: Interval | null;
  readonly reason: string | null;
}

/**
 * An asymptotic confidence sequence (Waudby-Smith et al. 2023, the normal mixture boundary of
 * Howard et al. 2021, as GrowthBook applies it): with N units and σ² = N·SE²,
 *   half-width = σ·√(2(Nρ² + 1)/(N²ρ²) · ln(√(Nρ² + 1)/α)),
 * which may be recomputed after every batch of data: with probability ≥ 1 − alpha (asymptotically) the
 * true value stays inside at every look, so people may peek and stop early. Wider than the
 * fixed-horizon interval at every N. A missing estimate or standard error, zero standard error or
 * no units give `null` fields and a `reason`. Throws `invalid_alpha` or `invalid_argument`.
 *
 * @example confidenceSequence({ estimate: r.difference, standardError: r.standardError, sampleSize: nC + nT })
 */
export function confidenceSequence(
  input: SequentialEstimate,
  options: ConfidenceSequenceOptions = {},
): ConfidenceSequenceResult {
  const alpha = options.alpha ?? DEFAULT_ALPHA;
  assertAlpha(alpha);
  const tuningSampleSize = options.tuningSampleSize ?? DEFAULT_TUNING_SAMPLE_SIZE;
  assertPositive('tuningSampleSize', tuningSampleSize);
  assertCount('sampleSize', input.sampleSize);
  const logAlpha = Math.log(alpha);
  const rho = Math.sqrt((-2 * logAlpha + Math.log(1 - 2 * logAlpha)) / tuningSampleSize);
  const base = { kind: 'confidence-sequence', alpha, tuningSampleSize, rho } as const;
  const { estimate, standardError, sampleSize } = input;
  if (estimate === null || standardError === null) {
    return { ...base, halfWidth: null, interval: null, reason: 'no estimate with a standard error' };
  }
  assertNonNegative('standardError', standardError);
  if (sampleSize === 0) return { ...base, halfWidth: null, interval: null, reason: 'no units' };
  if (standardError === 0) {
    return { ...base, halfWidth: null, interval: null, reason: 'the standard error is 0' };
  }
  const n = sampleSize;
  const spread = n * rho * rho + 1;
  const halfWidth =
    standardError *
    Math.sqrt(n) *
    Math.sqrt(((2 * spread) / (n * n * rho * rho)) * Math.log(Math.sqrt(spread) / alpha));
  return {
    ...base,
    halfWidth,
    interval: { lower: estimate - halfWidth, upper: estimate + halfWidth },
    reason: null,
  };
}
