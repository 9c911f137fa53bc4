import { describe, expect, it } from 'vitest';
import { createRandom } from '../test-helpers/random.js';
import { binomialInterval, simulationCount } from '../test-helpers/simulation.js';
import { confidenceSequence } from '../inference/confidence-sequence.js';
import { type MeanSummary, welchTTest } from '../inference/welch-t-test.js';

const RUNS = simulationCount();
const LOOKS = 20;
const BATCH = 50;

/** Running sums of one arm, so each look is a summary of all data so far. */
function createArm() {
  let n = 0;
  let sum = 0;
  let squares = 0;
  return {
    add(value: number) {
      n++;
      sum += value;
      squares += value * value;
    },
    summary(): MeanSummary {
      const mean = sum / n;
      return { n, mean, variance: (squares - n * mean * mean) / (n - 1) };
    },
  };
}

describe(`peeking: A/A experiments looked at ${LOOKS} times (every ${BATCH} units per arm), ${RUNS} runs`, () => {
  it('the confidence sequence keeps the chance of ever excluding 0 below α; the fixed interval does not', async ({
    annotate,
  }) => {
    const random = createRandom(2021);
    let sequenceErrors = 0;
    let fixedErrors = 0;
    for (let run = 0; run < RUNS; run++) {
      const control = createArm();
      const treatment = createArm();
      let sequenceRejected = false;
      let fixedRejected = false;
      for (let look = 0; look < LOOKS; look++) {
        for (let unit = 0; unit < BATCH; unit++) {
          control.add(random.normal());
          treatment.add(random.normal());
        }
        const result = welchTTest(control.summary(), treatment.summary());
        if ((result.pValue as number) < 0.05) fixedRejected = true;
        const sequence = confidenceSequence(
          {
            estimate: result.difference,
            standardError: result.standardError,
            sampleSize: 2 * BATCH * (look + 1),
          },
          { tuningSampleSize: 2 * BATCH * LOOKS },
        );
        const interval = sequence.interval!;
        if (interval.lower > 0 || interval.upper < 0) sequenceRejected = true;
      }
      if (sequenceRejected) sequenceErrors++;
      if (fixedRejected) fixedErrors++;
    }
    await annotate(
      `ever excluded 0: confidence sequence ${sequenceErrors}/${RUNS}, fixed 95% interval ${fixedErrors}/${RUNS}`,
    );
    expect(sequenceErrors).toBeLessThanOrEqual(binomialInterval(RUNS, 0.05, 0.999).upper);
    // Twenty looks at a fixed-horizon test inflate its error rate to about 25%.
    expect(fixedErrors).toBeGreaterThan(binomialInterval(RUNS, 0.05, 0.999).upper);
  });
});
