import { logGamma } from '../special/log-gamma.js';

/** Simulation runs per scenario: TRIBUTARY_STATS_SIMULATIONS, else 1,000. */
export function simulationCount(): number {
  const fromEnvironment = Number(process.env.TRIBUTARY_STATS_SIMULATIONS);
  return Number.isSafeInteger(fromEnvironment) && fromEnvironment > 0 ? fromEnvironment : 1000;
}

/**
 * The central interval holding a Binomial(n, p) count with probability ≥ `coverage`: the
 * (1 − coverage)/2 and (1 + coverage)/2 quantiles from the exact probability mass function.
 */
export function binomialInterval(n: number, p: number, coverage: number): { lower: number; upper: number } {
  const tail = (1 - coverage) / 2;
  const logP = Math.log(p);
  const logQ = Math.log1p(-p);
  const mass = (k: number) =>
    Math.exp(logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1) + k * logP + (n - k) * logQ);
  let cumulative = 0;
  let lower = 0;
  while (lower < n && cumulative + mass(lower) < tail) {
    cumulative += mass(lower);
    lower++;
  }
  let upper = lower;
  cumulative += mass(lower);
  while (upper < n && cumulative < 1 - tail) {
    upper++;
    cumulative += mass(upper);
  }
  return { lower, upper };
}

/** The probability a two-sided z-test at `alpha` rejects when the estimate is N(effect, se²); `critical` is z₁₋α/₂. */
export function twoSidedPower(
  effect: number,
  standardErrorUnderNull: number,
  standardError: number,
  critical: number,
) {
  const normal = (x: number) => 0.5 * erfc(-x / Math.SQRT2);
  return (
    normal((effect - critical * standardErrorUnderNull) / standardError) +
    normal((-effect - critical * standardErrorUnderNull) / standardError)
  );
}

function erfc(x: number): number {
  // Only used for power, which is checked to ±0.05: a simple, independent approximation is enough
  // (Numerical Recipes erfcc, fractional error below 1.2e-7).
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const value =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? value : 2 - value;
}
