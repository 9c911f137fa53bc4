import { assertAlpha, assertCount, assertFinite, assertNonNegative } from '../arguments.js';
import { type ComparisonFields, DEFAULT_ALPHA, STATISTIC_OVERFLOW, type TestOptions } from '../comparison.js';
import { normalCdf, normalQuantile } from '../distributions/normal.js';
import { sampleCovariance, sampleVariance } from '../moments.js';
import { deltaMethodRelativeLift, liftWithout } from '../relative-lift.js';

/**
 * Per-unit sums for a ratio metric Σx/Σy whose denominator is random (revenue per session, sessions
 * per active day…): n units, and over units Σx, Σy, Σx², Σy², Σxy, with x the unit's numerator and y
 * its denominator.
 */
export interface RatioSummary {
  readonly n: number;
  readonly numeratorSum: number;
  readonly denominatorSum: number;
  readonly numeratorSquaresSum: number;
  readonly denominatorSquaresSum: number;
  readonly productSum: number;
}

/** A ratio of means with its delta-method standard error; `null` fields and a `reason` when undefined. */
export interface RatioEstimate {
  readonly ratio: number | null;
  readonly standardError: number | null;
  readonly reason: string | null;
}

/** Two arms of a ratio metric compared by the delta method and a z-test. */
export interface RatioComparisonResult extends ComparisonFields {
  readonly kind: 'ratio-delta-method';
  readonly controlRatio: number | null;
  readonly treatmentRatio: number | null;
}

/**
 * The ratio R = Σx/Σy = x̄/ȳ and its delta-method standard error
 * √((s²_x − 2R·s_xy + R²·s²_y) / (n·ȳ²)), sample (co)variances with denominator n − 1 (Deng et al.
 * 2018). No units or Σy = 0 leave everything null; fewer than 2 units leave the standard error null.
 */
export function ratioMetric(summary: RatioSummary): RatioEstimate {
  checkSummary('summary', summary);
  return estimateRatio(summary);
}

/**
 * Compares a ratio metric between arms: difference of ratios with SE √(Var R_c + Var R_t) (arms are
 * independent), z statistic, two-sided normal p-value and interval, and relative lift R_t/R_c − 1
 * with a delta-method interval. `null` fields and a `reason` for arms without units, a zero
 * denominator, fewer than 2 units or zero variance. Throws `invalid_alpha` or `invalid_argument`.
 *
 * @example compareRatioMetrics(controlSums, treatmentSums, { alpha: 0.05 })
 */
export function compareRatioMetrics(
  control: RatioSummary,
  treatment: RatioSummary,
  options: TestOptions = {},
): RatioComparisonResult {
  const alpha = options.alpha ?? DEFAULT_ALPHA;
  assertAlpha(alpha);
  checkSummary('control', control);
  checkSummary('treatment', treatment);
  const controlEstimate = estimateRatio(control);
  const treatmentEstimate = estimateRatio(treatment);
  const empty = {
    kind: 'ratio-delta-method',
    alpha,
    controlRatio: controlEstimate.ratio,
    treatmentRatio: treatmentEstimate.ratio,
    difference: null,
    standardError: null,
    statistic: null,
    pValue: null,
    interval: null,
  } as const;
  if (controlEstimate.ratio === null || treatmentEstimate.ratio === null) {
    const reason =
      controlEstimate.ratio === null
        ? `control: ${controlEstimate.reason}`
        : `treatment: ${treatmentEstimate.reason}`;
    return { ...empty, relativeLift: liftWithout(reason), reason };
  }
  const controlRatio = controlEstimate.ratio;
  const treatmentRatio = treatmentEstimate.ratio;
  const difference = treatmentRatio - controlRatio;
  if (!Number.isFinite(difference)) {
    const reason = 'the difference of the ratios overflows';
    return { ...empty, relativeLift: liftWithout(reason), reason };
  }
  const pointLift = (reason: string) => {
    if (controlRatio === 0) return liftWithout('the control ratio is 0, so a relative lift is undefined');
    const estimate = treatmentRatio / controlRatio - 1;
    if (!Number.isFinite(estimate))
      return liftWithout('the relative lift overflows (the control ratio is too close to 0)');
    return { estimate, standardError: null, interval: null, reason };
  };
  if (controlEstimate.standardError === null || treatmentEstimate.standardError === null) {
    const reason =
      controlEstimate.standardError === null
        ? `control: ${controlEstimate.reason}`
        : `treatment: ${treatmentEstimate.reason}`;
    return { ...empty, difference, relativeLift: pointLift(reason), reason };
  }
  const controlVariance = controlEstimate.standardError ** 2;
  const treatmentVariance = treatmentEstimate.standardError ** 2;
  const standardError = Math.sqrt(controlVariance + treatmentVariance);
  if (standardError === 0 || !Number.isFinite(standardError)) {
    const reason =
      standardError === 0
        ? 'both arms have zero variance, so the difference has no standard error'
        : 'the variances are too large to combine';
    return { ...empty, difference, relativeLift: pointLift(reason), reason };
  }
  const statistic = difference / standardError;
  const overflow = !Number.isFinite(statistic);
  const critical = -normalQuantile(alpha / 2);
  return {
    ...empty,
    difference,
    standardError,
    statistic: overflow ? null : statistic,
    pValue: Math.min(1, 2 * normalCdf(-Math.abs(statistic))),
    interval: { lower: difference - critical * standardError, upper: difference + critical * standardError },
    relativeLift:
      controlRatio === 0
        ? liftWithout('the control ratio is 0, so a relative lift is undefined')
        : deltaMethodRelativeLift(
            { estimate: controlRatio, variance: controlVariance },
            { estimate: treatmentRatio, variance: treatmentVariance },
            critical,
          ),
    reason: overflow ? STATISTIC_OVERFLOW : null,
  };
}

function estimateRatio(summary: RatioSummary): RatioEstimate {
  const { n } = summary;
  if (n === 0) return { ratio: null, standardError: null, reason: 'no units' };
  if (summary.denominatorSum === 0) {
    return {
      ratio: null,
      standardError: null,
      reason: 'the denominator sums to 0, so the ratio is undefined',
    };
  }
  const ratio = summary.numeratorSum / summary.denominatorSum;
  if (!Number.isFinite(ratio)) {
    return {
      ratio: null,
      standardError: null,
      reason: 'the ratio overflows (the denominator is too close to 0)',
    };
  }
  if (n < 2) return { ratio, standardError: null, reason: 'at least 2 units are needed for a variance' };
  const numeratorVariance = sampleVariance(n, summary.numeratorSum, summary.numeratorSquaresSum);
  const denominatorVariance = sampleVariance(n, summary.denominatorSum, summary.denominatorSquaresSum);
  const covariance = sampleCovariance(n, summary.numeratorSum, summary.denominatorSum, summary.productSum);
  const denominatorMean = summary.denominatorSum / n;
  const spread = Math.max(
    0,
    numeratorVariance - 2 * ratio * covariance + ratio * ratio * denominatorVariance,
  );
  const standardError = Math.sqrt(spread / n) / Math.abs(denominatorMean);
  if (!Number.isFinite(standardError)) {
    return {
      ratio,
      standardError: null,
      reason: 'the variance overflows (the denominator mean is too close to 0)',
    };
  }
  return { ratio, standardError, reason: null };
}

function checkSummary(name: string, summary: RatioSummary): void {
  assertCount(`${name}.n`, summary.n);
  assertFinite(`${name}.numeratorSum`, summary.numeratorSum);
  assertFinite(`${name}.denominatorSum`, summary.denominatorSum);
  assertNonNegative(`${name}.numeratorSquaresSum`, summary.numeratorSquaresSum);
  assertNonNegative(`${name}.denominatorSquaresSum`, summary.denominatorSquaresSum);
  assertFinite(`${name}.productSum`, summary.productSum);
}
