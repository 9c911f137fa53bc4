import { makePlan, normalizeObjectSchema, type PlanDocument, toPlanDocument } from '@tributary/schema';
import { planEvent as event } from '../../testing/plan-event.js';

/** The plan of the synthetic metrics data set: install and revenue roles, two dimensions, two zones. */
export function metricsTestDocument(timeZones: readonly string[]): PlanDocument {
  return toPlanDocument(
    makePlan({
      name: 'metrics-test',
      additionalProperties: 'reject',
      context: normalizeObjectSchema(
        {
          type: 'object',
          properties: {
            platform: { type: 'string', enum: ['ios', 'android', 'web'] },
            country: { type: 'string', minLength: 2, maxLength: 2 },
          },
          required: ['platform'],
          additionalProperties: false,
        },
        'metrics test context',
      ),
      events: [
        event('app_install', {}, []),
        event('session_start', {}, []),
        event('level_up', {}, []),
        event(
          'purchase',
          {
            amount_cents: { type: 'integer', minimum: 0, 'x-tributary-money': true },
            currency: { type: 'string' },
          },
          ['amount_cents', 'currency'],
        ),
      ],
      roles: {
        install: 'app_install',
        revenue: { event: 'purchase', amount: 'amount_cents', unit: 'minor', currency: 'currency' },
        session: { inactivityMinutes: 30 },
        dimensions: ['platform', 'country'],
      },
      etl: { reportingTimeZones: [...timeZones] },
    }),
  );
}
