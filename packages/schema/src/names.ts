import { SchemaDefinitionError } from './errors.js';

/** Event, property and context names: snake_case, starting with a letter. */
export const NAME_PATTERN = /^[a-z][a-z0-9_]*$/;

/** PostgreSQL truncates identifiers beyond 63 bytes; names are refused before that happens. */
export const MAX_NAME_BYTES = 63;

/**
 * Names that the warehouse envelope (and the wire format) already uses, so a property of the
 * same name would shadow or collide with it in a processed table.
 */
export const RESERVED_NAMES: ReadonlySet<string> = new Set([
  'message_id',
  'user_id',
  'anonymous_id',
  'timestamp',
  'original_timestamp',
  'sent_at',
  'received_at',
  'loaded_at',
  'event',
  'event_version',
  'type',
  'source',
  'seq',
  'session_id',
  'session_index',
  'context',
  'properties',
  'traits',
]);

/** Prefix reserved for the envelope's context columns (`context_platform`, …). */
export const RESERVED_PREFIX = 'context_';

/** `nested` is a property inside an object: reserved envelope names do not apply there. */
export type NameScope = 'event' | 'property' | 'nested' | 'context' | 'plan';

/** Checks a name against the naming rules and throws a SchemaDefinitionError that says which rule and where. */
export function assertValidName(name: unknown, scope: NameScope, where: string): asserts name is string {
  if (typeof name !== 'string' || name.length === 0) {
    throw new SchemaDefinitionError('invalid_name', `${where}: a ${scope} name must be a non-empty string.`, {
      scope,
      where,
    });
  }
  const pattern = scope === 'plan' ? /^[a-z][a-z0-9_-]*$/ : NAME_PATTERN;
  if (!pattern.test(name)) {
    const hint = suggestSnakeCase(name);
    throw new SchemaDefinitionError(
      'invalid_name',
      `${where}: ${scope} name "${name}" must match ${pattern} (lower snake_case${scope === 'plan' ? ' or kebab-case' : ''})` +
        (hint && hint !== name && pattern.test(hint) ? `; try "${hint}".` : '.'),
      { scope, where, name, rule: 'pattern' },
    );
  }
  const bytes = new TextEncoder().encode(name).length; // not Buffer: plans are also defined in browsers
  if (bytes > MAX_NAME_BYTES) {
    throw new SchemaDefinitionError(
      'invalid_name',
      `${where}: ${scope} name "${name}" is ${bytes} bytes long; the limit is ${MAX_NAME_BYTES} bytes (PostgreSQL identifiers). Choose a shorter name.`,
      { scope, where, name, rule: 'max_bytes' },
    );
  }
  if (scope === 'property' || scope === 'context') {
    if (RESERVED_NAMES.has(name) || name.startsWith(RESERVED_PREFIX)) {
      throw new SchemaDefinitionError(
        'reserved_name',
        `${where}: "${name}" is reserved for the message envelope (${[...RESERVED_NAMES].join(', ')}, ${RESERVED_PREFIX}*). Rename the ${scope}, e.g. "${name.replace(/^context_/, '')}_value".`,
        { scope, where, name, rule: 'reserved' },
      );
    }
  }
}

/** `levelUp` → `level_up`, `Level-Up` → `level_up`. */
export function suggestSnakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toLowerCase();
}

/** Checks every property name of an object schema: top-level names against the reserved list, nested ones against the pattern. */
export function assertPropertyNames(
  schema: { readonly properties: Readonly<Record<string, unknown>> },
  where: string,
  scope: 'property' | 'context' = 'property',
  path = '',
): void {
  for (const [key, value] of Object.entries(schema.properties)) {
    const p = path ? `${path}.${key}` : key;
    assertValidName(key, path ? 'nested' : scope, `${where}: ${p}`);
    for (const inner of objectsWithin(value)) assertPropertyNames(inner, where, scope, p);
  }
}

function objectsWithin(schema: unknown): { readonly properties: Readonly<Record<string, unknown>> }[] {
  if (typeof schema !== 'object' || schema === null) return [];
  const s = schema as Record<string, unknown>;
  if (s.type === 'object' && typeof s.properties === 'object' && s.properties !== null) {
    return [s as { properties: Record<string, unknown> }];
  }
  if (s.type === 'array') return objectsWithin(s.items);
  if (Array.isArray(s.anyOf)) return s.anyOf.flatMap(objectsWithin);
  return [];
}
