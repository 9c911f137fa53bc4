import {
  type EventDefinition,
  type EventEtl,
  makeEvent,
  makePlan,
  normalizeObjectSchema,
  type Plan,
  type PlanDocument,
  toPlanDocument,
} from '@tributary/schema';

type Props = Record<string, unknown>;

function event(
  name: string,
  version: number,
  properties: Props,
  required: string[],
  etl?: EventEtl,
): EventDefinition {
  return makeEvent({
    name,
    version,
    priority: 'normal',
    properties: normalizeObjectSchema(
      { type: 'object', properties, required, additionalProperties: false },
      `etl test event ${name} v${version}`,
    ),
    ...(etl ? { etl } : {}),
  });
}

/**
 * The ETL acceptance plan: an install event with text normalisation and a null default, level_up
 * in three versions (v2 compatible, v3 breaking with a reject threshold and a null threshold), a
 * purchase in cents (revenue role, unit conversion, merge), context splits (locale, app version),
 * fingerprint dedupe, a spam limit, a bot pattern and three reporting time zones.
 */
export const etlTestPlan: Plan = makePlan({
  name: 'etl-test',
  additionalProperties: 'reject',
  context: normalizeObjectSchema(
    {
      type: 'object',
      properties: {
        platform: { type: 'string', enum: ['ios', 'android', 'web'] },
        app_version: { type: 'string', maxLength: 32 },
        locale: { type: 'string', maxLength: 35 },
      },
      required: ['platform'],
      additionalProperties: false,
    },
    'etl test context',
  ),
  events: [
    event(
      'app_install',
      1,
      {
        store: { type: 'string', enum: ['app_store', 'play_store'] },
        campaign: { type: 'string', maxLength: 64 },
      },
      ['store'],
      { transforms: { campaign: { normalize: ['nfc', 'trim', 'lower'], nullDefault: 'organic' } } },
    ),
    event(
      'level_up',
      1,
      { level: { type: 'integer', minimum: 1, maximum: 500 }, character: { type: 'string', maxLength: 32 } },
      ['level', 'character'],
    ),
    event(
      'level_up',
      2,
      {
        level: { type: 'integer', minimum: 1, maximum: 1000 },
        character: { type: 'string', maxLength: 32 },
        coins: { type: 'integer', minimum: 0 },
      },
      ['level', 'character'],
      { transforms: { coins: { nullDefault: 0 } } },
    ),
    event(
      'level_up',
      3,
      {
        level: { type: 'integer', minimum: 1, maximum: 1000 },
        hero: { type: 'string', maxLength: 32 },
        age: { type: 'integer', minimum: 0 },
        duration_ms: { type: 'integer', minimum: 0 },
      },
      ['level', 'hero'],
      {
        transforms: {
          hero: { normalize: ['trim', 'lower'] },
          age: { threshold: { max: 150, action: 'reject' } },
          duration_ms: { unit: { divideBy: 1000 }, threshold: { max: 3_600_000, action: 'null' } },
        },
      },
    ),
    event(
      'purchase',
      1,
      {
        sku: { type: 'string', minLength: 1, maxLength: 64 },
        price_cents: { type: 'integer', minimum: 0, 'x-tributary-money': true },
        currency: { type: 'string', minLength: 3, maxLength: 3 },
      },
      ['sku', 'price_cents', 'currency'],
      {
        transforms: { price_cents: { unit: { divideBy: 100 } } },
        merge: [{ into: 'sku_currency', from: ['sku', 'currency'], separator: ':' }],
      },
    ),
  ],
  roles: {
    install: 'app_install',
    revenue: { event: 'purchase', amount: 'price_cents', unit: 'minor', currency: 'currency' },
    session: { inactivityMinutes: 30 },
    dimensions: ['platform', 'country'],
  },
  etl: {
    dedupeByFingerprint: true,
    spam: { maxEventsPerUserPerMinute: 20, userAgentPatterns: ['bot|crawler|spider'] },
    reportingTimeZones: ['UTC', 'America/New_York', 'Asia/Kolkata'],
    context: {
      app_version: { split: { kind: 'version', into: ['app_major', 'app_minor'] } },
      locale: { split: { kind: 'locale', into: ['language', 'country'] } },
    },
  },
});

export const etlTestDocument: PlanDocument = toPlanDocument(etlTestPlan);
