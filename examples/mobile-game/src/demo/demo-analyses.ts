import { defineExperiment, type FunnelSpec } from '@tributary/sql';
import type { plan } from '../plan.js';
import { STARTER_PACK_EXPERIMENT } from '../simulate/simulate.js';

type Plan = typeof plan;

/** The funnel the demo prints and the report draws: install, level 5 within 7 days, then a purchase. */
export const levelFiveFunnel = {
  title: 'Install → level 5 → purchase',
  steps: [
    { event: 'app_install' },
    { event: 'level_up', where: { level: { gte: 5 } } },
    { event: 'purchase' },
  ],
  window: '7d',
} as const satisfies { readonly title: string } & Omit<FunnelSpec<Plan>, 'from' | 'to' | 'timeZone'>;

/**
 * The simulated starter-pack experiment as a readout: persons by first exposure, first purchase
 * within 7 days of it (the simulator's true lift: +10%) and revenue per player in those 7 days.
 */
export const starterPackExperiment = defineExperiment<Plan>({
  key: STARTER_PACK_EXPERIMENT.key,
  variants: STARTER_PACK_EXPERIMENT.variants,
  exposureEvent: 'experiment_viewed',
  metrics: [
    { kind: 'conversion', name: 'first purchase within 7 days', event: 'purchase', withinDays: 7 },
    { kind: 'revenue', name: 'revenue per player within 7 days ($)', withinDays: 7 },
  ],
});
