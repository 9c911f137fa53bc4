import { describe, expect, it } from 'vitest';
import { expectClose } from '../test-helpers/close-to.js';
import { readFixture } from '../test-helpers/fixtures.js';
import { expectLift, type LiftFixture } from '../test-helpers/lift.js';
import { type CupedSummary, cupedWelchTTest } from './cuped.js';

interface CupedFixture {
  name: string;
  alpha: number;
  control: CupedSummary;
  treatment: CupedSummary;
  theta: number;
  thetaFromCovariance: number;
  adjustedMeans: { control: number; treatment: number };
  adjustedVariances: { control: number; treatment: number };
  adjusted: {
    difference: number;
    standardError: number;
    degreesOfFreedom: number;
    statistic: number;
    pValue: number;
    lower: number;
    upper: number;
    relativeLift: LiftFixture;
  };
  unadjusted: {
    difference: number;
    standardError: number;
    degreesOfFreedom: number;
    pValue: number;
    lower: number;
    upper: number;
  };
  varianceReduction: number;
}

describe('cupedWelchTTest', () => {
  it.each(readFixture<CupedFixture[]>('cuped'))(
    '$name: matches R (θ from lm(y ~ x) pooled, t.test on the adjusted vectors) to 1e-9',
    (row) => {
      const result = cupedWelchTTest(row.control, row.treatment, { alpha: row.alpha });
      expect(result.reason).toBeNull();
      expectClose(result.theta, row.theta, 1e-9, 'θ');
      expectClose(row.thetaFromCovariance, row.theta, 1e-12, 'lm slope = cov/var in R');
      expectClose(result.control.adjustedMean, row.adjustedMeans.control, 1e-9, 'adjusted control mean');
      expectClose(
        result.treatment.adjustedMean,
        row.adjustedMeans.treatment,
        1e-9,
        'adjusted treatment mean',
      );
      expectClose(
        result.control.adjustedVariance,
        row.adjustedVariances.control,
        1e-9,
        'adjusted control variance',
      );
      expectClose(
        result.treatment.adjustedVariance,
        row.adjustedVariances.treatment,
        1e-9,
        'adjusted treatment variance',
      );
      const { adjusted, unadjusted } = result;
      expectClose(adjusted.difference, row.adjusted.difference, 1e-9, 'adjusted difference');
      expectClose(adjusted.standardError, row.adjusted.standardError, 1e-9, 'adjusted SE');
      expectClose(adjusted.degreesOfFreedom, row.adjusted.degreesOfFreedom, 1e-9, 'adjusted df');
      expectClose(adjusted.statistic, row.adjusted.statistic, 1e-9, 'adjusted t');
      expectClose(adjusted.pValue, row.adjusted.pValue, 1e-9, 'adjusted p');
      expectClose(adjusted.interval?.lower, row.adjusted.lower, 1e-9, 'adjusted lower');
      expectClose(adjusted.interval?.upper, row.adjusted.upper, 1e-9, 'adjusted upper');
      expectLift(adjusted.relativeLift, row.adjusted.relativeLift);
      expectClose(unadjusted.difference, row.unadjusted.difference, 1e-9, 'difference');
      expectClose(unadjusted.standardError, row.unadjusted.standardError, 1e-9, 'SE');
      expectClose(unadjusted.degreesOfFreedom, row.unadjusted.degreesOfFreedom, 1e-9, 'df');
      expectClose(unadjusted.pValue, row.unadjusted.pValue, 1e-9, 'p');
      expectClose(unadjusted.interval?.lower, row.unadjusted.lower, 1e-9, 'lower');
      expectClose(unadjusted.interval?.upper, row.unadjusted.upper, 1e-9, 'upper');
      expectClose(result.varianceReduction, row.varianceReduction, 1e-9, 'variance reduction');
    },
  );

  const arm = (units: readonly (readonly [number, number])[]): CupedSummary => ({
    n: units.length,
    metricSum: units.reduce((s, [y]) => s + y, 0),
    metricSquaresSum: units.reduce((s, [y]) => s + y * y, 0),
    covariateSum: units.reduce((s, [, x]) => s + x, 0),
    covariateSquaresSum: units.reduce((s, [, x]) => s + x * x, 0),
    productSum: units.reduce((s, [y, x]) => s + x * y, 0),
  });

  it('a covariate without variance (no pre-period data): θ = 0 and the plain Welch test', () => {
    const result = cupedWelchTTest(
      arm([
        [1, 0],
        [3, 0],
        [2, 0],
      ]),
      arm([
        [4, 0],
        [6, 0],
        [5, 0],
      ]),
    );
    expect(result.theta).toBe(0);
    expect(result.varianceReduction).toBe(0);
    expect(result.adjusted).toEqual(result.unadjusted);
  });

  it('an empty arm, or one unit: null fields with reasons, never NaN', () => {
    const empty = cupedWelchTTest(
      arm([]),
      arm([
        [1, 2],
        [3, 1],
      ]),
    );
    expect(empty).toMatchObject({ varianceReduction: null, reason: 'the control arm has no units' });
    expect(empty.control).toEqual({
      n: 0,
      mean: null,
      variance: null,
      adjustedMean: null,
      adjustedVariance: null,
    });
    const nothing = cupedWelchTTest(arm([]), arm([]));
    expect(nothing).toMatchObject({ theta: null, reason: 'the control arm has no units' });
    const single = cupedWelchTTest(
      arm([[2, 1]]),
      arm([
        [1, 2],
        [3, 1],
        [5, 5],
      ]),
    );
    expect(single.control).toMatchObject({ n: 1, mean: 2, variance: null, adjustedVariance: null });
    expect(single.adjusted.difference).toBeTypeOf('number');
    expect(single.reason).toMatch(/at least 2 units/);
  });

  it('a metric fully explained by the covariate: zero adjusted variance is reported, not divided by', () => {
    const result = cupedWelchTTest(
      arm([
        [2, 1],
        [4, 2],
        [6, 3],
      ]),
      arm([
        [3, 1],
        [5, 2],
        [7, 3],
      ]),
    );
    expectClose(result.theta, 2, 1e-12);
    expect(result.adjusted.reason).toMatch(/zero variance/);
    expect(result.varianceReduction).toBeNull();
  });
});
