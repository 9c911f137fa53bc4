import {
  makeEvent,
  makePlan,
  normalizeObjectSchema,
  type PlanDocument,
  toPlanDocument,
} from '@tributary/schema';

const object = (properties: Record<string, unknown>, required: string[] = []) => ({
  type: 'object',
  properties,
  required,
  additionalProperties: false,
});

/** A small plan with every ETL declaration, for the exact-text tests of this folder. */
export const etlFixtureDocument: PlanDocument = toPlanDocument(
  makePlan({
    name: 'etl-fixture',
    additionalProperties: 'reject',
    context: normalizeObjectSchema(
      object(
        { platform: { type: 'string', enum: ['ios', 'web'] }, locale: { type: 'string', maxLength: 35 } },
        ['platform'],
      ),
      'context',
    ),
    events: [
      makeEvent({
        name: 'purchase',
        version: 1,
        priority: 'critical',
        properties: normalizeObjectSchema(
          object(
            {
              sku: { type: 'string', minLength: 1, maxLength: 64 },
              price_cents: { type: 'integer', minimum: 0 },
              currency: { type: 'string', enum: ['USD', 'EUR'] },
              note: { type: 'string' },
              player: object({ tag: { type: 'string' }, age: { type: 'integer', minimum: 0 } }, ['tag']),
            },
            ['sku', 'price_cents', 'currency'],
          ),
          'purchase',
        ),
        etl: {
          columns: ['sku', 'price_cents', 'currency', 'player.tag', 'player.age'],
          transforms: {
            price_cents: { unit: { divideBy: 100 }, nullDefault: 0 },
            currency: { normalize: ['trim', 'lower'] },
            'player.tag': {
              split: { kind: 'separator', separator: '#', into: ['tag_name', 'tag_number'] },
              keepOriginal: false,
            },
            'player.age': { threshold: { max: 150, action: 'reject' } },
          },
          merge: [{ into: 'sku_note', from: ['sku', 'note'], separator: '/' }],
        },
      }),
    ],
    roles: {
      revenue: { event: 'purchase', amount: 'price_cents', unit: 'minor', currency: 'currency' },
      dimensions: ['platform', 'language'],
    },
    etl: {
      dedupeByFingerprint: true,
      spam: { maxEventsPerUserPerMinute: 5, userAgentPatterns: ['bot'] },
      context: { locale: { split: { kind: 'locale', into: ['language', 'country'] } } },
    },
  }),
);
