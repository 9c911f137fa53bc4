import type { ExperimentReadout } from '@tributary/warehouse';
import { describe, expect, it } from 'vitest';
import { formatExperimentSummary, formatFunnelSummary, formatSeconds } from './analysis-summary.js';

const step = (n: number, event: string, count: number, first: number, previous: number | null) => ({
  step: n,
  event,
  count,
  conversionFromFirst: count / first,
  conversionFromPrevious: previous === null ? null : count / previous,
  dropOff: previous === null ? 0 : previous - count,
  medianSecondsFromPrevious: previous === null ? null : n === 2 ? 129_600 : 8_280,
  p90SecondsFromPrevious: null,
});

/** The fields of a comparison the summary reads (the rest of the stats results left out). */
const comparison = (options: {
  lift: [number, number, number];
  pValue: number;
  cuped: { theta: number; reduction: number; lift: [number, number, number] };
  sequential: [number, number];
}) => ({
  variant: 'cheaper',
  control: 'control',
  test: {
    pValue: options.pValue,
    reason: null,
    relativeLift: {
      estimate: options.lift[0],
      interval: { lower: options.lift[1], upper: options.lift[2] },
      reason: null,
    },
  },
  cuped: {
    theta: options.cuped.theta,
    varianceReduction: options.cuped.reduction,
    reason: null,
    adjusted: {
      relativeLift: {
        estimate: options.cuped.lift[0],
        interval: { lower: options.cuped.lift[1], upper: options.cuped.lift[2] },
        reason: null,
      },
    },
  },
  sequential: { interval: { lower: options.sequential[0], upper: options.sequential[1] } },
});

describe('analysis summary lines', () => {
  it('prints the funnel steps aligned, with conversion from step 1 and the previous step and the median time', () => {
    const steps = [
      step(1, 'app_install', 1488, 1488, null),
      step(2, 'level_up', 702, 1488, 1488),
      step(3, 'purchase', 61, 1488, 702),
    ];
    expect(
      formatFunnelSummary(['app_install', 'level_up (level ≥ 5)', 'purchase'], steps).split('\n'),
    ).toEqual([
      '  1. app_install           1,488  entered',
      '  2. level_up (level ≥ 5)    702  47.2% of step 1, median 1.5 d after step 1',
      '  3. purchase                 61  4.1% of step 1, 8.7% of step 2, median 2.3 h after step 2',
    ]);
    expect([null, 42.4, 750, 8_280, 129_600].map(formatSeconds)).toEqual([
      'n/a',
      '42 s',
      '12.5 min',
      '2.3 h',
      '1.5 d',
    ]);
  });

  it('prints the readout: exposed units and the planned split, the sample-ratio check, each metric, warnings', () => {
    const readout = {
      key: 'starter-pack-price',
      identity: 'stitch',
      variants: [
        { variant: 'control', units: 746, plannedShare: 0.5 },
        { variant: 'cheaper', units: 744, plannedShare: 0.5 },
      ],
      sampleRatio: { pValue: 0.959, mismatch: false, threshold: 0.001 },
      metrics: [
        {
          name: 'first purchase within 7 days',
          proportion: true,
          values: [
            { variant: 'control', units: 746, value: 0.0509 },
            { variant: 'cheaper', units: 744, value: 0.0524 },
          ],
          comparisons: [
            comparison({
              lift: [0.0292, -0.419, 0.477],
              pValue: 0.897,
              cuped: { theta: 0, reduction: 0, lift: [0.0292, -0.419, 0.477] },
              sequential: [-0.0352, 0.0382],
            }),
          ],
        },
        {
          name: 'revenue per player within 7 days ($)',
          proportion: false,
          values: [
            { variant: 'control', units: 746, value: 0.2021 },
            { variant: 'cheaper', units: 744, value: 0.2282 },
          ],
          comparisons: [
            comparison({
              lift: [0.129, -0.472, 0.73],
              pValue: 0.655,
              cuped: { theta: 0.4, reduction: 0.2131, lift: [0.11, -0.305, 0.525] },
              sequential: [-0.16, 0.212],
            }),
          ],
        },
      ],
      warnings: ['1 units saw more than one variant and are excluded.'],
    } as unknown as ExperimentReadout;
    expect(formatExperimentSummary(readout).split('\n')).toEqual([
      '  exposed persons: control 746 (planned 50.0%), cheaper 744 (planned 50.0%)',
      '  sample ratio: p = 0.959, no mismatch (flagged below 0.001)',
      '  first purchase within 7 days: control 5.1%, cheaper 5.2%',
      '    cheaper vs control: lift +2.9% [−41.9%, +47.7%], p = 0.897 (two-proportion z-test)',
      '    CUPED: nothing to adjust (the metric before exposure is the same for every unit)',
      '    sequential (always valid): difference [−3.52 pp, +3.82 pp]',
      '  revenue per player within 7 days ($): control 0.202, cheaper 0.228',
      '    cheaper vs control: lift +12.9% [−47.2%, +73.0%], p = 0.655 (Welch t-test)',
      '    CUPED: lift +11.0% [−30.5%, +52.5%], variance reduction 21.3%',
      '    sequential (always valid): difference [−0.160, +0.212]',
      '  ! 1 units saw more than one variant and are excluded.',
    ]);
  });
});
