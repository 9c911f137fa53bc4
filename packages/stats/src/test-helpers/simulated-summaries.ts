import type { Random } from './random.js';
import type { CupedSummary } from '../inference/cuped.js';
import type { RatioSummary } from '../inference/ratio-metric.js';
import type { MeanSummary } from '../inference/welch-t-test.js';

/** n, mean and sample variance of simulated values. */
export function meanSummary(values: readonly number[]): MeanSummary {
  const n = values.length;
  const mean = values.reduce((sum, value) => sum + value, 0) / n;
  const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (n - 1);
  return { n, mean, variance };
}

/**
 * CUPED sums for n units whose metric Y = 10 + effect + ρX + √(1 − ρ²)ε correlates ρ with the
 * standard normal pre-period covariate X.
 */
export function cupedArm(random: Random, n: number, correlation: number, effect: number): CupedSummary {
  const noise = Math.sqrt(1 - correlation * correlation);
  let metricSum = 0;
  let metricSquaresSum = 0;
  let covariateSum = 0;
  let covariateSquaresSum = 0;
  let productSum = 0;
  for (let unit = 0; unit < n; unit++) {
    const x = random.normal();
    const y = 10 + effect + correlation * x + noise * random.normal();
    metricSum += y;
    metricSquaresSum += y * y;
    covariateSum += x;
    covariateSquaresSum += x * x;
    productSum += x * y;
  }
  return { n, metricSum, metricSquaresSum, covariateSum, covariateSquaresSum, productSum };
}

/** Ratio sums for n users with 1 + Binomial(8, 0.25) sessions, each converting with `rate`. */
export function ratioArm(random: Random, n: number, rate: number): RatioSummary {
  let numeratorSum = 0;
  let denominatorSum = 0;
  let numeratorSquaresSum = 0;
  let denominatorSquaresSum = 0;
  let productSum = 0;
  for (let unit = 0; unit < n; unit++) {
    const sessions = 1 + random.binomial(8, 0.25);
    const conversions = random.binomial(sessions, rate);
    numeratorSum += conversions;
    denominatorSum += sessions;
    numeratorSquaresSum += conversions * conversions;
    denominatorSquaresSum += sessions * sessions;
    productSum += conversions * sessions;
  }
  return { n, numeratorSum, denominatorSum, numeratorSquaresSum, denominatorSquaresSum, productSum };
}
