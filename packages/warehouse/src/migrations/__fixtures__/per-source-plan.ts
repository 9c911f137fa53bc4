import {
  makeEvent,
  makePlan,
  normalizeObjectSchema,
  type PlanDocument,
  toPlanDocument,
} from '@tributary/schema';

/**
 * A small plan for the upgrade test of `pre-per-source/`: that directory is what `generateMigration`
 * wrote for this plan before message ids were deduplicated per source (raw.events unique on
 * `message_id`, processed tables keyed by `message_id` without a `source` column). Do not change
 * the plan without regenerating the directory with that earlier version.
 */
export const perSourcePlanDocument: PlanDocument = toPlanDocument(
  makePlan({
    name: 'per-source-upgrade',
    additionalProperties: 'reject',
    context: normalizeObjectSchema(
      {
        type: 'object',
        properties: { platform: { type: 'string', enum: ['ios', 'android', 'web'] } },
        additionalProperties: false,
      },
      'per-source upgrade context',
    ),
    events: [
      makeEvent({
        name: 'level_up',
        version: 1,
        priority: 'normal',
        properties: normalizeObjectSchema(
          {
            type: 'object',
            properties: { level: { type: 'integer', minimum: 1, maximum: 500 } },
            required: ['level'],
            additionalProperties: false,
          },
          'per-source upgrade event level_up v1',
        ),
      }),
    ],
    etl: { reportingTimeZones: ['UTC'] },
  }),
);
