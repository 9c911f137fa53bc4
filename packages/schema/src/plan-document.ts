import { SchemaDefinitionError } from './errors.js';
import type { EventEtl, MetricRoles, PlanEtl } from './etl-declarations.js';
import { assertValidVersion, type EventDefinition, makeEvent, PRIORITIES, type Priority } from './event.js';
import type { ObjectSchema } from './json-schema.js';
import { assertPropertyNames, assertValidName } from './names.js';
import { normalizeObjectSchema } from './normalize.js';
import { type AdditionalProperties, makePlan, type Plan } from './plan.js';
import { sortKeys } from './stable-json.js';

export const PLAN_DOCUMENT_FORMAT = 'tributary.plan/1';
export const JSON_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';

/** One event version in a plan document: a self-contained JSON Schema 2020-12 of its properties. */
export interface EventSchemaDocument extends ObjectSchema {
  readonly $schema: typeof JSON_SCHEMA_DIALECT;
  /** `tributary:<plan>/<event>/<version>` */
  readonly $id: string;
  readonly 'x-tributary-event': {
    readonly name: string;
    readonly version: number;
    readonly priority: Priority;
  };
  readonly 'x-tributary-etl'?: EventEtl;
}

/** The serialisable form of a plan: what every downstream stage reads. Keys are sorted. */
export interface PlanDocument {
  readonly format: typeof PLAN_DOCUMENT_FORMAT;
  readonly name: string;
  readonly description?: string;
  readonly additionalProperties: AdditionalProperties;
  readonly context: ObjectSchema;
  readonly events: readonly EventSchemaDocument[];
  readonly roles?: MetricRoles;
  readonly etl?: PlanEtl;
}

/** `tributary:<plan>/<event>/<version>`, the `$id` of an event version's JSON Schema. */
export function eventSchemaId(planName: string, eventName: string, version: number): string {
  return `tributary:${planName}/${eventName}/${version}`;
}

/** The JSON Schema document of one event version, with `$schema`, `$id` and Tributary metadata. */
export function eventSchemaDocument(planName: string, event: EventDefinition): EventSchemaDocument {
  return sortKeys({
    $schema: JSON_SCHEMA_DIALECT,
    $id: eventSchemaId(planName, event.name, event.version),
    ...(event.description !== undefined ? { description: event.description } : {}),
    ...event.properties,
    'x-tributary-event': { name: event.name, version: event.version, priority: event.priority },
    ...(event.etl !== undefined ? { 'x-tributary-etl': event.etl } : {}),
  }) as EventSchemaDocument;
}

/** Converts a plan to its stable, key-sorted, serialisable document. */
export function toPlanDocument(plan: Plan): PlanDocument {
  return sortKeys({
    format: PLAN_DOCUMENT_FORMAT,
    name: plan.name,
    ...(plan.description !== undefined ? { description: plan.description } : {}),
    additionalProperties: plan.additionalProperties,
    context: plan.context,
    events: plan.events.map((event) => eventSchemaDocument(plan.name, event)),
    ...(plan.roles !== undefined ? { roles: plan.roles } : {}),
    ...(plan.etl !== undefined ? { etl: plan.etl } : {}),
  }) as PlanDocument;
}

function invalid(message: string, details: Record<string, unknown> = {}): never {
  throw new SchemaDefinitionError('invalid_document', `plan document: ${message}`, details);
}

/** Reads a plan document (e.g. parsed from JSON) back into a plan; throws on anything malformed. */
export function fromPlanDocument(document: unknown): Plan {
  if (typeof document !== 'object' || document === null) invalid('expected an object.');
  const doc = document as Record<string, unknown>;
  if (doc.format !== PLAN_DOCUMENT_FORMAT) {
    invalid(
      `format must be "${PLAN_DOCUMENT_FORMAT}", got ${JSON.stringify(doc.format)}; regenerate it with toPlanDocument().`,
    );
  }
  assertValidName(doc.name, 'plan', 'plan document');
  const planName = doc.name;
  if (!Array.isArray(doc.events)) invalid('events must be an array.');
  const context = normalizeObjectSchema(
    doc.context ?? { type: 'object', properties: {} },
    `plan "${planName}" context`,
  );
  assertPropertyNames(context, `plan "${planName}" context`, 'context');
  const events = (doc.events as unknown[]).map((raw, index) => {
    if (typeof raw !== 'object' || raw === null) invalid(`events[${index}] must be an object.`);
    const schema = raw as Record<string, unknown>;
    const meta = schema['x-tributary-event'] as Record<string, unknown> | undefined;
    if (!meta) invalid(`events[${index}] has no "x-tributary-event" metadata (name, version, priority).`);
    const where = `event "${String(meta.name)}"`;
    assertValidName(meta.name, 'event', where);
    assertValidVersion(meta.version, `${where} v${String(meta.version)}`);
    const priority = (meta.priority ?? 'normal') as Priority;
    if (!PRIORITIES.includes(priority))
      invalid(`${where}: priority ${JSON.stringify(priority)} is not one of ${PRIORITIES.join(', ')}.`);
    const expectedId = eventSchemaId(planName, meta.name, meta.version);
    if (schema.$id !== undefined && schema.$id !== expectedId) {
      invalid(`events[${index}] has $id ${JSON.stringify(schema.$id)}, expected "${expectedId}".`);
    }
    const { description, 'x-tributary-etl': etl, ...rest } = schema;
    const properties = normalizeObjectSchema(stripMeta(rest), `${where} v${meta.version}`);
    assertPropertyNames(properties, `${where} v${meta.version}`);
    return makeEvent({
      name: meta.name,
      version: meta.version,
      description: typeof description === 'string' ? description : undefined,
      priority,
      properties,
      etl: etl as EventEtl | undefined,
    });
  });
  return makePlan({
    name: planName,
    description: typeof doc.description === 'string' ? doc.description : undefined,
    additionalProperties: (doc.additionalProperties ?? 'reject') as AdditionalProperties,
    context,
    events,
    roles: doc.roles as MetricRoles | undefined,
    etl: doc.etl as PlanEtl | undefined,
  });
}

function stripMeta(schema: Record<string, unknown>): Record<string, unknown> {
  const { $schema: _s, $id: _i, 'x-tributary-event': _e, ...rest } = schema;
  return rest;
}
