import { describe, expect, it } from 'vitest';
import { expectClose } from '../test-helpers/close-to.js';
import { readFixture } from '../test-helpers/fixtures.js';
import { expectLift, type LiftFixture } from '../test-helpers/lift.js';
import { type MeanSummary, welchTTest } from './welch-t-test.js';

interface WelchFixture {
  name: string;
  alpha: number;
  control: MeanSummary;
  treatment: MeanSummary;
  difference: number;
  standardError: number;
  degreesOfFreedom: number;
  statistic: number;
  pValue: number;
  lower: number;
  upper: number;
  relativeLift: LiftFixture;
}

describe('welchTTest', () => {
  it.each(readFixture<WelchFixture[]>('welch'))(
    '$name: matches R t.test(var.equal = FALSE) to 1e-9',
    (row) => {
      const result = welchTTest(row.control, row.treatment, { alpha: row.alpha });
      expect(result.reason).toBeNull();
      expectClose(result.difference, row.difference, 1e-9, 'difference');
      expectClose(result.standardError, row.standardError, 1e-9, 'SE');
      expectClose(result.degreesOfFreedom, row.degreesOfFreedom, 1e-9, 'df');
      expectClose(result.statistic, row.statistic, 1e-9, 't');
      expectClose(result.pValue, row.pValue, 1e-9, 'p');
      expectClose(result.interval?.lower, row.lower, 1e-9, 'lower');
      expectClose(result.interval?.upper, row.upper, 1e-9, 'upper');
      expectLift(result.relativeLift, row.relativeLift);
    },
  );

  const arm = (n: number, mean: number, variance: number): MeanSummary => ({ n, mean, variance });

  it('an arm without units: everything null, with a reason, never NaN', () => {
    const result = welchTTest(arm(0, Number.NaN, Number.NaN), arm(40, 3, 1));
    expect(result).toMatchObject({
      difference: null,
      standardError: null,
      pValue: null,
      interval: null,
      reason: 'the control arm has no units',
    });
    expect(result.relativeLift).toMatchObject({ estimate: null, reason: 'the control arm has no units' });
    expect(welchTTest(arm(10, 1, 1), arm(0, 0, 0)).reason).toBe('the treatment arm has no units');
  });

  it('one unit in an arm: the difference and point lift, no inference', () => {
    const result = welchTTest(arm(1, 2, Number.NaN), arm(30, 3, 1));
    expect(result).toMatchObject({
      difference: 1,
      standardError: null,
      degreesOfFreedom: null,
      pValue: null,
    });
    expect(result.reason).toMatch(/at least 2 units/);
    expect(result.relativeLift).toMatchObject({ estimate: 0.5, standardError: null, interval: null });
  });

  it('zero variance in both arms: the difference, no standard error', () => {
    const result = welchTTest(arm(5, 2, 0), arm(5, 3, 0));
    expect(result).toMatchObject({ difference: 1, standardError: null, pValue: null, interval: null });
    expect(result.reason).toMatch(/zero variance/);
  });

  it('a control mean of 0: the test, but no relative lift', () => {
    const result = welchTTest(arm(20, 0, 1), arm(20, 0.5, 1));
    expect(result.pValue).toBeTypeOf('number');
    expect(result.relativeLift).toMatchObject({
      estimate: null,
      reason: expect.stringMatching(/control mean is 0/),
    });
  });

  it('huge variances do not overflow the degrees of freedom', () => {
    const result = welchTTest(arm(10, 0, 1e300), arm(12, 1e140, 3e300));
    expect(result.degreesOfFreedom).toBeGreaterThan(9);
    expect(Number.isFinite(result.pValue)).toBe(true);
  });

  it('throws typed errors for programmer errors', () => {
    for (const alpha of [0, 1, -0.1, 1.5, Number.NaN]) {
      expect(() => welchTTest(arm(5, 1, 1), arm(5, 1, 1), { alpha })).toThrow(
        expect.objectContaining({ name: 'StatsError', code: 'invalid_alpha' }),
      );
    }
    for (const bad of [arm(-1, 1, 1), arm(2.5, 1, 1), arm(5, Number.NaN, 1), arm(5, 1, -1)]) {
      expect(() => welchTTest(bad, arm(5, 1, 1))).toThrow(
        expect.objectContaining({ code: 'invalid_argument' }),
      );
    }
  });
});
