import { assertCount } from '../arguments.js';
import { chiSquareSurvival } from '../distributions/chi-square.js';
import { StatsError } from '../errors.js';

/** The default p-value below which a split is flagged (GrowthBook's default as well). */
export const SAMPLE_RATIO_MISMATCH_THRESHOLD = 0.001;

/** Options of `sampleRatioMismatch`. */
export interface SampleRatioMismatchOptions {
  /** Flag a mismatch when the p-value is below this. Default 0.001. */
  readonly threshold?: number;
}

/** A χ² goodness-of-fit test of the observed split against the planned one. */
export interface SampleRatioMismatchResult {
  readonly kind: 'sample-ratio-mismatch';
  readonly threshold: number;
  readonly total: number;
  /** Units each arm should have had: total × weight / Σ weights. */
  readonly expected: readonly number[] | null;
  readonly statistic: number | null;
  readonly degreesOfFreedom: number;
  readonly pValue: number | null;
  /** p-value < threshold; null when no test was possible. */
  readonly mismatch: boolean | null;
  readonly reason: string | null;
}

/**
 * Sample-ratio mismatch: Pearson's χ² = Σ (observed − expected)²/expected against the planned
 * weights (any positive scale), k − 1 degrees of freedom, p-value from the χ² survival function, and
 * `mismatch` when p < threshold (0.001 by default). No exposures give `null` fields and a `reason`;
 * all units in one arm is a (flagged) mismatch, not an error. Throws `invalid_argument` for fewer
 * than two arms, mismatched lengths, weights that are not positive, or counts that are not whole
 * numbers, and `invalid_alpha` for a threshold outside (0, 1).
 *
 * @example sampleRatioMismatch([50_412, 49_588], [1, 1]) // p ≈ 0.0093, mismatch: false
 */
export function sampleRatioMismatch(
  observed: readonly number[],
  plannedWeights: readonly number[],
  options: SampleRatioMismatchOptions = {},
): SampleRatioMismatchResult {
  const threshold = options.threshold ?? SAMPLE_RATIO_MISMATCH_THRESHOLD;
  if (!(threshold > 0 && threshold < 1)) {
    throw new StatsError(
      'invalid_alpha',
      `threshold must be strictly between 0 and 1 (e.g. 0.001), got ${threshold}.`,
      {
        threshold,
      },
    );
  }
  if (observed.length < 2 || observed.length !== plannedWeights.length) {
    throw new StatsError(
      'invalid_argument',
      `Give one observed count and one planned weight per arm, at least two arms (got ${observed.length} counts and ${plannedWeights.length} weights).`,
      { observed: observed.length, weights: plannedWeights.length },
    );
  }
  for (const [index, count] of observed.entries()) assertCount(`observed[${index}]`, count);
  for (const [index, weight] of plannedWeights.entries()) {
    if (!(weight > 0 && Number.isFinite(weight))) {
      throw new StatsError(
        'invalid_argument',
        `plannedWeights[${index}] must be a finite number > 0, got ${weight}; leave arms that get no traffic out.`,
        { index, weight },
      );
    }
  }
  const degreesOfFreedom = observed.length - 1;
  const total = observed.reduce((sum, count) => sum + count, 0);
  if (total === 0) {
    return {
      kind: 'sample-ratio-mismatch',
      threshold,
      total,
      expected: null,
      statistic: null,
      degreesOfFreedom,
      pValue: null,
      mismatch: null,
      reason: 'no exposures yet',
    };
  }
  const weightSum = plannedWeights.reduce((sum, weight) => sum + weight, 0);
  const expected = plannedWeights.map((weight) => (total * weight) / weightSum);
  let statistic = 0;
  for (const [index, count] of observed.entries()) {
    const e = expected[index]!;
    statistic += ((count - e) * (count - e)) / e;
  }
  const pValue = chiSquareSurvival(statistic, degreesOfFreedom);
  return {
    kind: 'sample-ratio-mismatch',
    threshold,
    total,
    expected,
    statistic,
    degreesOfFreedom,
    pValue,
    mismatch: pValue < threshold,
    reason: null,
  };
}
