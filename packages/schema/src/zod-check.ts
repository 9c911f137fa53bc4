import type { z } from 'zod';
import { SchemaDefinitionError } from './errors.js';
import { assertValidName } from './names.js';

/** What to use instead, per zod construct that has no faithful JSON Schema or warehouse meaning. */
const REFUSED: Readonly<Record<string, string>> = {
  transform:
    'transforms run code the warehouse cannot reproduce; track the raw value and declare a column transform in the ETL instead',
  pipe: 'pipes and transforms run code the warehouse cannot reproduce; track the raw value',
  default:
    'defaults change the data after it was tracked; make the property optional and declare a null default in the ETL',
  prefault: 'defaults change the data after it was tracked; make the property optional',
  catch: 'catch hides invalid data; let validation reject it so it is stored in raw.rejected',
  map: 'maps have no column layout; use an array of { key, value } objects',
  set: 'sets have no JSON form; use an array',
  record:
    'records (open objects) have no column layout; list the properties in z.object, or use an array of { key, value } objects',
  lazy: 'recursive schemas cannot be flattened into columns; bound the depth with explicit nested objects',
  tuple: 'tuples have no column type; use an object with named properties',
  intersection: 'intersections are ambiguous in JSON Schema; merge the objects with .extend()',
  date: 'Date objects are not JSON; use z.iso.datetime() (a timestamptz column) or z.iso.date()',
  bigint: 'bigint is not JSON; use z.int() (bounded integers) or a string',
  symbol: 'symbols are not JSON',
  undefined: 'undefined is not JSON; make the property optional',
  void: 'void is not JSON; make the property optional',
  never: 'never accepts nothing; remove the property',
  any: 'any has no column type; use a concrete type',
  unknown: 'unknown has no column type; use a concrete type',
  nan: 'NaN is not JSON',
  promise: 'promises are not data',
  function: 'functions are not data',
  custom: 'custom validators run code the warehouse cannot check; use bounds, lengths, enums or a pattern',
  template_literal: 'template literals have no faithful JSON Schema here; use z.string().regex(...)',
  file: 'files are not event data; track a URL or an id',
  nonoptional: 'use a required property instead',
  success: 'success has no JSON Schema meaning',
};

const ALLOWED_CHECKS = new Set([
  'min_length',
  'max_length',
  'length_equals',
  'greater_than',
  'less_than',
  'multiple_of',
  'number_format',
]);
const ALLOWED_STRING_FORMATS = new Set(['email', 'uuid', 'url', 'datetime', 'date', 'regex']);

type AnyZod = z.core.$ZodType;

/**
 * Walks a zod schema and refuses, with the path and what to use instead, anything that has no
 * faithful JSON Schema or warehouse meaning. Also checks property names.
 */
export function assertSupportedZod(
  schema: AnyZod,
  where: string,
  path = '',
  scope: 'property' | 'nested' | 'context' = 'property',
): void {
  const def = schema._zod.def as unknown as Record<string, unknown> & { type: string };
  const at = path || '(root)';
  const reason = REFUSED[def.type];
  if (reason) {
    throw new SchemaDefinitionError(
      'unsupported_construct',
      `${where}: ${at}: z.${def.type === 'pipe' ? 'transform/pipe' : def.type}() is not supported: ${reason}.`,
      { where, path, construct: def.type },
    );
  }
  for (const check of (def.checks as AnyZod[] | undefined) ?? []) {
    const cdef = check._zod.def as unknown as { check: string; format?: string };
    if (cdef.check === 'string_format' && ALLOWED_STRING_FORMATS.has(cdef.format ?? '')) continue;
    if (ALLOWED_CHECKS.has(cdef.check)) continue;
    const what =
      cdef.check === 'string_format'
        ? `string format "${cdef.format}"`
        : cdef.check === 'custom'
          ? '.refine()/.check()'
          : cdef.check === 'overwrite'
            ? 'a value-changing check (trim, toLowerCase, …)'
            : `check "${cdef.check}"`;
    throw new SchemaDefinitionError(
      'unsupported_construct',
      `${where}: ${at}: ${what} is not supported: ${cdef.check === 'overwrite' ? 'it changes the data after tracking; normalise text in the ETL column declarations instead' : 'use bounds, lengths, enums, a supported format (email, uuid, url, iso datetime, iso date) or .regex()'}.`,
      { where, path, construct: cdef.check },
    );
  }
  switch (def.type) {
    case 'object': {
      const shape = def.shape as Record<string, AnyZod>;
      if (def.catchall !== undefined && (def.catchall as AnyZod)._zod.def.type !== 'never') {
        throw new SchemaDefinitionError(
          'unsupported_construct',
          `${where}: ${at}: open objects (.passthrough()/.catchall()/z.looseObject) have no column layout; list the properties.`,
          { where, path, construct: 'catchall' },
        );
      }
      for (const [key, value] of Object.entries(shape)) {
        const p = path ? `${path}.${key}` : key;
        assertValidName(key, path ? 'nested' : scope, `${where}: ${p}`);
        assertSupportedZod(value, where, p, 'nested');
      }
      return;
    }
    case 'array':
      assertSupportedZod(def.element as AnyZod, where, `${path}[]`, 'nested');
      return;
    case 'optional':
    case 'nullable':
    case 'readonly':
      assertSupportedZod(def.innerType as AnyZod, where, path, scope);
      return;
    case 'union':
      for (const option of def.options as AnyZod[]) assertSupportedZod(option, where, path, scope);
      return;
    default:
      return;
  }
}
