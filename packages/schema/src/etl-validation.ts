import { SchemaDefinitionError } from './errors.js';
import type { ColumnTransform, EventEtl, MergeSpec, MetricRoles, PlanEtl } from './etl-declarations.js';
import { IDENTITY_MODES, TEXT_NORMALIZATIONS } from './etl-declarations.js';
import { type JsonSchema, type ObjectSchema, unwrapNullable } from './json-schema.js';
import { assertValidName } from './names.js';

function fail(where: string, message: string, details: Record<string, unknown> = {}): never {
  throw new SchemaDefinitionError('invalid_definition', `${where}: ${message}`, { where, ...details });
}

/** The leaf schema at a dotted property path (nullable unwrapped), or an error naming the path. */
export function leafAt(schema: ObjectSchema, path: string, where: string): JsonSchema {
  let current: JsonSchema = schema;
  for (const key of path.split('.')) {
    const inner = unwrapNullable(current);
    if (!('type' in inner) || inner.type !== 'object' || !Object.hasOwn(inner.properties, key)) {
      fail(
        where,
        `"${path}" is not a property of this event (known: ${leafPaths(schema).join(', ') || 'none'}).`,
        { path },
      );
    }
    current = inner.properties[key] as JsonSchema;
  }
  const leaf = unwrapNullable(current);
  if ('type' in leaf && leaf.type === 'object')
    fail(where, `"${path}" is an object; name one of its properties (${leafPaths(leaf, path).join(', ')}).`, {
      path,
    });
  return leaf;
}

/** Every leaf property path of an object schema (`store.country`, …). */
export function leafPaths(schema: ObjectSchema, prefix = ''): string[] {
  return Object.entries(schema.properties).flatMap(([key, value]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    const inner = unwrapNullable(value);
    return 'type' in inner && inner.type === 'object' && Object.keys(inner.properties).length > 0
      ? leafPaths(inner, path)
      : [path];
  });
}

function typeOf(leaf: JsonSchema): string {
  return 'type' in leaf ? leaf.type : 'union';
}

/** Checks one column transform against the type of the column it applies to. */
export function validateTransform(transform: ColumnTransform, leaf: JsonSchema, where: string): void {
  const type = typeOf(leaf);
  const isNumber = type === 'integer' || type === 'number';
  if (transform.normalize !== undefined) {
    if (type !== 'string') fail(where, `normalize applies to text, but this column is ${type}.`);
    for (const step of transform.normalize) {
      if (!TEXT_NORMALIZATIONS.includes(step))
        fail(where, `unknown normalisation "${String(step)}"; use ${TEXT_NORMALIZATIONS.join(', ')}.`);
    }
  }
  if (transform.unit !== undefined) {
    if (!isNumber) fail(where, `unit conversion applies to numbers, but this column is ${type}.`);
    const factor = 'divideBy' in transform.unit ? transform.unit.divideBy : transform.unit.multiplyBy;
    if (typeof factor !== 'number' || !Number.isFinite(factor) || factor <= 0)
      fail(where, 'a unit conversion factor must be a positive finite number.');
  }
  if (transform.threshold !== undefined) {
    const { min, max, action } = transform.threshold;
    if (!isNumber) fail(where, `thresholds apply to numbers, but this column is ${type}.`);
    if (action !== 'reject' && action !== 'null') fail(where, 'threshold.action must be "reject" or "null".');
    if (min === undefined && max === undefined) fail(where, 'a threshold needs min, max or both.');
    if (min !== undefined && max !== undefined && min > max)
      fail(where, `threshold min ${min} is above max ${max}.`);
  }
  if (transform.nullDefault !== undefined) {
    const value = transform.nullDefault;
    const ok =
      (type === 'string' && typeof value === 'string') ||
      (isNumber &&
        typeof value === 'number' &&
        Number.isFinite(value) &&
        (type === 'number' || Number.isInteger(value))) ||
      (type === 'boolean' && typeof value === 'boolean');
    if (!ok) fail(where, `nullDefault ${JSON.stringify(value)} does not fit a ${type} column.`);
  }
  if (transform.split !== undefined) {
    const split = transform.split;
    if (type !== 'string') fail(where, `split applies to text, but this column is ${type}.`);
    if (split.kind === 'separator' && (typeof split.separator !== 'string' || split.separator.length === 0)) {
      fail(where, 'a separator split needs a non-empty separator.');
    }
    if (split.kind === 'locale' && split.into.length !== 2)
      fail(where, 'a locale split produces exactly two columns: [language, country].');
    if (split.kind === 'version' && (split.into.length < 2 || split.into.length > 3))
      fail(where, 'a version split produces two or three columns: [major, minor, patch?].');
    if (!['locale', 'version', 'separator'].includes(split.kind))
      fail(where, `unknown split kind ${JSON.stringify((split as { kind: unknown }).kind)}.`);
    for (const name of split.into) assertValidName(name, 'property', `${where} split`);
  }
}

/** Validates an event version's ETL declarations against its properties; returns the names of the extra columns it creates. */
export function validateEventEtl(etl: EventEtl, properties: ObjectSchema, where: string): string[] {
  const created: string[] = [];
  for (const path of etl.columns ?? []) leafAt(properties, path, `${where} etl.columns`);
  for (const [path, transform] of Object.entries(etl.transforms ?? {})) {
    const leaf = leafAt(properties, path, `${where} etl.transforms["${path}"]`);
    validateTransform(transform, leaf, `${where} etl.transforms["${path}"]`);
    if (transform.split) created.push(...transform.split.into);
  }
  for (const merge of etl.merge ?? []) {
    validateMerge(merge, properties, `${where} etl.merge "${String(merge.into)}"`);
    created.push(merge.into);
  }
  const taken = new Set(leafPaths(properties).map((p) => p.replaceAll('.', '_')));
  for (const name of created) {
    if (taken.has(name))
      fail(
        where,
        `the ETL would create column "${name}", which a property already uses; choose another name.`,
      );
    taken.add(name);
  }
  return created;
}

function validateMerge(merge: MergeSpec, properties: ObjectSchema, where: string): void {
  assertValidName(merge.into, 'property', where);
  if (!Array.isArray(merge.from) || merge.from.length < 2)
    fail(where, 'merge needs at least two source properties in "from".');
  for (const path of merge.from) leafAt(properties, path, where);
}

/** Validates plan-wide ETL settings and metric roles against the plan's events and context. */
export function validatePlanDeclarations(
  plan: {
    readonly name: string;
    readonly context: ObjectSchema;
    readonly events: readonly {
      readonly name: string;
      readonly version: number;
      readonly properties: ObjectSchema;
      readonly etl?: EventEtl;
    }[];
  },
  roles: MetricRoles | undefined,
  etl: PlanEtl | undefined,
): void {
  const where = `plan "${plan.name}"`;
  const contextPaths = new Map(leafPaths(plan.context).map((p) => [p.replaceAll('.', '_'), p]));
  const contextFields = new Set(contextPaths.keys());
  for (const event of plan.events) {
    for (const field of event.etl?.context ?? []) {
      if (!contextFields.has(field))
        fail(
          `event "${event.name}" v${event.version} etl.context`,
          `"${field}" is not a context field of the plan (known: ${[...contextFields].join(', ') || 'none'}).`,
        );
    }
  }
  if (roles?.install !== undefined && !plan.events.some((e) => e.name === roles.install)) {
    fail(`${where} roles.install`, `event "${roles.install}" is not in the plan.`);
  }
  if (roles?.revenue !== undefined) {
    const revenue = roles.revenue;
    const versions = plan.events.filter((e) => e.name === revenue.event);
    if (versions.length === 0) fail(`${where} roles.revenue`, `event "${revenue.event}" is not in the plan.`);
    if (revenue.unit !== 'minor' && revenue.unit !== 'major')
      fail(`${where} roles.revenue`, 'unit must be "minor" (cents) or "major".');
    for (const event of versions) {
      const at = `${where} roles.revenue (event "${event.name}" v${event.version})`;
      const amount = leafAt(event.properties, revenue.amount, at);
      if (!('type' in amount) || (amount.type !== 'integer' && amount.type !== 'number'))
        fail(at, `amount "${revenue.amount}" must be a number.`);
      if (typeof revenue.currency === 'string') {
        const currency = leafAt(event.properties, revenue.currency, at);
        if (!('type' in currency) || currency.type !== 'string')
          fail(at, `currency "${revenue.currency}" must be a string property.`);
      }
    }
    if (typeof revenue.currency === 'object' && !/^[A-Z]{3}$/.test(revenue.currency.fixed)) {
      fail(
        `${where} roles.revenue`,
        `currency.fixed must be an ISO 4217 code like "USD", got ${JSON.stringify(revenue.currency.fixed)}.`,
      );
    }
  }
  const minutes = roles?.session?.inactivityMinutes;
  if (minutes !== undefined && (!Number.isInteger(minutes) || minutes < 1 || minutes > 24 * 60)) {
    fail(`${where} roles.session`, 'inactivityMinutes must be an integer from 1 to 1440.');
  }
  for (const dimension of roles?.dimensions ?? []) {
    if (
      !contextFields.has(dimension) &&
      !(etl?.context && Object.values(etl.context).some((t) => t.split?.into.includes(dimension)))
    ) {
      fail(
        `${where} roles.dimensions`,
        `"${dimension}" is not a context field (or a column split from one); known: ${[...contextFields].join(', ') || 'none'}.`,
      );
    }
  }
  const spam = etl?.spam;
  if (
    spam?.maxEventsPerUserPerMinute !== undefined &&
    (!Number.isInteger(spam.maxEventsPerUserPerMinute) || spam.maxEventsPerUserPerMinute < 1)
  ) {
    fail(`${where} etl.spam`, 'maxEventsPerUserPerMinute must be a positive integer.');
  }
  for (const pattern of spam?.userAgentPatterns ?? []) {
    try {
      new RegExp(pattern, 'i');
    } catch {
      fail(
        `${where} etl.spam`,
        `user agent pattern ${JSON.stringify(pattern)} is not a valid regular expression.`,
      );
    }
  }
  const identity = etl?.identity;
  if (identity !== undefined && !IDENTITY_MODES.includes(identity.mode)) {
    fail(
      `${where} etl.identity`,
      `mode ${JSON.stringify(identity.mode)} is not one of ${IDENTITY_MODES.map((m) => `"${m}"`).join(', ')}.`,
    );
  }
  for (const zone of etl?.reportingTimeZones ?? []) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
    } catch {
      fail(
        `${where} etl.reportingTimeZones`,
        `"${zone}" is not an IANA time zone (e.g. "UTC", "Europe/Berlin", "America/New_York").`,
      );
    }
  }
  for (const [field, transform] of Object.entries(etl?.context ?? {})) {
    if (!contextFields.has(field)) fail(`${where} etl.context`, `"${field}" is not a context field.`);
    const at = `${where} etl.context["${field}"]`;
    validateTransform(transform, leafAt(plan.context, contextPaths.get(field) ?? field, at), at);
  }
}
