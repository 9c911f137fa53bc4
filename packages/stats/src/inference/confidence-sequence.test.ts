import { describe, expect, it } from 'vitest';
import { normalQuantile } from '../distributions/normal.js';
import { expectClose } from '../test-helpers/close-to.js';
import { readFixture } from '../test-helpers/fixtures.js';
import { confidenceSequence } from './confidence-sequence.js';

interface SequenceFixture {
  estimate: number;
  standardError: number;
  sampleSize: number;
  alpha: number;
  tuningSampleSize: number;
  rho: number;
  halfWidth: number;
  lower: number;
  upper: number;
}

describe('confidenceSequence', () => {
  it.each(readFixture<SequenceFixture[]>('sequential'))(
    'N = $sampleSize, α = $alpha, N* = $tuningSampleSize: matches the Howard et al. boundary computed in R',
    (row) => {
      const result = confidenceSequence(row, { alpha: row.alpha, tuningSampleSize: row.tuningSampleSize });
      expectClose(result.rho, row.rho, 1e-9, 'ρ');
      expectClose(result.halfWidth, row.halfWidth, 1e-9, 'half-width');
      expectClose(result.interval?.lower, row.lower, 1e-9, 'lower');
      expectClose(result.interval?.upper, row.upper, 1e-9, 'upper');
    },
  );

  it('is wider than the fixed-horizon interval, and tightest relative to it near N*', () => {
    const ratioAt = (n: number) => {
      const standardError = 1 / Math.sqrt(n);
      const { halfWidth } = confidenceSequence(
        { estimate: 0, standardError, sampleSize: n },
        { tuningSampleSize: 5000 },
      );
      return halfWidth! / (-normalQuantile(0.025) * standardError);
    };
    const ratios = [500, 2000, 5000, 12_000, 50_000].map(ratioAt);
    for (const ratio of ratios) expect(ratio).toBeGreaterThan(1);
    expect(Math.min(...ratios)).toBe(ratios[2]);
  });

  it('no estimate, no units or zero standard error: null fields and a reason', () => {
    expect(confidenceSequence({ estimate: null, standardError: null, sampleSize: 10 })).toMatchObject({
      interval: null,
      reason: 'no estimate with a standard error',
    });
    expect(confidenceSequence({ estimate: 1, standardError: 0.1, sampleSize: 0 }).reason).toBe('no units');
    expect(confidenceSequence({ estimate: 1, standardError: 0, sampleSize: 10 }).reason).toBe(
      'the standard error is 0',
    );
  });

  it('throws for alpha or tuning outside their range', () => {
    const input = { estimate: 1, standardError: 0.1, sampleSize: 10 };
    expect(() => confidenceSequence(input, { alpha: 2 })).toThrow(
      expect.objectContaining({ code: 'invalid_alpha' }),
    );
    expect(() => confidenceSequence(input, { tuningSampleSize: 0 })).toThrow(
      expect.objectContaining({ code: 'invalid_argument' }),
    );
  });
});
