import { describe, expect, it } from 'vitest';
import { expectClose, expectRelativelyClose } from '../test-helpers/close-to.js';
import { readFixture } from '../test-helpers/fixtures.js';
import { sampleRatioMismatch } from './sample-ratio-mismatch.js';

interface SrmFixture {
  name: string;
  observed: number[];
  weights: number[];
  statistic: number;
  degreesOfFreedom: number;
  pValue: number;
  expected: number[];
}

describe('sampleRatioMismatch', () => {
  it.each(readFixture<SrmFixture[]>('srm'))('$name: matches R chisq.test(x, p = w/Σw) to 1e-9', (row) => {
    const result = sampleRatioMismatch(row.observed, row.weights);
    expectClose(result.statistic, row.statistic, 1e-9, 'χ²');
    expect(result.degreesOfFreedom).toBe(row.degreesOfFreedom);
    expectClose(result.pValue, row.pValue, 1e-9, 'p');
    expectRelativelyClose(result.pValue, row.pValue, 1e-9, 'p');
    for (const [i, e] of row.expected.entries()) expectClose(result.expected?.[i], e, 1e-9, `expected[${i}]`);
    expect(result.mismatch).toBe(row.pValue < 0.001);
    expect(result.reason).toBeNull();
  });

  it('flags all units in one arm as a mismatch', () => {
    expect(sampleRatioMismatch([1000, 0], [1, 1])).toMatchObject({ mismatch: true, reason: null });
  });

  it('uses the threshold option', () => {
    const result = sampleRatioMismatch([50412, 49588], [1, 1], { threshold: 0.01 });
    expect(result.pValue).toBeLessThan(0.01);
    expect(result.mismatch).toBe(true);
    expect(sampleRatioMismatch([50412, 49588], [1, 1]).mismatch).toBe(false);
  });

  it('no exposures: null fields and a reason', () => {
    expect(sampleRatioMismatch([0, 0, 0], [1, 1, 2])).toMatchObject({
      total: 0,
      statistic: null,
      pValue: null,
      mismatch: null,
      degreesOfFreedom: 2,
      reason: 'no exposures yet',
    });
  });

  it('throws for programmer errors', () => {
    expect(() => sampleRatioMismatch([10], [1])).toThrow(
      expect.objectContaining({ code: 'invalid_argument' }),
    );
    expect(() => sampleRatioMismatch([10, 5], [1])).toThrow(
      expect.objectContaining({ code: 'invalid_argument' }),
    );
    expect(() => sampleRatioMismatch([10, 5], [1, 0])).toThrow(
      expect.objectContaining({ code: 'invalid_argument' }),
    );
    expect(() => sampleRatioMismatch([10, -5], [1, 1])).toThrow(
      expect.objectContaining({ code: 'invalid_argument' }),
    );
    expect(() => sampleRatioMismatch([10, 5], [1, 1], { threshold: 0 })).toThrow(
      expect.objectContaining({ code: 'invalid_alpha' }),
    );
  });
});
