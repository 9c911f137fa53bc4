import { expect } from 'vitest';
import type { RelativeLift } from '../comparison.js';
import { expectClose } from './close-to.js';

/** The relative lift as generate.R writes it. */
export interface LiftFixture {
  readonly estimate: number;
  readonly standardError: number;
  readonly lower: number;
  readonly upper: number;
}

/** Compares a relative lift with its R reference (or checks it is absent when R wrote null). */
export function expectLift(actual: RelativeLift, expected: LiftFixture | null, tolerance = 1e-9): void {
  if (expected === null) {
    expect(actual.estimate).toBeNull();
    expect(actual.reason).toEqual(expect.any(String));
    return;
  }
  expectClose(actual.estimate, expected.estimate, tolerance, 'lift');
  expectClose(actual.standardError, expected.standardError, tolerance, 'lift SE');
  expectClose(actual.interval?.lower, expected.lower, tolerance, 'lift lower');
  expectClose(actual.interval?.upper, expected.upper, tolerance, 'lift upper');
  expect(actual.reason).toBeNull();
}
