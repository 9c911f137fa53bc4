import {
  type EventDefinition,
  makeEvent,
  makePlan,
  normalizeObjectSchema,
  type Plan,
  type PlanDocument,
  type Priority,
  toPlanDocument,
} from '@tributary/schema';

/**
 * The sample plan of issue 3, written as plain JSON Schema (the plan document's own language) so
 * the fixtures need no zod. It covers a nested object, enums (string and integer), arrays,
 * nullables, money, every string format, a mixed union, and `level_up` in three versions
 * (v2 compatible with v1, v3 breaking → `processed.level_up_v3`).
 */

type Props = Record<string, unknown>;

function event(
  name: string,
  version: number,
  properties: Props,
  required: string[],
  priority: Priority = 'normal',
): EventDefinition {
  const where = `sample event ${name} v${version}`;
  return makeEvent({
    name,
    version,
    priority,
    properties: normalizeObjectSchema(
      { type: 'object', properties, required, additionalProperties: false },
      where,
    ),
  });
}

const nullable = (schema: Props): Props => ({ anyOf: [schema, { type: 'null' }] });

const context = normalizeObjectSchema(
  {
    type: 'object',
    properties: {
      platform: { type: 'string', enum: ['android', 'ios', 'web'] },
      app_version: { type: 'string', maxLength: 32 },
      device: {
        type: 'object',
        properties: { model: { type: 'string', maxLength: 64 }, os_version: { type: 'string' } },
        required: ['model'],
        additionalProperties: false,
      },
    },
    required: ['platform'],
    additionalProperties: false,
  },
  'sample plan context',
);

const appInstall = event(
  'app_install',
  1,
  {
    store: { type: 'string', enum: ['app_store', 'play_store'] },
    campaign: { type: 'string', maxLength: 64 },
    installed_on: { type: 'string', format: 'date' },
  },
  ['installed_on', 'store'],
  'critical',
);

const levelUpV1Props: Props = {
  level: { type: 'integer', minimum: 1, maximum: 500 },
  character: { type: 'string', maxLength: 32 },
  difficulty: { type: 'string', enum: ['easy', 'hard', 'normal'] },
};
const levelUpV1 = event('level_up', 1, levelUpV1Props, ['character', 'difficulty', 'level']);
const levelUpV2Props: Props = { ...levelUpV1Props, coins: { type: 'integer', minimum: 0 } };
const levelUpV2 = event('level_up', 2, levelUpV2Props, ['character', 'difficulty', 'level']);
const { character: _character, ...levelUpV3Base } = levelUpV2Props;
const levelUpV3 = event(
  'level_up',
  3,
  {
    ...levelUpV3Base,
    hero: {
      type: 'object',
      properties: {
        name: { type: 'string', maxLength: 32 },
        class: { type: 'string', enum: ['mage', 'rogue', "warrior's apprentice"] },
      },
      required: ['class', 'name'],
      additionalProperties: false,
    },
  },
  ['difficulty', 'hero', 'level'],
);

function purchaseProps(skuLength: number, stores: string[]): Props {
  return {
    sku: { type: 'string', minLength: 1, maxLength: skuLength },
    price: { type: 'number', minimum: 0, 'x-tributary-money': { unit: 'major' } },
    currency: { type: 'string', minLength: 3, maxLength: 3 },
    store: { type: 'string', enum: stores },
    items: {
      type: 'array',
      items: {
        type: 'object',
        properties: { id: { type: 'string' }, quantity: { type: 'integer', minimum: 1 } },
        required: ['id', 'quantity'],
        additionalProperties: false,
      },
      maxItems: 50,
    },
    coupon: nullable({ type: 'string', maxLength: 32 }),
    placed_at: { type: 'string', format: 'date-time' },
    buyer: {
      type: 'object',
      properties: {
        country: nullable({ type: 'string', maxLength: 2 }),
        email: { type: 'string', format: 'email' },
      },
      required: ['country'],
      additionalProperties: false,
    },
  };
}
const purchaseRequired = ['buyer', 'currency', 'items', 'placed_at', 'price', 'sku', 'store'];
const purchaseV1 = event(
  'purchase',
  1,
  purchaseProps(32, ['app_store', 'play_store']),
  purchaseRequired,
  'critical',
);
const purchaseV2 = event(
  'purchase',
  2,
  purchaseProps(64, ['app_store', 'play_store', 'web_store']),
  purchaseRequired,
  'critical',
);

const sessionStart = event(
  'session_start',
  1,
  {
    session_number: { type: 'integer', minimum: 1, maximum: 1_000_000 },
    first_session: { type: 'boolean' },
    referrer: { type: 'string', format: 'uri' },
    tags: { type: 'array', items: { type: 'string' } },
  },
  ['first_session', 'session_number'],
);

const adWatched = event(
  'ad_watched',
  1,
  {
    ad_id: { type: 'string', format: 'uuid' },
    placement: { type: 'string', enum: ['banner', 'interstitial', 'rewarded'] },
    multiplier: { type: 'integer', enum: [1, 5, 10] },
    watched_seconds: { type: 'integer', minimum: 0, maximum: 3600 },
    reward: { type: 'number', minimum: 0 },
    reward_value: { anyOf: [{ type: 'string' }, { type: 'integer' }] },
  },
  ['ad_id', 'placement', 'watched_seconds'],
  'low',
);

/** One step of the sample plan's evolution. */
export interface SamplePlanStep {
  /** Short name of the change: also a good migration name. */
  readonly name: string;
  readonly description: string;
  readonly plan: Plan;
  readonly document: PlanDocument;
}

function step(name: string, description: string, events: EventDefinition[]): SamplePlanStep {
  const plan = makePlan({ name: 'sample-game', additionalProperties: 'reject', context, events });
  return { name, description, plan, document: toPlanDocument(plan) };
}

const initial = [appInstall, levelUpV1, purchaseV1, sessionStart];

/**
 * The sample plan at five evolution steps: initial; add an event; add an optional property
 * (compatible version); widen a maxLength and add an enum value (compatible version); a breaking
 * change (new table `processed.level_up_v3`).
 */
export const samplePlanSteps: readonly SamplePlanStep[] = [
  step('initial', 'app_install, level_up v1, purchase v1, session_start', initial),
  step('add_ad_watched', 'a new event: ad_watched', [...initial, adWatched]),
  step('level_up_coins', 'level_up v2: optional property coins', [...initial, adWatched, levelUpV2]),
  step('purchase_v2', 'purchase v2: sku maxLength 32 → 64, store enum gains web_store', [
    ...initial,
    adWatched,
    levelUpV2,
    purchaseV2,
  ]),
  step('level_up_v3', 'level_up v3: character replaced by a required hero object (breaking → level_up_v3)', [
    ...initial,
    adWatched,
    levelUpV2,
    purchaseV2,
    levelUpV3,
  ]),
];

/** The final sample plan: five events, level_up in three versions. */
export const samplePlan: Plan = samplePlanSteps[samplePlanSteps.length - 1]!.plan;

/** The final sample plan's document. */
export const samplePlanDocument: PlanDocument = samplePlanSteps[samplePlanSteps.length - 1]!.document;
