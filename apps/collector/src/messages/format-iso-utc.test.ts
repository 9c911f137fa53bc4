import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatIsoUtc } from './format-iso-utc.js';

describe('formatIsoUtc', () => {
  it('agrees with Date#toISOString on every valid time, and is undefined for Invalid Date', () => {
    fc.assert(
      fc.property(fc.integer({ min: -8.64e15, max: 8.64e15 }), (ms) => {
        expect(formatIsoUtc(ms)).toBe(new Date(ms).toISOString());
      }),
      { numRuns: 5000 },
    );
    for (const ms of [
      0,
      -1,
      86_399_999,
      86_400_000,
      Date.UTC(2026, 1, 28, 23, 59, 59, 999),
      253_402_300_799_999,
    ])
      expect(formatIsoUtc(ms)).toBe(new Date(ms).toISOString());
    for (const ms of [8.64e15 + 1, -8.64e15 - 1, Number.NaN, Number.POSITIVE_INFINITY])
      expect(formatIsoUtc(ms)).toBeUndefined();
  });

  it('stays right when consecutive calls change day', () => {
    const times = [Date.UTC(2026, 0, 1, 23, 59, 59, 999), Date.UTC(2026, 0, 2), Date.UTC(2025, 11, 31, 12)];
    expect(times.map(formatIsoUtc)).toEqual(times.map((ms) => new Date(ms).toISOString()));
  });
});
