import { describe, expect, it } from 'vitest';
import { createRandom, type Random } from '../test-helpers/random.js';
import { confidenceSequence } from './confidence-sequence.js';
import { cupedWelchTTest } from './cuped.js';
import { compareRatioMetrics } from './ratio-metric.js';
import { sampleRatioMismatch } from './sample-ratio-mismatch.js';
import { twoProportionZTest } from './two-proportion-z-test.js';
import { welchTTest } from './welch-t-test.js';

/** Every number in `value` (deeply) is finite; `null` is allowed, NaN and ±Infinity are not. */
function expectNoNonFiniteNumbers(value: unknown, path = 'result'): void {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) expect.fail(`${path} is ${value}`);
  } else if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) expectNoNonFiniteNumbers(item, `${path}[${index}]`);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) expectNoNonFiniteNumbers(item, `${path}.${key}`);
  }
}

/** Draws from values that break naive formulas: 0, 1, 2, equal values, huge and tiny magnitudes. */
function awkward(random: Random, choices: readonly number[]): number {
  return choices[Math.floor(random.uniform() * choices.length)]!;
}

const COUNTS = [0, 0, 1, 1, 2, 3, 10, 1000, 1e9];
const VALUES = [0, 0, 1, -1, 0.5, 1e-300, 1e-12, 3, 1e12, 1e150, -1e150];
const VARIANCES = [0, 0, 1e-300, 1, 4, 1e12, 1e300];

describe('every test is total: awkward but valid data gives numbers or null with a reason, never NaN or a throw', () => {
  const random = createRandom(42);
  const CASES = 3000;

  it("Welch's t-test", () => {
    for (let i = 0; i < CASES; i++) {
      const arm = () => ({
        n: awkward(random, COUNTS),
        mean: awkward(random, VALUES),
        variance: awkward(random, VARIANCES),
      });
      const result = welchTTest(arm(), arm());
      expectNoNonFiniteNumbers(result);
      if (result.pValue === null) expect(result.reason).toEqual(expect.any(String));
    }
  });

  it('two-proportion z-test', () => {
    for (let i = 0; i < CASES; i++) {
      const arm = () => {
        const n = awkward(random, COUNTS);
        return {
          n,
          conversions: Math.min(
            n,
            awkward(
              random,
              [0, 0, 1, n, n - 1, Math.floor(n / 2)].filter((c) => c >= 0),
            ),
          ),
        };
      };
      const result = twoProportionZTest(arm(), arm());
      expectNoNonFiniteNumbers(result);
      if (result.pValue === null) expect(result.reason).toEqual(expect.any(String));
    }
  });

  it('ratio metrics and CUPED from sums', () => {
    for (let i = 0; i < CASES; i++) {
      const n = () => awkward(random, COUNTS);
      const sum = () => awkward(random, VALUES);
      const squares = () => awkward(random, VARIANCES);
      const ratio = compareRatioMetrics(
        {
          n: n(),
          numeratorSum: sum(),
          denominatorSum: sum(),
          numeratorSquaresSum: squares(),
          denominatorSquaresSum: squares(),
          productSum: sum(),
        },
        {
          n: n(),
          numeratorSum: sum(),
          denominatorSum: sum(),
          numeratorSquaresSum: squares(),
          denominatorSquaresSum: squares(),
          productSum: sum(),
        },
      );
      expectNoNonFiniteNumbers(ratio);
      if (ratio.pValue === null) expect(ratio.reason).toEqual(expect.any(String));
      const cuped = cupedWelchTTest(
        {
          n: n(),
          metricSum: sum(),
          metricSquaresSum: squares(),
          covariateSum: sum(),
          covariateSquaresSum: squares(),
          productSum: sum(),
        },
        {
          n: n(),
          metricSum: sum(),
          metricSquaresSum: squares(),
          covariateSum: sum(),
          covariateSquaresSum: squares(),
          productSum: sum(),
        },
      );
      expectNoNonFiniteNumbers(cuped);
      if (cuped.adjusted.pValue === null) expect(cuped.reason).toEqual(expect.any(String));
    }
  });

  it('sample-ratio mismatch and confidence sequences', () => {
    for (let i = 0; i < CASES; i++) {
      const arms = 2 + Math.floor(random.uniform() * 3);
      const observed = Array.from({ length: arms }, () => awkward(random, COUNTS));
      const weights = Array.from({ length: arms }, () => awkward(random, [1, 1, 2, 0.001, 99.9, 1e6]));
      expectNoNonFiniteNumbers(sampleRatioMismatch(observed, weights));
      const sequence = confidenceSequence({
        estimate: awkward(random, VALUES),
        standardError: awkward(random, VARIANCES),
        sampleSize: awkward(random, COUNTS),
      });
      expectNoNonFiniteNumbers(sequence);
    }
  });
});
