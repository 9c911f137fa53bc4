import { assertAlpha, assertCount, assertFinite, assertNonNegative } from '../arguments.js';
import { DEFAULT_ALPHA, type TestOptions } from '../comparison.js';
import { sampleCovariance, sampleVariance } from '../moments.js';
import { type MeanSummary, type WelchTTestResult, welchTTest, welchWithout } from './welch-t-test.js';

/**
 * Per-unit sums for CUPED: the metric Y in the experiment window and the same metric X over a
 * pre-exposure period (0 for units not seen before), as n, ΣY, ΣY², ΣX, ΣX², ΣXY.
 */
export interface CupedSummary {
  readonly n: number;
  readonly metricSum: number;
  readonly metricSquaresSum: number;
  readonly covariateSum: number;
  readonly covariateSquaresSum: number;
  readonly productSum: number;
}

/** One arm before and after the CUPED adjustment (null without units; variances null below 2 units). */
export interface CupedArm {
  readonly n: number;
  readonly mean: number | null;
  readonly variance: number | null;
  readonly adjustedMean: number | null;
  readonly adjustedVariance: number | null;
}

/** A CUPED-adjusted Welch test beside the unadjusted one. */
export interface CupedResult {
  readonly kind: 'cuped';
  /** cov(Y, X)/var(X) over both arms together; 0 when X does not vary; null below 2 units or on overflow. */
  readonly theta: number | null;
  /** 1 − Var(adjusted difference)/Var(unadjusted difference): 0.5 means the interval is √0.5 ≈ 0.71 as wide. */
  readonly varianceReduction: number | null;
  readonly control: CupedArm;
  readonly treatment: CupedArm;
  readonly adjusted: WelchTTestResult;
  readonly unadjusted: WelchTTestResult;
  readonly reason: string | null;
}

/**
 * CUPED (Deng, Xu, Kohavi & Walker 2013): θ = cov(Y, X)/var(X) from the units of both arms pooled,
 * adjusted means Ȳ − θ(X̄_arm − X̄_pooled) and variances s²_Y + θ²s²_X − 2θ·s_XY per arm, then
 * Welch's t-test on the adjusted summaries (θ treated as known, as usual). Centering on the pooled
 * X̄ keeps the adjusted means on the metric's scale, so the relative lift stays meaningful.
 * Data problems (no units, n < 2, zero variance) surface as `null` fields and a `reason` in the
 * Welch results; throws `invalid_alpha` or `invalid_argument`.
 *
 * @example cupedWelchTTest(controlSums, treatmentSums).adjusted.interval
 */
export function cupedWelchTTest(
  control: CupedSummary,
  treatment: CupedSummary,
  options: TestOptions = {},
): CupedResult {
  const alpha = options.alpha ?? DEFAULT_ALPHA;
  assertAlpha(alpha);
  checkSummary('control', control);
  checkSummary('treatment', treatment);
  const n = control.n + treatment.n;
  const slope = n < 2 ? null : pooledTheta(control, treatment);
  const theta = slope !== null && Number.isFinite(slope) ? slope : null;
  const pooledCovariateMean = n === 0 ? 0 : (control.covariateSum + treatment.covariateSum) / n;
  const controlArm = adjustArm(control, theta ?? 0, pooledCovariateMean);
  const treatmentArm = adjustArm(treatment, theta ?? 0, pooledCovariateMean);
  const compare = (adjusted: boolean) => {
    const c = meanSummary(controlArm, adjusted);
    const t = meanSummary(treatmentArm, adjusted);
    if (c === null || t === null)
      return welchWithout(alpha, 'the sums are too large: their moments overflow');
    return welchTTest(c, t, { alpha });
  };
  const unadjusted = compare(false);
  const adjusted = slope !== null && theta === null ? welchWithout(alpha, 'θ overflows') : compare(true);
  const varianceReduction =
    adjusted.standardError !== null && unadjusted.standardError !== null
      ? finiteOrNull(1 - (adjusted.standardError / unadjusted.standardError) ** 2)
      : null;
  return {
    kind: 'cuped',
    theta,
    varianceReduction,
    control: controlArm,
    treatment: treatmentArm,
    adjusted,
    unadjusted,
    reason: adjusted.reason,
  };
}

/** Slope of Y on X over both arms' units together: (ΣXY − ΣXΣY/n) / (ΣX² − (ΣX)²/n). */
function pooledTheta(control: CupedSummary, treatment: CupedSummary): number {
  const n = control.n + treatment.n;
  const sumX = control.covariateSum + treatment.covariateSum;
  const covariateVariance = sampleVariance(
    n,
    sumX,
    control.covariateSquaresSum + treatment.covariateSquaresSum,
  );
  if (covariateVariance === 0) return 0;
  const sumY = control.metricSum + treatment.metricSum;
  const covariance = sampleCovariance(n, sumX, sumY, control.productSum + treatment.productSum);
  return covariance / covariateVariance;
}

function adjustArm(summary: CupedSummary, theta: number, pooledCovariateMean: number): CupedArm {
  const { n } = summary;
  if (n === 0) return { n, mean: null, variance: null, adjustedMean: null, adjustedVariance: null };
  const mean = summary.metricSum / n;
  const adjustedMean = finiteOrNull(mean - theta * (summary.covariateSum / n - pooledCovariateMean));
  if (n < 2) return { n, mean, variance: null, adjustedMean, adjustedVariance: null };
  const variance = sampleVariance(n, summary.metricSum, summary.metricSquaresSum);
  const covariateVariance = sampleVariance(n, summary.covariateSum, summary.covariateSquaresSum);
  const covariance = sampleCovariance(n, summary.metricSum, summary.covariateSum, summary.productSum);
  const adjustedVariance = Math.max(0, variance + theta * theta * covariateVariance - 2 * theta * covariance);
  return {
    n,
    mean,
    variance: finiteOrNull(variance),
    adjustedMean,
    adjustedVariance: finiteOrNull(adjustedVariance),
  };
}

/** The arm as Welch's test takes it, or null when a moment it needs overflowed. */
function meanSummary(arm: CupedArm, adjusted: boolean): MeanSummary | null {
  const mean = adjusted ? arm.adjustedMean : arm.mean;
  const variance = adjusted ? arm.adjustedVariance : arm.variance;
  if (arm.n === 0) return { n: 0, mean: 0, variance: 0 };
  if (mean === null || (arm.n >= 2 && variance === null)) return null;
  return { n: arm.n, mean, variance: variance ?? 0 };
}

function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

function checkSummary(name: string, summary: CupedSummary): void {
  assertCount(`${name}.n`, summary.n);
  assertFinite(`${name}.metricSum`, summary.metricSum);
  assertNonNegative(`${name}.metricSquaresSum`, summary.metricSquaresSum);
  assertFinite(`${name}.covariateSum`, summary.covariateSum);
  assertNonNegative(`${name}.covariateSquaresSum`, summary.covariateSquaresSum);
  assertFinite(`${name}.productSum`, summary.productSum);
}
