import { makePlan, normalizeObjectSchema, type Plan, toPlanDocument } from '@tributary/schema';
import { planEvent as event } from '@tributary/warehouse/testing';

/** A small game plan for the funnel and experiment commands: installs, levels, purchases, exposures. */
export const gamePlan: Plan = makePlan({
  name: 'cli-game',
  additionalProperties: 'reject',
  context: normalizeObjectSchema(
    {
      type: 'object',
      properties: { platform: { type: 'string', enum: ['ios', 'android'] } },
      required: ['platform'],
      additionalProperties: false,
    },
    'cli game context',
  ),
  events: [
    event('app_install', { store: { type: 'string', enum: ['app_store', 'play_store'] } }),
    event('level_up', { level: { type: 'integer', minimum: 1, maximum: 1000 } }, ['level']),
    event('ad_watched', {}),
    event('purchase', { price_cents: { type: 'integer', minimum: 0 } }, ['price_cents']),
    event(
      'experiment_viewed',
      { experiment: { type: 'string', maxLength: 64 }, variant: { type: 'string', maxLength: 64 } },
      ['experiment', 'variant'],
    ),
  ],
  roles: {
    install: 'app_install',
    revenue: { event: 'purchase', amount: 'price_cents', unit: 'minor', currency: { fixed: 'USD' } },
    dimensions: ['platform'],
  },
  etl: { reportingTimeZones: ['UTC', 'America/New_York'] },
});

export const gameDocument = toPlanDocument(gamePlan);

export default gamePlan;
