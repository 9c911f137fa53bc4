import { defineExperiment } from '@tributary/sql';
import { defineConfig } from '../../define-config.js';

/**
 * The game plan with two experiments, one that reads out and one whose metric names no event of the
 * plan; the report shows a funnel and the first experiment.
 */
export default defineConfig({
  plan: '../game-plan.ts',
  experiments: [
    defineExperiment({
      key: 'starter-pack',
      variants: ['control', 'cheaper'],
      exposureEvent: 'experiment_viewed',
      metrics: [
        { kind: 'conversion', event: 'purchase', withinDays: 7 },
        { kind: 'revenue', withinDays: 7 },
      ],
    }),
    defineExperiment({
      key: 'broken-metric',
      variants: ['control', 'treatment'],
      exposureEvent: 'experiment_viewed',
      metrics: [{ kind: 'conversion', event: 'purchased', withinDays: 7 }],
    }),
  ],
  report: {
    funnels: [
      {
        title: 'Exposure to purchase',
        steps: [{ event: 'experiment_viewed', where: { experiment: 'starter-pack' } }, { event: 'purchase' }],
        window: '7d',
      },
    ],
    experiments: ['starter-pack'],
  },
});
