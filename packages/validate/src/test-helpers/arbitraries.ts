import type { JsonSchema, StringSchema } from '@tributary/schema';
import fc from 'fast-check';

const INT32 = 0x7fffffff;

/** A fast-check arbitrary of values that satisfy a (normalised) JSON Schema. */
export function validValueOf(schema: JsonSchema): fc.Arbitrary<unknown> {
  if ('anyOf' in schema) return fc.oneof(...schema.anyOf.map(validValueOf));
  switch (schema.type) {
    case 'string':
      return validString(schema);
    case 'integer': {
      if (schema.enum) return fc.constantFrom(...schema.enum);
      const min = Math.max(
        schema.minimum ?? -INT32,
        schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : -INT32,
        -INT32,
      );
      const max = Math.min(
        schema.maximum ?? INT32,
        schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - 1 : INT32,
        INT32,
      );
      return fc.integer({ min, max });
    }
    case 'number': {
      if (schema.enum) return fc.constantFrom(...schema.enum);
      const min = schema.minimum ?? schema.exclusiveMinimum ?? -1e9;
      const max = schema.maximum ?? schema.exclusiveMaximum ?? 1e9;
      if (schema.multipleOf !== undefined) {
        const step = schema.multipleOf;
        const lo = Math.ceil(min / step) + (schema.exclusiveMinimum !== undefined ? 1 : 0);
        const hi = Math.floor(max / step) - (schema.exclusiveMaximum !== undefined ? 1 : 0);
        return fc.integer({ min: lo, max: hi }).map((k) => Number((k * step).toPrecision(12)));
      }
      return fc.double({
        min,
        max,
        minExcluded: schema.exclusiveMinimum !== undefined,
        maxExcluded: schema.exclusiveMaximum !== undefined,
        noNaN: true,
        noDefaultInfinity: true,
      });
    }
    case 'boolean':
      return schema.enum ? fc.constantFrom(...schema.enum) : fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(validValueOf(schema.items), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.min(schema.maxItems ?? 4, 4),
      });
    case 'object': {
      const model: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [key, value] of Object.entries(schema.properties)) model[key] = validValueOf(value);
      return fc.record(model, { requiredKeys: [...schema.required] });
    }
  }
}

function validString(schema: StringSchema): fc.Arbitrary<string> {
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const dates = fc.date({
    min: new Date('1970-01-01T00:00:00Z'),
    max: new Date('2100-12-31T23:59:59Z'),
    noInvalidDate: true,
  });
  switch (schema.format) {
    case 'date-time':
      return dates.map((d) => d.toISOString());
    case 'date':
      return dates.map((d) => d.toISOString().slice(0, 10));
    case 'email':
      return fc
        .tuple(
          fc.stringMatching(/^[a-z0-9]{1,8}$/),
          fc.stringMatching(/^[a-z]{1,8}$/),
          fc.constantFrom('com', 'org', 'io'),
        )
        .map(([local, domain, tld]) => `${local}@${domain}.${tld}`);
    case 'uuid':
      return fc.uuid();
    case 'uri':
      return fc.webUrl();
    default:
      break;
  }
  if (schema.pattern !== undefined) return fc.stringMatching(new RegExp(schema.pattern));
  return fc.string({ minLength: schema.minLength ?? 0, maxLength: schema.maxLength ?? 20 });
}

/** A way to break (or merely change) a value: what the agreement test feeds both validators. */
export type Mutation =
  | { readonly kind: 'replace'; readonly value: unknown }
  | { readonly kind: 'delete' }
  | { readonly kind: 'add_key'; readonly key: string; readonly value: unknown }
  | { readonly kind: 'insert_text'; readonly text: string };

const HOSTILE_NUMBERS = [
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  2 ** 53,
  2 ** 53 + 2,
  -(2 ** 60),
  1e300,
  1.5,
  -0.5,
  0,
  -1,
  1e7,
  10_001,
];
const ODD_KEYS = [
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'extra',
  'level',
  'Level',
  'a\u0000b',
  'x\ud800',
];

/** Values of every JSON type plus the hostile ones (NaN, Infinity, huge integers, NUL, lone surrogates). */
export const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...HOSTILE_NUMBERS),
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 10 }),
  fc.constantFrom(
    '',
    'knight',
    'a\u0000',
    '\ud83d',
    '\udc00x',
    'ranger',
    '2024-02-30T00:00:00Z',
    'not a url',
  ),
  fc.boolean(),
  fc.constant(null),
  fc.constant([]),
  fc.constant({}),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.integer(), { maxKeys: 2 }),
);

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { arbitrary: anyValue.map((value) => ({ kind: 'replace' as const, value })), weight: 4 },
  { arbitrary: fc.constant({ kind: 'delete' as const }), weight: 2 },
  {
    arbitrary: fc
      .tuple(fc.oneof(fc.constantFrom(...ODD_KEYS), fc.string({ maxLength: 6 })), anyValue)
      .map(([key, value]) => ({ kind: 'add_key' as const, key, value })),
    weight: 2,
  },
  {
    arbitrary: fc
      .constantFrom('\u0000', '\ud800', '\udfff', 'é', ' ')
      .map((text) => ({ kind: 'insert_text' as const, text })),
    weight: 1,
  },
);

/** Every path (list of keys and indexes) to a value inside `value`, the root included. */
export function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const paths = [prefix];
  if (Array.isArray(value))
    value.forEach((item, i) => {
      paths.push(...pathsOf(item, [...prefix, i]));
    });
  else if (typeof value === 'object' && value !== null) {
    for (const key of Object.keys(value))
      paths.push(...pathsOf((value as Record<string, unknown>)[key], [...prefix, key]));
  }
  return paths;
}

function setOwn(target: object, key: string | number, value: unknown): void {
  // defineProperty makes even `__proto__` an own data property, as JSON.parse does.
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function clone(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(clone);
  if (typeof value === 'object' && value !== null) {
    const out = {};
    for (const key of Object.keys(value)) setOwn(out, key, clone((value as Record<string, unknown>)[key]));
    return out;
  }
  return value;
}

/** Applies a mutation at a path of a deep copy of `value`; returns the copy. */
export function applyMutation(value: unknown, path: readonly (string | number)[], change: Mutation): unknown {
  const root = { value: clone(value) };
  let parent: Record<string | number, unknown> = root;
  let key: string | number = 'value';
  for (const step of path) {
    parent = parent[key] as Record<string | number, unknown>;
    key = step;
  }
  const target = parent[key];
  switch (change.kind) {
    case 'replace':
      setOwn(parent, key, change.value);
      break;
    case 'delete':
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else if (parent !== root) delete parent[key];
      break;
    case 'add_key':
      if (typeof target === 'object' && target !== null && !Array.isArray(target))
        setOwn(target, change.key, change.value);
      else setOwn(parent, key, change.value);
      break;
    case 'insert_text':
      setOwn(
        parent,
        key,
        typeof target === 'string' ? `${target.slice(0, 1)}${change.text}${target.slice(1)}` : change.text,
      );
      break;
  }
  return root.value;
}
