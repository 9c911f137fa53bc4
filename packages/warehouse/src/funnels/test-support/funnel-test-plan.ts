import { makePlan, normalizeObjectSchema, type PlanDocument, toPlanDocument } from '@tributary/schema';
import { planEvent as event } from '../../testing/plan-event.js';

/** A small shop plan for the funnel tests: five events, one dimension, two reporting zones. */
export const funnelTestDocument: PlanDocument = toPlanDocument(
  makePlan({
    name: 'funnel-test',
    additionalProperties: 'reject',
    context: normalizeObjectSchema(
      {
        type: 'object',
        properties: { platform: { type: 'string', enum: ['ios', 'android', 'web'] } },
        required: ['platform'],
        additionalProperties: false,
      },
      'funnel test context',
    ),
    events: [
      event('signup', { method: { type: 'string', enum: ['email', 'google'] } }),
      event('view', { page: { type: 'string', maxLength: 32 } }),
      event('add_to_cart', { price: { type: 'integer', minimum: 1, maximum: 100 } }),
      event('purchase', { amount: { type: 'integer', minimum: 0 } }),
      event('noise', {}),
    ],
    roles: { install: 'signup', dimensions: ['platform'] },
    etl: { reportingTimeZones: ['UTC', 'America/New_York'] },
  }),
);
