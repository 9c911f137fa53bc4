import { SchemaDefinitionError } from './errors.js';
import type { JsonSchema, ObjectSchema, StringFormat } from './json-schema.js';

const STRING_FORMATS: ReadonlySet<string> = new Set(['date-time', 'date', 'email', 'uuid', 'uri']);
const FORMAT_ALIASES: Readonly<Record<string, StringFormat>> = { datetime: 'date-time', url: 'uri' };
/** Keywords that carry no meaning for data and are dropped. */
const IGNORED = new Set([
  '$schema',
  '$id',
  '$comment',
  'title',
  'examples',
  'readOnly',
  'writeOnly',
  'deprecated',
  'default',
]);

interface Context {
  readonly where: string;
}

function fail(ctx: Context, path: string, message: string, extra: Record<string, unknown> = {}): never {
  throw new SchemaDefinitionError('unsupported_construct', `${ctx.where}: ${path || '(root)'}: ${message}`, {
    where: ctx.where,
    path,
    ...extra,
  });
}

function child(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/**
 * Normalises a JSON Schema (from zod's exporter or a file) to the subset Tributary supports,
 * or throws a SchemaDefinitionError naming the path and what to use instead.
 */
export function normalizeJsonSchema(input: unknown, where: string, path = ''): JsonSchema {
  return normalize(input, { where }, path);
}

/** Like normalizeJsonSchema, but the root must be an object schema (an event's properties). */
export function normalizeObjectSchema(input: unknown, where: string): ObjectSchema {
  const schema = normalize(input, { where }, '');
  if (!('type' in schema) || schema.type !== 'object') {
    fail({ where }, '', 'the properties of an event must be an object schema (z.object({...})).');
  }
  return schema;
}

function annotations(raw: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (typeof raw.description === 'string') out.description = raw.description;
  for (const [key, value] of Object.entries(raw)) {
    if (key.startsWith('x-tributary-')) out[key] = value;
  }
  return out;
}

function normalize(input: unknown, ctx: Context, path: string): JsonSchema {
  if (
    input === true ||
    input === false ||
    typeof input !== 'object' ||
    input === null ||
    Array.isArray(input)
  ) {
    fail(
      ctx,
      path,
      'a schema must be an object; `true`/`false` schemas (any value) have no column type. Use a concrete type.',
    );
  }
  const raw = input as Record<string, unknown>;
  for (const key of [
    '$ref',
    'allOf',
    'not',
    'if',
    'then',
    'else',
    'patternProperties',
    'dependentSchemas',
    'prefixItems',
    'propertyNames',
    'contains',
    'unevaluatedProperties',
  ]) {
    if (key in raw) {
      fail(
        ctx,
        path,
        `"${key}" is not supported: ${key === '$ref' ? 'recursive or shared definitions have no flat column layout; inline the definition' : key === 'prefixItems' ? 'tuples have no column type; use an array of one type or an object' : 'keep to plain types, objects, arrays, enums and nullable'}.`,
        { keyword: key },
      );
    }
  }
  const notes = annotations(raw);

  // Unions: anyOf / oneOf, and `type: [a, b]`.
  const union = (raw.anyOf ?? raw.oneOf) as unknown;
  if (union !== undefined) {
    if (!Array.isArray(union) || union.length === 0)
      fail(ctx, path, 'anyOf/oneOf must be a non-empty array.');
    const members = union.map((m, i) => normalize(m, ctx, `${path}|${i}`));
    return { ...canonicalUnion(members, ctx, path), ...notes } as JsonSchema;
  }
  if (Array.isArray(raw.type)) {
    const types = raw.type as unknown[];
    const members = types.map((t) => {
      const allowed = ALLOWED_KEYWORDS[t as keyof typeof ALLOWED_KEYWORDS];
      if (!allowed) fail(ctx, path, `type ${JSON.stringify(t)} is not supported.`);
      const own = Object.fromEntries(Object.entries(raw).filter(([k]) => allowed.has(k) && k !== 'enum'));
      return normalize({ ...own, type: t }, ctx, path);
    });
    return { ...canonicalUnion(members, ctx, path), ...notes } as JsonSchema;
  }
  if (raw.nullable === true) {
    const { nullable: _n, ...rest } = raw;
    return {
      ...canonicalUnion([normalize(rest, ctx, path), { type: 'null' }], ctx, path),
      ...notes,
    } as JsonSchema;
  }

  let type = raw.type as string | undefined;
  if ('const' in raw) {
    const value = raw.const;
    const inferred = literalType(value);
    if (!inferred)
      fail(ctx, path, `const ${JSON.stringify(value)} is not a string, number or boolean literal.`);
    if (inferred === 'null') return { type: 'null', ...notes };
    const { const: _const, ...rest } = raw;
    return normalize({ ...rest, enum: [value], type: type ?? inferred }, ctx, path);
  }
  if (type === undefined && Array.isArray(raw.enum)) {
    const kinds = new Set((raw.enum as unknown[]).map(literalType));
    if (kinds.size !== 1) {
      const members = (raw.enum as unknown[]).map((v) => normalize({ const: v }, ctx, path));
      return { ...canonicalUnion(members, ctx, path), ...notes } as JsonSchema;
    }
    type = [...kinds][0] ?? undefined;
  }
  if (type === undefined) {
    if (raw.properties !== undefined) type = 'object';
    else fail(ctx, path, 'a schema without "type" accepts any value and has no column type; give it a type.');
  }

  if (typeof type !== 'string' || !Object.hasOwn(ALLOWED_KEYWORDS, type)) {
    fail(
      ctx,
      path,
      `type ${JSON.stringify(type)} is not supported; use string, integer, number, boolean, object, array or null.`,
    );
  }
  for (const key of Object.keys(raw)) {
    if (IGNORED.has(key) || key === 'description' || key.startsWith('x-tributary-') || key.startsWith('x-'))
      continue;
    if (!ALLOWED_KEYWORDS[type as keyof typeof ALLOWED_KEYWORDS]?.has(key) && raw[key] !== undefined) {
      fail(ctx, path, `keyword "${key}" is not supported on a ${type} schema.`, { keyword: key });
    }
  }

  switch (type) {
    case 'string': {
      const out: Record<string, unknown> = { type: 'string' };
      copyNumber(raw, out, 'minLength', ctx, path);
      copyNumber(raw, out, 'maxLength', ctx, path);
      if (raw.format !== undefined) {
        const format = FORMAT_ALIASES[raw.format as string] ?? (raw.format as string);
        if (!STRING_FORMATS.has(format)) {
          fail(
            ctx,
            path,
            `string format "${String(raw.format)}" is not supported; supported formats: ${[...STRING_FORMATS].join(', ')}. Use a pattern instead.`,
            { keyword: 'format' },
          );
        }
        out.format = format;
      }
      if (raw.pattern !== undefined) {
        if (typeof raw.pattern !== 'string') fail(ctx, path, 'pattern must be a string.');
        try {
          new RegExp(raw.pattern, 'u');
        } catch {
          fail(ctx, path, `pattern ${JSON.stringify(raw.pattern)} is not a valid regular expression.`);
        }
        out.pattern = raw.pattern;
      }
      if (raw.enum !== undefined) out.enum = enumOf(raw.enum, 'string', ctx, path);
      return { ...out, ...notes } as unknown as JsonSchema;
    }
    case 'integer':
    case 'number': {
      const out: Record<string, unknown> = { type };
      for (const key of [
        'minimum',
        'maximum',
        'exclusiveMinimum',
        'exclusiveMaximum',
        'multipleOf',
      ] as const) {
        copyNumber(raw, out, key, ctx, path);
      }
      if (raw.enum !== undefined) {
        const values = enumOf(raw.enum, 'number', ctx, path) as number[];
        out.enum = values;
        if (values.every((v) => Number.isInteger(v))) out.type = type;
      }
      return { ...out, ...notes } as unknown as JsonSchema;
    }
    case 'boolean': {
      const out: Record<string, unknown> = { type: 'boolean' };
      if (raw.enum !== undefined) out.enum = enumOf(raw.enum, 'boolean', ctx, path);
      return { ...out, ...notes } as unknown as JsonSchema;
    }
    case 'null':
      return { type: 'null', ...notes };
    case 'object': {
      const props = (raw.properties ?? {}) as Record<string, unknown>;
      if (typeof props !== 'object' || Array.isArray(props)) fail(ctx, path, 'properties must be an object.');
      if (raw.additionalProperties !== undefined && raw.additionalProperties !== false) {
        fail(
          ctx,
          path,
          'open objects (additionalProperties other than false) have no column layout; list the properties, or use an array of { key, value } objects.',
          { keyword: 'additionalProperties' },
        );
      }
      const properties: Record<string, JsonSchema> = {};
      for (const key of Object.keys(props).sort()) {
        properties[key] = normalize(props[key], ctx, child(path, key));
      }
      const required = Array.isArray(raw.required) ? [...(raw.required as string[])].sort() : [];
      for (const name of required) {
        if (!(name in properties))
          fail(ctx, path, `required property "${name}" is not listed in properties.`);
      }
      return { type: 'object', properties, required, additionalProperties: false, ...notes } as JsonSchema;
    }
    case 'array': {
      if (raw.items === undefined) fail(ctx, path, 'an array needs "items" (the type of its elements).');
      const out: Record<string, unknown> = { type: 'array', items: normalize(raw.items, ctx, `${path}[]`) };
      copyNumber(raw, out, 'minItems', ctx, path);
      copyNumber(raw, out, 'maxItems', ctx, path);
      return { ...out, ...notes } as unknown as JsonSchema;
    }
    default:
      return fail(
        ctx,
        path,
        `type ${JSON.stringify(type)} is not supported; use string, integer, number, boolean, object, array or null.`,
      );
  }
}

const ALLOWED_KEYWORDS = {
  string: new Set(['type', 'minLength', 'maxLength', 'format', 'pattern', 'enum', 'const']),
  integer: new Set([
    'type',
    'minimum',
    'maximum',
    'exclusiveMinimum',
    'exclusiveMaximum',
    'multipleOf',
    'enum',
    'const',
  ]),
  number: new Set([
    'type',
    'minimum',
    'maximum',
    'exclusiveMinimum',
    'exclusiveMaximum',
    'multipleOf',
    'enum',
    'const',
  ]),
  boolean: new Set(['type', 'enum', 'const']),
  null: new Set(['type', 'const', 'enum']),
  object: new Set(['type', 'properties', 'required', 'additionalProperties']),
  array: new Set(['type', 'items', 'minItems', 'maxItems']),
} as const;

function literalType(value: unknown): 'string' | 'number' | 'boolean' | 'null' | undefined {
  if (value === null) return 'null';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number' && Number.isFinite(value)) return 'number';
  if (typeof value === 'boolean') return 'boolean';
  return undefined;
}

function enumOf(
  values: unknown,
  kind: 'string' | 'number' | 'boolean',
  ctx: Context,
  path: string,
): unknown[] {
  if (!Array.isArray(values) || values.length === 0) fail(ctx, path, 'enum must be a non-empty array.');
  for (const v of values) {
    if (literalType(v) !== kind) fail(ctx, path, `enum value ${JSON.stringify(v)} is not a ${kind}.`);
  }
  const unique = [...new Set(values)];
  return kind === 'number' ? unique.sort((a, b) => (a as number) - (b as number)) : unique.sort();
}

function copyNumber(
  raw: Record<string, unknown>,
  out: Record<string, unknown>,
  key: string,
  ctx: Context,
  path: string,
) {
  const value = raw[key];
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value))
    fail(ctx, path, `${key} must be a finite number.`);
  out[key] = value;
}

/** Merges union members: literals of one type become an enum, null becomes the nullable form. */
function canonicalUnion(members: JsonSchema[], ctx: Context, path: string): JsonSchema {
  const flat: JsonSchema[] = [];
  for (const m of members) {
    if ('anyOf' in m) flat.push(...m.anyOf);
    else flat.push(m);
  }
  const hasNull = flat.some((m) => 'type' in m && m.type === 'null');
  let rest = flat.filter((m) => !('type' in m && m.type === 'null'));
  if (rest.length === 0) fail(ctx, path, 'a union of only null has no use; remove the property.');
  // Literal union of one type → enum.
  const enums = rest.filter((m) => 'enum' in m && m.enum !== undefined && 'type' in m);
  if (enums.length === rest.length && rest.length > 1) {
    const types = new Set(rest.map((m) => ('type' in m ? (m.type === 'integer' ? 'number' : m.type) : '')));
    if (types.size === 1) {
      const values = rest.flatMap((m) => [...((m as { enum: readonly unknown[] }).enum ?? [])]);
      const first = rest[0] as { type: string };
      const allInt = values.every((v) => typeof v !== 'number' || Number.isInteger(v));
      const type =
        first.type === 'integer' || first.type === 'number'
          ? allInt && rest.every((m) => (m as { type: string }).type === 'integer')
            ? 'integer'
            : 'number'
          : first.type;
      rest = [normalize({ type, enum: values }, ctx, path)];
    }
  }
  // Deduplicate identical members.
  const seen = new Set<string>();
  rest = rest.filter((m) => {
    const key = JSON.stringify(m);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const base: JsonSchema = rest.length === 1 && rest[0] ? rest[0] : { anyOf: rest };
  if (!hasNull) return base;
  return { anyOf: [...('anyOf' in base && !('type' in base) ? base.anyOf : [base]), { type: 'null' }] };
}
