import { assertAlpha, assertCount, assertFinite, assertNonNegative } from '../arguments.js';
import { type ComparisonFields, DEFAULT_ALPHA, STATISTIC_OVERFLOW, type TestOptions } from '../comparison.js';
import { studentTCdf, studentTQuantile } from '../distributions/student-t.js';
import { deltaMethodRelativeLift, liftWithout } from '../relative-lift.js';

/**
 * One arm of a mean metric: number of units, sample mean and sample variance (denominator n − 1).
 * With n = 0 the mean and variance are ignored (they may be NaN); with n = 1 the variance is.
 */
export interface MeanSummary {
  readonly n: number;
  readonly mean: number;
  readonly variance: number;
}

/** Welch's unequal-variance t-test of treatment − control; `null` fields and a `reason` when undefined. */
export interface WelchTTestResult extends ComparisonFields {
  readonly kind: 'welch-t-test';
  /** Welch–Satterthwaite degrees of freedom. */
  readonly degreesOfFreedom: number | null;
}

/**
 * Welch's t-test for a difference of means from per-arm summaries: difference treatment − control,
 * SE = √(s²_c/n_c + s²_t/n_t), Welch–Satterthwaite degrees of freedom, two-sided p-value and 1 − alpha
 * interval from Student's t; relative lift with a delta-method interval using the same critical value.
 * Arms with fewer than 2 units, or zero variance in both, give `null` fields and a `reason`.
 * Throws `invalid_alpha`, or `invalid_argument` for a negative or fractional n, a non-finite mean or a
 * negative variance.
 *
 * @example welchTTest({ n: 120, mean: 4.1, variance: 2.3 }, { n: 118, mean: 4.6, variance: 2.9 })
 */
export function welchTTest(
  control: MeanSummary,
  treatment: MeanSummary,
  options: TestOptions = {},
): WelchTTestResult {
  const alpha = options.alpha ?? DEFAULT_ALPHA;
  assertAlpha(alpha);
  checkSummary('control', control);
  checkSummary('treatment', treatment);
  for (const [name, arm] of [
    ['control', control],
    ['treatment', treatment],
  ] as const) {
    if (arm.n === 0) return welchWithout(alpha, `the ${name} arm has no units`);
  }
  const difference = treatment.mean - control.mean;
  if (!Number.isFinite(difference)) return welchWithout(alpha, 'the difference of the means overflows');
  const empty = {
    kind: 'welch-t-test',
    alpha,
    difference,
    standardError: null,
    degreesOfFreedom: null,
    statistic: null,
    pValue: null,
    interval: null,
  } as const;
  const pointLift = (reason: string) => {
    if (control.mean === 0) return liftWithout('the control mean is 0, so a relative lift is undefined');
    const estimate = treatment.mean / control.mean - 1;
    if (!Number.isFinite(estimate))
      return liftWithout('the relative lift overflows (the control mean is too close to 0)');
    return { estimate, standardError: null, interval: null, reason };
  };
  if (control.n < 2 || treatment.n < 2) {
    const reason = `each arm needs at least 2 units for a variance (control has ${control.n}, treatment ${treatment.n})`;
    return { ...empty, relativeLift: pointLift(reason), reason };
  }
  const controlVariance = control.variance / control.n;
  const treatmentVariance = treatment.variance / treatment.n;
  const variance = controlVariance + treatmentVariance;
  const standardError = Math.sqrt(variance);
  if (standardError === 0) {
    const reason = 'both arms have zero variance, so the difference has no standard error';
    return { ...empty, relativeLift: pointLift(reason), reason };
  }
  if (!Number.isFinite(standardError)) {
    const reason = 'the variances are too large to combine';
    return { ...empty, relativeLift: pointLift(reason), reason };
  }
  const degreesOfFreedom = welchSatterthwaite(controlVariance, control.n, treatmentVariance, treatment.n);
  const statistic = difference / standardError;
  const overflow = !Number.isFinite(statistic);
  const pValue = Math.min(1, 2 * studentTCdf(-Math.abs(statistic), degreesOfFreedom));
  const critical = -studentTQuantile(alpha / 2, degreesOfFreedom);
  return {
    ...empty,
    standardError,
    degreesOfFreedom,
    statistic: overflow ? null : statistic,
    pValue,
    interval: { lower: difference - critical * standardError, upper: difference + critical * standardError },
    relativeLift:
      control.mean === 0
        ? liftWithout('the control mean is 0, so a relative lift is undefined')
        : deltaMethodRelativeLift(
            { estimate: control.mean, variance: controlVariance },
            { estimate: treatment.mean, variance: treatmentVariance },
            critical,
          ),
    reason: overflow ? STATISTIC_OVERFLOW : null,
  };
}

/** A Welch result with every estimate null, for data that allow no test; `reason` says why. */
export function welchWithout(alpha: number, reason: string): WelchTTestResult {
  return {
    kind: 'welch-t-test',
    alpha,
    difference: null,
    standardError: null,
    degreesOfFreedom: null,
    statistic: null,
    pValue: null,
    interval: null,
    relativeLift: liftWithout(reason),
    reason,
  };
}

/**
 * ν = (v_c + v_t)² / (v_c²/(n_c − 1) + v_t²/(n_t − 1)) with v = s²/n, scaled by the larger v so the
 * squares cannot overflow.
 */
function welchSatterthwaite(
  controlVariance: number,
  controlN: number,
  treatmentVariance: number,
  treatmentN: number,
) {
  const scale = Math.max(controlVariance, treatmentVariance);
  const c = controlVariance / scale;
  const t = treatmentVariance / scale;
  return ((c + t) * (c + t)) / ((c * c) / (controlN - 1) + (t * t) / (treatmentN - 1));
}

function checkSummary(name: string, summary: MeanSummary): void {
  assertCount(`${name}.n`, summary.n);
  if (summary.n >= 1) assertFinite(`${name}.mean`, summary.mean);
  if (summary.n >= 2) assertNonNegative(`${name}.variance`, summary.variance);
}
