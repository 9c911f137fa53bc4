import type { EventDefinition } from './event.js';
import { isNullable, type JsonSchema, type NumberSchema, unwrapNullable } from './json-schema.js';

export type CompatibilityKind = 'compatible' | 'breaking';

/** Every kind of difference between two versions of an event, with how it is classified. */
export const CHANGE_KINDS = {
  property_added: 'compatible',
  property_removed: 'breaking',
  required_property_added: 'breaking',
  made_optional: 'compatible',
  made_required: 'breaking',
  made_nullable: 'compatible',
  made_not_nullable: 'breaking',
  type_changed: 'breaking',
  bound_widened: 'compatible',
  bound_narrowed: 'breaking',
  max_length_widened: 'compatible',
  max_length_narrowed: 'breaking',
  min_length_widened: 'compatible',
  min_length_narrowed: 'breaking',
  items_bound_widened: 'compatible',
  items_bound_narrowed: 'breaking',
  enum_value_added: 'compatible',
  enum_value_removed: 'breaking',
  enum_removed: 'compatible',
  enum_added: 'breaking',
  format_changed: 'breaking',
  pattern_removed: 'compatible',
  pattern_changed: 'breaking',
  multiple_of_changed: 'breaking',
  multiple_of_relaxed: 'compatible',
  union_widened: 'compatible',
  money_changed: 'breaking',
  description_changed: 'compatible',
} as const satisfies Record<string, CompatibilityKind>;

export type ChangeName = keyof typeof CHANGE_KINDS;

export interface SchemaChange {
  /** Dotted property path (`player.level`, `items[].sku`); empty for the event itself. */
  readonly path: string;
  readonly change: ChangeName;
  readonly kind: CompatibilityKind;
  readonly reason: string;
}

export interface Compatibility {
  readonly kind: CompatibilityKind;
  readonly changes: readonly SchemaChange[];
}

/**
 * Classifies the step from one version of an event to the next. Compatible: every event valid
 * under `prev` is valid under `next`, and the warehouse absorbs the change with additive DDL.
 */
export function compareEventVersions(prev: EventDefinition, next: EventDefinition): Compatibility {
  const changes: SchemaChange[] = [];
  if ((prev.description ?? '') !== (next.description ?? ''))
    push(changes, '', 'description_changed', 'the event description changed');
  compareSchemas(prev.properties, next.properties, '', changes);
  return { kind: changes.some((c) => c.kind === 'breaking') ? 'breaking' : 'compatible', changes };
}

/** Compares two property schemas (the same shape as compareEventVersions, for any JSON Schema). */
export function compareSchemas(
  prev: JsonSchema,
  next: JsonSchema,
  path: string,
  changes: SchemaChange[],
): void {
  const pn = isNullable(prev);
  const nn = isNullable(next);
  if (pn && !nn)
    push(
      changes,
      path,
      'made_not_nullable',
      'null was allowed and no longer is; existing rows may hold null',
    );
  if (!pn && nn) push(changes, path, 'made_nullable', 'null is now allowed');
  const a = unwrapNullable(prev);
  const b = unwrapNullable(next);
  if ((a.description ?? '') !== (b.description ?? '') && path !== '')
    push(changes, path, 'description_changed', 'the description changed');
  if (JSON.stringify(a['x-tributary-money'] ?? null) !== JSON.stringify(b['x-tributary-money'] ?? null)) {
    push(
      changes,
      path,
      'money_changed',
      'the money marking changed, which changes the column type (numeric vs double precision)',
    );
  }
  if ('anyOf' in a || 'anyOf' in b) {
    const am = 'anyOf' in a ? a.anyOf.map((m) => JSON.stringify(m)) : [JSON.stringify(a)];
    const bm = new Set('anyOf' in b ? b.anyOf.map((m) => JSON.stringify(m)) : [JSON.stringify(b)]);
    if (am.length === bm.size && am.every((m) => bm.has(m))) return;
    if (am.every((m) => bm.has(m)))
      push(changes, path, 'union_widened', 'the union accepts more kinds of value');
    else push(changes, path, 'type_changed', 'the union no longer accepts some values it accepted');
    return;
  }
  if (!('type' in a) || !('type' in b)) return;
  if (a.type !== b.type) {
    push(changes, path, 'type_changed', `the type changed from ${a.type} to ${b.type}`);
    return;
  }
  if (a.type === 'string' && b.type === 'string') {
    lengthBound(changes, path, a.maxLength, b.maxLength, 'max');
    lengthBound(changes, path, a.minLength, b.minLength, 'min');
    if (a.format !== b.format)
      push(
        changes,
        path,
        'format_changed',
        `the format changed from ${a.format ?? 'none'} to ${b.format ?? 'none'}`,
      );
    if (a.pattern !== b.pattern) {
      if (b.pattern === undefined) push(changes, path, 'pattern_removed', 'the pattern was removed');
      else
        push(
          changes,
          path,
          'pattern_changed',
          `the pattern changed to ${b.pattern}; values valid before may not match`,
        );
    }
    enumChange(changes, path, a.enum, b.enum);
    return;
  }
  if ((a.type === 'integer' || a.type === 'number') && (b.type === 'integer' || b.type === 'number')) {
    numberBounds(changes, path, a, b);
    enumChange(changes, path, a.enum, b.enum);
    return;
  }
  if (a.type === 'boolean' && b.type === 'boolean') {
    enumChange(changes, path, a.enum, b.enum);
    return;
  }
  if (a.type === 'array' && b.type === 'array') {
    countBound(changes, path, a.minItems, b.minItems, 'min');
    countBound(changes, path, a.maxItems, b.maxItems, 'max');
    compareSchemas(a.items, b.items, `${path}[]`, changes);
    return;
  }
  if (a.type === 'object' && b.type === 'object') {
    const ar = new Set(a.required);
    const br = new Set(b.required);
    for (const key of Object.keys(a.properties)) {
      const p = path ? `${path}.${key}` : key;
      const before = a.properties[key];
      const after = b.properties[key];
      if (!before) continue;
      if (!after) {
        push(
          changes,
          p,
          'property_removed',
          'the property was removed; consumers of the old version rely on it',
        );
        continue;
      }
      if (ar.has(key) && !br.has(key)) push(changes, p, 'made_optional', 'the property became optional');
      if (!ar.has(key) && br.has(key))
        push(changes, p, 'made_required', 'the property became required; events valid before may lack it');
      compareSchemas(before, after, p, changes);
    }
    for (const key of Object.keys(b.properties)) {
      if (key in a.properties) continue;
      const p = path ? `${path}.${key}` : key;
      if (br.has(key))
        push(
          changes,
          p,
          'required_property_added',
          'a required property was added; events valid before lack it',
        );
      else push(changes, p, 'property_added', 'an optional property was added');
    }
  }
}

function push(changes: SchemaChange[], path: string, change: ChangeName, reason: string): void {
  changes.push({ path, change, kind: CHANGE_KINDS[change], reason });
}

function lengthBound(
  changes: SchemaChange[],
  path: string,
  a: number | undefined,
  b: number | undefined,
  side: 'min' | 'max',
) {
  if (a === b) return;
  const widened =
    side === 'max'
      ? b === undefined || (a !== undefined && b > a)
      : b === undefined || (a !== undefined && b < a);
  const label = side === 'max' ? 'maxLength' : 'minLength';
  push(
    changes,
    path,
    widened ? `${side}_length_widened` : `${side}_length_narrowed`,
    `${label} changed from ${a ?? 'none'} to ${b ?? 'none'}`,
  );
}

function countBound(
  changes: SchemaChange[],
  path: string,
  a: number | undefined,
  b: number | undefined,
  side: 'min' | 'max',
) {
  if (a === b) return;
  const widened =
    side === 'max'
      ? b === undefined || (a !== undefined && b > a)
      : b === undefined || (a !== undefined && b < a);
  push(
    changes,
    path,
    widened ? 'items_bound_widened' : 'items_bound_narrowed',
    `${side}Items changed from ${a ?? 'none'} to ${b ?? 'none'}`,
  );
}

interface Bound {
  readonly value: number;
  readonly exclusive: boolean;
}

function lower(s: NumberSchema): Bound | undefined {
  if (s.exclusiveMinimum !== undefined && (s.minimum === undefined || s.exclusiveMinimum >= s.minimum))
    return { value: s.exclusiveMinimum, exclusive: true };
  return s.minimum !== undefined ? { value: s.minimum, exclusive: false } : undefined;
}

function upper(s: NumberSchema): Bound | undefined {
  if (s.exclusiveMaximum !== undefined && (s.maximum === undefined || s.exclusiveMaximum <= s.maximum))
    return { value: s.exclusiveMaximum, exclusive: true };
  return s.maximum !== undefined ? { value: s.maximum, exclusive: false } : undefined;
}

function describeBound(b: Bound | undefined, side: 'min' | 'max'): string {
  if (!b) return 'none';
  return `${side === 'min' ? (b.exclusive ? '>' : '>=') : b.exclusive ? '<' : '<='} ${b.value}`;
}

function numberBounds(changes: SchemaChange[], path: string, a: NumberSchema, b: NumberSchema) {
  for (const side of ['min', 'max'] as const) {
    const before = side === 'min' ? lower(a) : upper(a);
    const after = side === 'min' ? lower(b) : upper(b);
    if (before?.value === after?.value && before?.exclusive === after?.exclusive) continue;
    let widened: boolean;
    if (after === undefined) widened = true;
    else if (before === undefined) widened = false;
    else if (after.value === before.value) widened = before.exclusive && !after.exclusive;
    else widened = side === 'min' ? after.value < before.value : after.value > before.value;
    const change = widened ? 'bound_widened' : 'bound_narrowed';
    push(
      changes,
      path,
      change,
      `the ${side === 'min' ? 'lower' : 'upper'} bound changed from ${describeBound(before, side)} to ${describeBound(after, side)}`,
    );
  }
  if (a.multipleOf !== b.multipleOf) {
    const relaxed =
      b.multipleOf === undefined ||
      (a.multipleOf !== undefined && Number.isInteger(a.multipleOf / b.multipleOf));
    push(
      changes,
      path,
      relaxed ? 'multiple_of_relaxed' : 'multiple_of_changed',
      `multipleOf changed from ${a.multipleOf ?? 'none'} to ${b.multipleOf ?? 'none'}`,
    );
  }
}

function enumChange(
  changes: SchemaChange[],
  path: string,
  a: readonly unknown[] | undefined,
  b: readonly unknown[] | undefined,
) {
  if (a === undefined && b === undefined) return;
  if (a !== undefined && b === undefined)
    return push(changes, path, 'enum_removed', 'the enum was removed; any value of the type is accepted');
  if (a === undefined && b !== undefined)
    return push(changes, path, 'enum_added', `values are now limited to ${JSON.stringify(b)}`);
  const before = new Set(a);
  const after = new Set(b);
  for (const v of before)
    if (!after.has(v))
      push(changes, path, 'enum_value_removed', `enum value ${JSON.stringify(v)} was removed`);
  for (const v of after)
    if (!before.has(v)) push(changes, path, 'enum_value_added', `enum value ${JSON.stringify(v)} was added`);
}
