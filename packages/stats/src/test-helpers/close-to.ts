import { expect } from 'vitest';

/**
 * Asserts |actual − expected| ≤ tolerance · max(1, |expected|): absolute for probabilities and other
 * values below 1, relative above.
 */
export function expectClose(
  actual: number | null | undefined,
  expected: number,
  tolerance = 1e-9,
  label = '',
): void {
  expect(actual, label).toBeTypeOf('number');
  const error = Math.abs((actual as number) - expected);
  const allowed = tolerance * Math.max(1, Math.abs(expected));
  if (!(error <= allowed)) {
    expect.fail(`${label}: ${actual} is not within ${allowed} of ${expected} (off by ${error})`);
  }
}

/**
 * Asserts a relative error ≤ tolerance (values below `floor` compared absolutely): for tail
 * probabilities, where an absolute 1e-9 would accept any value for a p-value of 1e-20.
 */
export function expectRelativelyClose(
  actual: number | null | undefined,
  expected: number,
  tolerance = 1e-9,
  label = '',
  floor = 1e-300,
): void {
  expect(actual, label).toBeTypeOf('number');
  const error = Math.abs((actual as number) - expected);
  const allowed = tolerance * Math.max(floor, Math.abs(expected));
  if (!(error <= allowed)) {
    expect.fail(`${label}: ${actual} is not within relative ${tolerance} of ${expected} (off by ${error})`);
  }
}
