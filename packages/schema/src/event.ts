import * as z from 'zod';
import { SchemaDefinitionError } from './errors.js';
import type { EventEtl } from './etl-declarations.js';
import { validateEventEtl } from './etl-validation.js';
import type { ObjectSchema } from './json-schema.js';
import { assertValidName } from './names.js';
import { normalizeObjectSchema } from './normalize.js';
import { assertSupportedZod } from './zod-check.js';

/** Delivery priority of an event: critical events go first and are never evicted. */
export type Priority = 'critical' | 'normal' | 'low';
export const PRIORITIES: readonly Priority[] = ['critical', 'normal', 'low'];

/** The highest version number accepted; keeps versions small and type-level arithmetic cheap. */
export const MAX_VERSION = 999;

/**
 * One version of one event, as plain serialisable data. `properties` is the normalised JSON
 * Schema of the event's properties; the zod schema it came from (if any) is in a registry.
 */
export interface EventDefinition<N extends string = string, V extends number = number, I = unknown> {
  readonly kind: 'event';
  readonly name: N;
  readonly version: V;
  readonly description?: string;
  readonly priority: Priority;
  readonly properties: ObjectSchema;
  /** What the ETL does with this version's columns (filtering, transforms, merges). */
  readonly etl?: EventEtl;
  /** Phantom: the properties' input type, for inference only (never present at run time). */
  readonly '~input'?: I;
}

export interface DefineEventOptions<N extends string, V extends number, S extends z.ZodObject> {
  /** snake_case, at most 63 bytes. */
  readonly name: N;
  /** A positive integer. A new version is compatible (shares a table) or breaking (new table). */
  readonly version: V;
  readonly description?: string;
  readonly properties: S;
  readonly priority?: Priority;
  /** ETL declarations: columns to keep, per-column transforms, merges. Validated against the properties. */
  readonly etl?: EventEtl;
}

const zodSchemas = new WeakMap<EventDefinition, z.ZodObject>();

/** The zod schema an event was defined with; undefined for events read from a plan document. */
export function zodSchemaOf(event: EventDefinition): z.ZodObject | undefined {
  return zodSchemas.get(event);
}

/**
 * Defines one version of an event. Throws a SchemaDefinitionError naming the event, the property
 * path and the rule for invalid names or unsupported zod constructs.
 *
 * @example
 * const levelUp = defineEvent({ name: 'level_up', version: 1, properties: z.object({ level: z.int().min(1) }) });
 */
export function defineEvent<const N extends string, const V extends number, S extends z.ZodObject>(
  options: DefineEventOptions<N, V, S>,
): EventDefinition<N, V, z.input<S>> {
  const where = `event "${String(options.name)}"`;
  assertValidName(options.name, 'event', where);
  const at = `event "${options.name}" v${String(options.version)}`;
  assertValidVersion(options.version, at);
  if (options.priority !== undefined && !PRIORITIES.includes(options.priority)) {
    throw new SchemaDefinitionError(
      'invalid_definition',
      `${at}: priority must be one of ${PRIORITIES.join(', ')}, got ${JSON.stringify(options.priority)}.`,
      { where: at },
    );
  }
  if (!(options.properties instanceof z.ZodObject)) {
    throw new SchemaDefinitionError('invalid_definition', `${at}: properties must be a z.object({...}).`, {
      where: at,
    });
  }
  assertSupportedZod(options.properties, at);
  // The event's description is the document's root description; a .describe() on the object itself is dropped.
  const { description: _rootDescription, ...properties } = normalizeObjectSchema(
    z.toJSONSchema(options.properties, { target: 'draft-2020-12', unrepresentable: 'throw' }),
    at,
  );
  const event = makeEvent({
    name: options.name,
    version: options.version,
    description: options.description,
    priority: options.priority ?? 'normal',
    properties,
    etl: options.etl,
  }) as EventDefinition<N, V, z.input<S>>;
  zodSchemas.set(event, options.properties);
  return event;
}

/** Builds a frozen event definition from plain data, omitting absent optional fields. */
export function makeEvent(data: Omit<EventDefinition, 'kind'>): EventDefinition {
  if (data.etl !== undefined)
    validateEventEtl(data.etl, data.properties, `event "${data.name}" v${data.version}`);
  return Object.freeze({
    kind: 'event' as const,
    name: data.name,
    version: data.version,
    ...(data.description !== undefined ? { description: data.description } : {}),
    priority: data.priority,
    properties: data.properties,
    ...(data.etl !== undefined ? { etl: data.etl } : {}),
  });
}

export function assertValidVersion(version: unknown, where: string): asserts version is number {
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1 || version > MAX_VERSION) {
    throw new SchemaDefinitionError(
      'invalid_definition',
      `${where}: version must be an integer from 1 to ${MAX_VERSION}, got ${JSON.stringify(version)}.`,
      { where, rule: 'version' },
    );
  }
}

/**
 * Marks a number or integer property as money: the warehouse stores it as `numeric` (exact)
 * instead of `double precision`. `unit: 'minor'` means integer minor units (cents).
 */
export function money<S extends z.ZodNumber>(schema: S, options: { unit?: 'minor' | 'major' } = {}): S {
  return schema.meta({ 'x-tributary-money': { unit: options.unit ?? 'minor' } }) as S;
}
