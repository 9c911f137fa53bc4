import { describe, expect, it } from 'vitest';
import { createRandom } from '../test-helpers/random.js';
import { simulationCount, twoSidedPower } from '../test-helpers/simulation.js';
import { twoProportionZTest } from '../inference/two-proportion-z-test.js';
import { welchTTest } from '../inference/welch-t-test.js';
import { meanSummary } from '../test-helpers/simulated-summaries.js';

const RUNS = simulationCount();
const Z_975 = 1.959963984540054;

/**
 * The observed detection rate may differ from the analytic power by sampling noise (3.29 binomial
 * standard deviations, a 99.9% bound) plus 0.02 for the normal approximation behind the formula.
 */
function allowedGap(power: number): number {
  return 3.29 * Math.sqrt((power * (1 - power)) / RUNS) + 0.02;
}

describe(`power: ${RUNS} experiments with an injected lift detect it as often as the analytic power says`, () => {
  it('two-proportion z-test: 10% → 11% (+10% relative) at 15,000 units per arm', async ({ annotate }) => {
    const n = 15_000;
    const [control, treatment] = [0.1, 0.11];
    const pooled = (control + treatment) / 2;
    const power = twoSidedPower(
      treatment - control,
      Math.sqrt((2 * pooled * (1 - pooled)) / n),
      Math.sqrt((control * (1 - control) + treatment * (1 - treatment)) / n),
      Z_975,
    );
    const random = createRandom(7);
    let detected = 0;
    for (let run = 0; run < RUNS; run++) {
      const result = twoProportionZTest(
        { n, conversions: random.binomial(n, control) },
        { n, conversions: random.binomial(n, treatment) },
      );
      if ((result.pValue as number) < 0.05) detected++;
    }
    await annotate(
      `detected ${detected}/${RUNS} = ${(detected / RUNS).toFixed(3)}, analytic power ${power.toFixed(3)}`,
    );
    expect(power).toBeGreaterThan(0.7);
    expect(Math.abs(detected / RUNS - power)).toBeLessThanOrEqual(allowedGap(power));
  });

  it("Welch's t-test: a 0.25 standard deviation shift at 200 units per arm", async ({ annotate }) => {
    const n = 200;
    const standardError = Math.sqrt(2 / n);
    const power = twoSidedPower(0.25, standardError, standardError, Z_975);
    const random = createRandom(8);
    let detected = 0;
    for (let run = 0; run < RUNS; run++) {
      const control = meanSummary(Array.from({ length: n }, () => random.normal()));
      const treatment = meanSummary(Array.from({ length: n }, () => 0.25 + random.normal()));
      if ((welchTTest(control, treatment).pValue as number) < 0.05) detected++;
    }
    await annotate(
      `detected ${detected}/${RUNS} = ${(detected / RUNS).toFixed(3)}, analytic power ${power.toFixed(3)}`,
    );
    expect(Math.abs(detected / RUNS - power)).toBeLessThanOrEqual(allowedGap(power));
  });
});
