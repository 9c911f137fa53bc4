import * as z from 'zod';
import { SchemaDefinitionError } from './errors.js';
import type { MetricRoles, PlanEtl, RevenueRole } from './etl-declarations.js';
import { validatePlanDeclarations } from './etl-validation.js';
import type { EventDefinition } from './event.js';
import type { ObjectSchema } from './json-schema.js';
import { assertValidName } from './names.js';
import { normalizeObjectSchema } from './normalize.js';
import { assertSupportedZod } from './zod-check.js';

/** What happens to properties an event version does not declare. */
export type AdditionalProperties = 'reject' | 'flag';

/** A tracking plan: every version of every event, plus plan-wide context properties. Plain data. */
export interface Plan<E extends EventDefinition = EventDefinition, C = Record<string, unknown>> {
  readonly kind: 'plan';
  readonly name: string;
  readonly description?: string;
  readonly additionalProperties: AdditionalProperties;
  /** JSON Schema of `context` properties shared by all events (platform, app_version, …). */
  readonly context: ObjectSchema;
  /** Sorted by name, then version. */
  readonly events: readonly E[];
  /** Which events and properties the cooked tables and metrics use (install, revenue, sessions, dimensions). */
  readonly roles?: MetricRoles;
  /** Plan-wide ETL settings: dedupe, spam filtering, reporting time zones, context transforms. */
  readonly etl?: PlanEtl;
  /** Phantom: the context's input type. */
  readonly '~context'?: C;
}

export interface DefinePlanOptions<E extends readonly EventDefinition[], C extends z.ZodObject | undefined> {
  /** snake_case or kebab-case. */
  readonly name: string;
  readonly description?: string;
  readonly events: E;
  readonly context?: C;
  /** Undeclared properties: `reject` the event (default) or accept it and `flag` them. */
  readonly additionalProperties?: AdditionalProperties;
  /** Metric roles; event names are checked against the plan's events at compile time too. */
  readonly roles?: MetricRoles & {
    readonly install?: E[number]['name'];
    readonly revenue?: RevenueRole & { readonly event: E[number]['name'] };
  };
  readonly etl?: PlanEtl;
}

const EMPTY_OBJECT: ObjectSchema = Object.freeze({
  type: 'object',
  properties: {},
  required: [],
  additionalProperties: false,
});

/**
 * Defines a tracking plan. Throws when an (event, version) pair repeats or names break the rules.
 *
 * @example
 * const plan = definePlan({ name: 'mobile-game', events: [appInstall, levelUp], context: z.object({ platform: z.enum(['ios', 'android']) }) });
 */
export function definePlan<
  const E extends readonly EventDefinition[],
  C extends z.ZodObject | undefined = undefined,
>(
  options: DefinePlanOptions<E, C>,
): Plan<E[number], C extends z.ZodObject ? z.input<C> : Record<string, never>> {
  const where = `plan "${String(options.name)}"`;
  assertValidName(options.name, 'plan', where);
  let context = EMPTY_OBJECT;
  if (options.context !== undefined) {
    if (!(options.context instanceof z.ZodObject)) {
      throw new SchemaDefinitionError('invalid_definition', `${where}: context must be a z.object({...}).`, {
        where,
      });
    }
    assertSupportedZod(options.context, `${where} context`, '', 'context');
    context = normalizeObjectSchema(
      z.toJSONSchema(options.context, { target: 'draft-2020-12', unrepresentable: 'throw' }),
      `${where} context`,
    );
  }
  return makePlan({
    name: options.name,
    description: options.description,
    additionalProperties: options.additionalProperties ?? 'reject',
    context,
    events: options.events,
    roles: options.roles,
    etl: options.etl,
  }) as Plan<E[number], C extends z.ZodObject ? z.input<C> : Record<string, never>>;
}

/** Builds a frozen plan from plain data: checks uniqueness and sorts events by name and version. */
export function makePlan(data: Omit<Plan, 'kind'>): Plan {
  const where = `plan "${data.name}"`;
  if (data.additionalProperties !== 'reject' && data.additionalProperties !== 'flag') {
    throw new SchemaDefinitionError(
      'invalid_definition',
      `${where}: additionalProperties must be "reject" or "flag", got ${JSON.stringify(data.additionalProperties)}.`,
      { where },
    );
  }
  if (!Array.isArray(data.events) || data.events.length === 0) {
    throw new SchemaDefinitionError(
      'invalid_definition',
      `${where}: a plan needs at least one event (defineEvent({...})).`,
      { where },
    );
  }
  const seen = new Set<string>();
  for (const event of data.events) {
    if (event?.kind !== 'event') {
      throw new SchemaDefinitionError(
        'invalid_definition',
        `${where}: every entry of events must come from defineEvent().`,
        { where },
      );
    }
    const key = `${event.name}@${event.version}`;
    if (seen.has(key)) {
      throw new SchemaDefinitionError(
        'duplicate_name',
        `${where}: event "${event.name}" version ${event.version} is defined twice; give the new definition the next version number.`,
        { where, event: event.name, version: event.version },
      );
    }
    seen.add(key);
  }
  const events = [...data.events].sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : a.version - b.version,
  );
  validatePlanDeclarations({ name: data.name, context: data.context, events }, data.roles, data.etl);
  return Object.freeze({
    kind: 'plan' as const,
    name: data.name,
    ...(data.description !== undefined ? { description: data.description } : {}),
    additionalProperties: data.additionalProperties,
    context: data.context,
    events: Object.freeze(events),
    ...(data.roles !== undefined ? { roles: data.roles } : {}),
    ...(data.etl !== undefined ? { etl: data.etl } : {}),
  });
}

/** The event names of a plan, in order. */
export function eventNames(plan: Plan): string[] {
  return [...new Set(plan.events.map((e) => e.name))];
}

/** Every version of one event, ascending. */
export function eventVersions(plan: Plan, name: string): EventDefinition[] {
  return plan.events.filter((e) => e.name === name);
}

/** The latest version of an event, or undefined when the plan has no such event. */
export function latestEvent(plan: Plan, name: string): EventDefinition | undefined {
  return eventVersions(plan, name).at(-1);
}
