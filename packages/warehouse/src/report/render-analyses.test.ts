import {
  confidenceSequence,
  cupedWelchTTest,
  sampleRatioMismatch,
  twoProportionZTest,
} from '@tributary/stats';
import { describe, expect, it } from 'vitest';
import type { ReportExperiment } from './experiment-data.js';
import { experimentSection } from './render-experiments.js';
import { funnelSection } from './render-funnels.js';

const empty = {
  n: 0,
  metricSum: 0,
  metricSquaresSum: 0,
  covariateSum: 0,
  covariateSquaresSum: 0,
  productSum: 0,
};

describe('funnel and experiment sections with nothing to show', () => {
  it('print n/a and say why instead of NaN, undefined or empty charts', () => {
    const test = twoProportionZTest({ n: 0, conversions: 0 }, { n: 0, conversions: 0 });
    const readout: ReportExperiment = {
      key: 'nobody-yet',
      from: '2026-04-01',
      to: '2026-04-07',
      timeZone: 'UTC',
      identity: 'stitch',
      variants: [
        { variant: 'control', units: 0, plannedShare: 0.5 },
        { variant: 'cheaper', units: 0, plannedShare: 0.5 },
      ],
      excluded: { multipleVariants: 0, unknownVariant: 0 },
      sampleRatio: sampleRatioMismatch([0, 0], [1, 1]),
      metrics: [
        {
          name: 'conversion to purchase in 7d',
          kind: 'conversion',
          proportion: true,
          values: [
            { variant: 'control', units: 0, value: null, preExposureValue: null },
            { variant: 'cheaper', units: 0, value: null, preExposureValue: null },
          ],
          comparisons: [
            {
              variant: 'cheaper',
              control: 'control',
              test,
              cuped: cupedWelchTTest(empty, empty),
              sequential: confidenceSequence({ estimate: null, standardError: null, sampleSize: 0 }),
            },
          ],
        },
      ],
      warnings: ['No exposures to "nobody-yet" between 2026-04-01 and 2026-04-07: nothing to compare.'],
    };
    const html = experimentSection([readout]);
    expect(html).not.toMatch(/NaN|undefined|null/);
    expect(html).not.toContain('data-banner="srm"');
    expect(html).toContain('<li>No exposures to &#34;nobody-yet&#34; between 2026-04-01 and 2026-04-07');
    expect(html).toContain(
      `<tr data-field="note"><th scope="row">Note</th><td data-variant="cheaper">${test.reason}`,
    );
    // No interval to draw: the marks are there with empty values and no line.
    expect(html).not.toContain('class="range"');
    expect(html.match(/<g class="interval /g)).toHaveLength(3);

    const funnels = funnelSection([
      {
        title: 'By platform, nobody entered',
        steps: ['signup', 'view'],
        window: '1d',
        order: 'ordered',
        countBy: 'persons',
        breakdown: 'platform',
        buckets: ['<1m'],
        groups: [],
      },
      {
        title: 'Any order',
        steps: ['signup', 'view'],
        window: '1d',
        order: 'any',
        countBy: 'persons',
        breakdown: null,
        buckets: null,
        groups: [
          {
            breakdown: null,
            steps: [
              {
                step: 1,
                event: 'signup',
                count: 0,
                conversionFromFirst: null,
                conversionFromPrevious: null,
                dropOff: 0,
                medianSecondsFromPrevious: null,
                p90SecondsFromPrevious: null,
              },
              {
                step: 2,
                event: 'view',
                count: 0,
                conversionFromFirst: null,
                conversionFromPrevious: null,
                dropOff: 0,
                medianSecondsFromPrevious: null,
                p90SecondsFromPrevious: null,
              },
            ],
            timeToConvert: null,
          },
        ],
      },
    ]);
    expect(funnels).not.toMatch(/NaN|undefined|null/);
    expect(funnels).toContain("No unit did step 1 on the report's days.");
    expect(funnels).toContain('Any-order funnels have no time between steps');
    expect(funnels).toContain('0 · n/a of step 1 · n/a of previous · 0 dropped');
  });
});
