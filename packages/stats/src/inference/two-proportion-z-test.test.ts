import { describe, expect, it } from 'vitest';
import { expectClose } from '../test-helpers/close-to.js';
import { readFixture } from '../test-helpers/fixtures.js';
import { expectLift, type LiftFixture } from '../test-helpers/lift.js';
import { type ProportionSummary, twoProportionZTest } from './two-proportion-z-test.js';

interface ProportionFixture {
  name: string;
  alpha: number;
  control: ProportionSummary;
  treatment: ProportionSummary;
  difference: number;
  standardError: number;
  pooledStandardError: number;
  statistic: number;
  chiSquare: number;
  pValue: number;
  manualPValue: number;
  lower: number;
  upper: number;
  relativeLift: LiftFixture | null;
}

describe('twoProportionZTest', () => {
  it.each(readFixture<ProportionFixture[]>('proportions'))(
    '$name: matches R prop.test(correct = FALSE) and the manual z to 1e-9',
    (row) => {
      const result = twoProportionZTest(row.control, row.treatment, { alpha: row.alpha });
      expect(result.reason).toBeNull();
      expectClose(result.difference, row.difference, 1e-9, 'difference');
      expectClose(result.standardError, row.standardError, 1e-9, 'unpooled SE');
      expectClose(result.pooledStandardError, row.pooledStandardError, 1e-9, 'pooled SE');
      expectClose(result.statistic, row.statistic, 1e-9, 'z');
      expectClose((result.statistic ?? 0) ** 2, row.chiSquare, 1e-9, 'z² = prop.test X-squared');
      expectClose(result.pValue, row.pValue, 1e-9, 'p (prop.test)');
      expectClose(result.pValue, row.manualPValue, 1e-9, 'p (2Φ(−|z|))');
      expectClose(result.interval?.lower, row.lower, 1e-9, 'lower (prop.test)');
      expectClose(result.interval?.upper, row.upper, 1e-9, 'upper (prop.test)');
      expectLift(result.relativeLift, row.relativeLift);
    },
  );

  it('an arm without exposures: rates, not NaN, and a reason', () => {
    const result = twoProportionZTest({ n: 0, conversions: 0 }, { n: 100, conversions: 10 });
    expect(result).toMatchObject({
      controlRate: null,
      treatmentRate: 0.1,
      difference: null,
      pValue: null,
      reason: 'the control arm has no units',
    });
  });

  it('no conversions anywhere, or all of them: no test', () => {
    const none = twoProportionZTest({ n: 50, conversions: 0 }, { n: 60, conversions: 0 });
    expect(none).toMatchObject({
      difference: 0,
      statistic: null,
      pValue: null,
      reason: 'no unit converted in either arm',
    });
    const all = twoProportionZTest({ n: 50, conversions: 50 }, { n: 60, conversions: 60 });
    expect(all.reason).toBe('every unit converted in both arms');
    expect(all.relativeLift.estimate).toBeNull();
  });

  it('rates of exactly 0 and 1: the pooled test, but no Wald interval', () => {
    const result = twoProportionZTest({ n: 40, conversions: 0 }, { n: 40, conversions: 40 });
    expect(result.pValue).toBeLessThan(1e-10);
    expect(result).toMatchObject({ standardError: null, interval: null });
    expect(result.reason).toMatch(/unpooled standard error/);
  });

  it('throws invalid_argument for impossible counts', () => {
    for (const bad of [
      { n: 10, conversions: 11 },
      { n: -1, conversions: 0 },
      { n: 10, conversions: 1.5 },
    ]) {
      expect(() => twoProportionZTest(bad, { n: 10, conversions: 1 })).toThrow(
        expect.objectContaining({ code: 'invalid_argument' }),
      );
    }
  });
});
