import { describe, expect, it } from 'vitest';
import { normalQuantile } from './distributions/normal.js';
import { StatsError } from './errors.js';

describe('StatsError', () => {
  it('carries a code, details and the marker TributaryError.isInstance looks for', () => {
    let caught: unknown;
    try {
      normalQuantile(2);
    } catch (error) {
      caught = error;
    }
    expect(StatsError.isInstance(caught)).toBe(true);
    expect(caught).toBeInstanceOf(StatsError);
    expect(caught).toMatchObject({ name: 'StatsError', code: 'invalid_probability', details: { p: 2 } });
    expect((caught as Record<symbol, unknown>)[Symbol.for('tributary.error')]).toBe(true);
    expect(StatsError.isInstance(new Error('plain'))).toBe(false);
  });
});
