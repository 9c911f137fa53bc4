import { defineEvent, definePlan } from '@tributary/schema';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineConfig, defineExperiment } from './index.js';

// Compile-time checks: `tsc` (the typecheck step) fails when a line marked @ts-expect-error compiles.
const plan = definePlan({
  name: 'typed-config',
  events: [
    defineEvent({
      name: 'experiment_viewed',
      version: 1,
      properties: z.object({ experiment: z.string().max(64), variant: z.string().max(64) }),
    }),
    defineEvent({ name: 'purchase', version: 1, properties: z.object({ sku: z.string().max(64) }) }),
    defineEvent({ name: 'level_up', version: 1, properties: z.object({ level: z.int().min(1) }) }),
  ],
});

const starterPack = defineExperiment<typeof plan>({
  key: 'starter-pack',
  variants: ['control', 'cheaper'],
  exposureEvent: 'experiment_viewed',
  metrics: [
    { kind: 'conversion', event: 'purchase', withinDays: 7 },
    {
      kind: 'funnel',
      steps: [{ event: 'level_up', where: { level: { gte: 5 } } }, { event: 'purchase' }],
      window: '1d',
    },
  ],
});

defineExperiment<typeof plan>({
  key: 'wrong-event',
  variants: ['a', 'b'],
  // @ts-expect-error: 'experiment_seen' is not an event of the plan
  exposureEvent: 'experiment_seen',
  metrics: [{ kind: 'revenue', withinDays: 7 }],
});

defineExperiment<typeof plan>({
  key: 'wrong-filter',
  variants: ['a', 'b'],
  exposureEvent: 'experiment_viewed',
  metrics: [
    {
      kind: 'funnel',
      // @ts-expect-error: level is a number
      steps: [{ event: 'level_up', where: { level: 'five' } }, { event: 'purchase' }],
      window: '1d',
    },
  ],
});

const config = defineConfig({
  plan: './plan.ts',
  experiments: [starterPack],
  report: {
    funnels: [
      {
        title: 'Level 5 to purchase',
        steps: [{ event: 'level_up', where: { level: { gte: 5 } } }, { event: 'purchase' }],
        window: '7d',
        breakdown: 'platform',
      },
    ],
    experiments: ['starter-pack'],
  },
});

defineConfig({
  plan: './plan.ts',
  // @ts-expect-error: a report funnel takes the report's range
  report: { funnels: [{ steps: [{ event: 'a' }, { event: 'b' }], window: '7d', from: '2026-03-01' }] },
});

describe('typed config', () => {
  it('keeps typed experiments and report sections as given', () => {
    expect(config.experiments?.[0]).toBe(starterPack);
    expect(config.report?.experiments).toEqual(['starter-pack']);
  });
});
