import { describe, expect, it } from 'vitest';
import { binomialInterval, simulationCount } from '../test-helpers/simulation.js';
import { createRandom, type Random } from '../test-helpers/random.js';
import { cupedWelchTTest } from '../inference/cuped.js';
import { compareRatioMetrics } from '../inference/ratio-metric.js';
import { twoProportionZTest } from '../inference/two-proportion-z-test.js';
import { welchTTest } from '../inference/welch-t-test.js';
import { cupedArm, meanSummary, ratioArm } from '../test-helpers/simulated-summaries.js';

const RUNS = simulationCount();
const ALPHA = 0.05;
// A correct test at α = 0.05 rejects Binomial(RUNS, 0.05) times; this interval holds that count with
// probability 99.9%, so a correct implementation fails this test once in a thousand seeds.
const ACCEPTABLE = binomialInterval(RUNS, ALPHA, 0.999);

/** Runs RUNS A/A experiments and asserts the number of rejections at α is within ACCEPTABLE. */
async function expectNominalFalsePositives(
  seed: number,
  pValueOfOneExperiment: (random: Random) => number | null,
  annotate: (message: string) => Promise<unknown>,
): Promise<void> {
  const random = createRandom(seed);
  let rejections = 0;
  for (let run = 0; run < RUNS; run++) {
    const pValue = pValueOfOneExperiment(random);
    expect(pValue).toBeTypeOf('number');
    if ((pValue as number) < ALPHA) rejections++;
  }
  await annotate(
    `${rejections}/${RUNS} false positives = ${(rejections / RUNS).toFixed(3)} (accepted ${ACCEPTABLE.lower}–${ACCEPTABLE.upper})`,
  );
  expect(rejections).toBeGreaterThanOrEqual(ACCEPTABLE.lower);
  expect(rejections).toBeLessThanOrEqual(ACCEPTABLE.upper);
}

describe(`A/A simulations: ${RUNS} experiments each, false positives within the 99.9% binomial interval of 5%`, () => {
  it('two-proportion z-test, 2,000 units per arm at a 10% rate', async ({ annotate }) => {
    await expectNominalFalsePositives(
      19,
      (random) => {
        const control = { n: 2000, conversions: random.binomial(2000, 0.1) };
        const treatment = { n: 2000, conversions: random.binomial(2000, 0.1) };
        return twoProportionZTest(control, treatment).pValue;
      },
      annotate,
    );
  });

  it("Welch's t-test, 40 vs 120 units with standard deviations 3 and 1", async ({ annotate }) => {
    await expectNominalFalsePositives(
      20,
      (random) => {
        const control = meanSummary(Array.from({ length: 40 }, () => 5 + 3 * random.normal()));
        const treatment = meanSummary(Array.from({ length: 120 }, () => 5 + random.normal()));
        return welchTTest(control, treatment).pValue;
      },
      annotate,
    );
  });

  it('CUPED-adjusted Welch test, 200 units per arm, pre-period correlation 0.7', async ({ annotate }) => {
    await expectNominalFalsePositives(
      21,
      (random) => {
        const control = cupedArm(random, 200, 0.7, 0);
        const treatment = cupedArm(random, 200, 0.7, 0);
        return cupedWelchTTest(control, treatment).adjusted.pValue;
      },
      annotate,
    );
  });

  it('ratio metric by the delta method, 500 users per arm with a random number of sessions', async ({
    annotate,
  }) => {
    await expectNominalFalsePositives(
      22,
      (random) => compareRatioMetrics(ratioArm(random, 500, 0.3), ratioArm(random, 500, 0.3)).pValue,
      annotate,
    );
  });
});
