import { assertAlpha, assertCount } from '../arguments.js';
import { type ComparisonFields, DEFAULT_ALPHA, type TestOptions } from '../comparison.js';
import { normalCdf, normalQuantile } from '../distributions/normal.js';
import { StatsError } from '../errors.js';
import { deltaMethodRelativeLift, liftWithout } from '../relative-lift.js';

/** One arm of a conversion metric: exposed units and how many of them converted. */
export interface ProportionSummary {
  readonly n: number;
  readonly conversions: number;
}

/** The two-proportion z-test of treatment − control; `null` fields and a `reason` when undefined. */
export interface TwoProportionZTestResult extends ComparisonFields {
  readonly kind: 'two-proportion-z-test';
  readonly controlRate: number | null;
  readonly treatmentRate: number | null;
  /** √(p̄(1 − p̄)(1/n_c + 1/n_t)) with the pooled rate p̄: the SE under the null hypothesis, used by the test. */
  readonly pooledStandardError: number | null;
}

/**
 * The two-proportion z-test. The test statistic uses the pooled standard error (both arms share one
 * rate under the null hypothesis; z² is Pearson's χ² without continuity correction, R's
 * `prop.test(correct = FALSE)`); the interval uses the unpooled (Wald) standard error
 * √(p_c(1 − p_c)/n_c + p_t(1 − p_t)/n_t), which does not assume the null. The relative lift
 * p_t/p_c − 1 gets a delta-method interval with the same normal critical value.
 * An arm with no units, or rates of 0 or 1 that leave a standard error of 0, give `null` fields and a
 * `reason`. Throws `invalid_alpha`, or `invalid_argument` for counts that are not whole numbers with
 * conversions ≤ n.
 *
 * @example twoProportionZTest({ n: 10_000, conversions: 1_000 }, { n: 10_000, conversions: 1_100 })
 */
export function twoProportionZTest(
  control: ProportionSummary,
  treatment: ProportionSummary,
  options: TestOptions = {},
): TwoProportionZTestResult {
  const alpha = options.alpha ?? DEFAULT_ALPHA;
  assertAlpha(alpha);
  checkSummary('control', control);
  checkSummary('treatment', treatment);
  const controlRate = control.n > 0 ? control.conversions / control.n : null;
  const treatmentRate = treatment.n > 0 ? treatment.conversions / treatment.n : null;
  const empty = {
    kind: 'two-proportion-z-test',
    alpha,
    controlRate,
    treatmentRate,
    difference: null,
    standardError: null,
    pooledStandardError: null,
    statistic: null,
    pValue: null,
    interval: null,
  } as const;
  if (controlRate === null || treatmentRate === null) {
    const reason = `the ${controlRate === null ? 'control' : 'treatment'} arm has no units`;
    return { ...empty, relativeLift: liftWithout(reason), reason };
  }
  const difference = treatmentRate - controlRate;
  const controlVariance = (controlRate * (1 - controlRate)) / control.n;
  const treatmentVariance = (treatmentRate * (1 - treatmentRate)) / treatment.n;
  const standardError = Math.sqrt(controlVariance + treatmentVariance);
  const pooledRate = (control.conversions + treatment.conversions) / (control.n + treatment.n);
  const pooledStandardError = Math.sqrt(pooledRate * (1 - pooledRate) * (1 / control.n + 1 / treatment.n));
  const critical = -normalQuantile(alpha / 2);

  if (pooledStandardError === 0) {
    const reason = pooledRate === 0 ? 'no unit converted in either arm' : 'every unit converted in both arms';
    return { ...empty, difference, relativeLift: liftWithout(reason), reason };
  }
  const statistic = difference / pooledStandardError;
  const pValue = Math.min(1, 2 * normalCdf(-Math.abs(statistic)));
  const relativeLift =
    controlRate === 0
      ? liftWithout('the control rate is 0, so a relative lift is undefined')
      : deltaMethodRelativeLift(
          { estimate: controlRate, variance: controlVariance },
          { estimate: treatmentRate, variance: treatmentVariance },
          critical,
        );
  if (standardError === 0) {
    return {
      ...empty,
      difference,
      pooledStandardError,
      statistic,
      pValue,
      relativeLift,
      reason: 'each arm has a rate of 0 or 1, so the unpooled standard error (and the interval) is undefined',
    };
  }
  return {
    ...empty,
    difference,
    standardError,
    pooledStandardError,
    statistic,
    pValue,
    interval: { lower: difference - critical * standardError, upper: difference + critical * standardError },
    relativeLift,
    reason: null,
  };
}

function checkSummary(name: string, summary: ProportionSummary): void {
  assertCount(`${name}.n`, summary.n);
  assertCount(`${name}.conversions`, summary.conversions);
  if (summary.conversions > summary.n) {
    throw new StatsError(
      'invalid_argument',
      `${name}.conversions (${summary.conversions}) cannot exceed ${name}.n (${summary.n}); count each unit once.`,
      { conversions: summary.conversions, n: summary.n },
    );
  }
}
