import { describe, expect, it } from 'vitest';
import { expectClose } from '../test-helpers/close-to.js';
import { readFixture } from '../test-helpers/fixtures.js';
import { expectLift, type LiftFixture } from '../test-helpers/lift.js';
import { compareRatioMetrics, type RatioSummary, ratioMetric } from './ratio-metric.js';

interface RatioArmFixture {
  summary: RatioSummary;
  ratio: number;
  standardError: number;
}

interface RatioFixture {
  name: string;
  alpha: number;
  control: RatioArmFixture;
  treatment: RatioArmFixture;
  difference: number;
  standardError: number;
  statistic: number;
  pValue: number;
  lower: number;
  upper: number;
  relativeLift: LiftFixture;
}

const sums = (units: readonly (readonly [number, number])[]): RatioSummary => ({
  n: units.length,
  numeratorSum: units.reduce((s, [x]) => s + x, 0),
  denominatorSum: units.reduce((s, [, y]) => s + y, 0),
  numeratorSquaresSum: units.reduce((s, [x]) => s + x * x, 0),
  denominatorSquaresSum: units.reduce((s, [, y]) => s + y * y, 0),
  productSum: units.reduce((s, [x, y]) => s + x * y, 0),
});

describe('ratio metrics by the delta method', () => {
  it.each(readFixture<RatioFixture[]>('ratio'))(
    '$name: matches R (linearised variance var(x − R·y)/(n·ȳ²) from the raw units) to 1e-9',
    (row) => {
      for (const arm of [row.control, row.treatment]) {
        const estimate = ratioMetric(arm.summary);
        expectClose(estimate.ratio, arm.ratio, 1e-9, 'ratio');
        expectClose(estimate.standardError, arm.standardError, 1e-9, 'ratio SE');
      }
      const result = compareRatioMetrics(row.control.summary, row.treatment.summary, { alpha: row.alpha });
      expect(result.reason).toBeNull();
      expectClose(result.difference, row.difference, 1e-9, 'difference');
      expectClose(result.standardError, row.standardError, 1e-9, 'SE');
      expectClose(result.statistic, row.statistic, 1e-9, 'z');
      expectClose(result.pValue, row.pValue, 1e-9, 'p');
      expectClose(result.interval?.lower, row.lower, 1e-9, 'lower');
      expectClose(result.interval?.upper, row.upper, 1e-9, 'upper');
      expectLift(result.relativeLift, row.relativeLift);
    },
  );

  it('a constant denominator reduces to the standard error of a mean', () => {
    const units = [1, 4, 2, 8, 5, 7].map((x) => [x, 1] as const);
    const mean = 27 / 6;
    const variance = units.reduce((s, [x]) => s + (x - mean) ** 2, 0) / 5;
    const estimate = ratioMetric(sums(units));
    expectClose(estimate.ratio, mean, 1e-15);
    expectClose(estimate.standardError, Math.sqrt(variance / 6), 1e-15);
  });

  it('no units, a zero denominator, one unit: null fields and reasons', () => {
    expect(ratioMetric(sums([]))).toEqual({ ratio: null, standardError: null, reason: 'no units' });
    expect(
      ratioMetric(
        sums([
          [3, 0],
          [1, 0],
        ]),
      ).reason,
    ).toMatch(/denominator sums to 0/);
    expect(ratioMetric(sums([[3, 2]]))).toMatchObject({ ratio: 1.5, standardError: null });
    const result = compareRatioMetrics(
      sums([]),
      sums([
        [1, 2],
        [3, 4],
      ]),
    );
    expect(result).toMatchObject({ difference: null, pValue: null, reason: 'control: no units' });
    const single = compareRatioMetrics(
      sums([
        [1, 2],
        [3, 4],
      ]),
      sums([[5, 5]]),
    );
    expect(single).toMatchObject({
      difference: expect.closeTo(1 / 3, 12),
      pValue: null,
      reason: 'treatment: at least 2 units are needed for a variance',
    });
  });

  it('every unit with the same ratio in both arms: no standard error', () => {
    const result = compareRatioMetrics(
      sums([
        [2, 1],
        [4, 2],
      ]),
      sums([
        [3, 1],
        [6, 2],
      ]),
    );
    expect(result).toMatchObject({
      difference: 1,
      standardError: null,
      reason: expect.stringMatching(/zero variance/),
    });
  });

  it('throws invalid_argument for negative sums of squares or non-finite sums', () => {
    const good = sums([
      [1, 2],
      [3, 4],
    ]);
    expect(() => ratioMetric({ ...good, numeratorSquaresSum: -1 })).toThrow(
      expect.objectContaining({ code: 'invalid_argument' }),
    );
    expect(() => compareRatioMetrics(good, { ...good, productSum: Number.NaN })).toThrow(
      expect.objectContaining({ code: 'invalid_argument' }),
    );
  });
});
