/**
 * The JSON Schema subset Tributary reads: every schema in a plan document is normalised to it, so
 * that everything downstream (warehouse types, validators, clients, diffs) handles one shape.
 *
 * - nullable values are always `{ anyOf: [X, { type: 'null' }] }`;
 * - a union of literals of one type is `{ type, enum }`;
 * - objects are closed (`additionalProperties: false`) with a sorted `required` list.
 */
export type JsonSchema =
  | StringSchema
  | NumberSchema
  | BooleanSchema
  | ObjectSchema
  | ArraySchema
  | NullSchema
  | AnyOfSchema;

export interface Annotations {
  readonly description?: string;
  /** Tributary's own annotations (money, priority hints, ETL declarations); free-form, kept verbatim. */
  readonly [key: `x-tributary-${string}`]: unknown;
}

export type StringFormat = 'date-time' | 'date' | 'email' | 'uuid' | 'uri';

export interface StringSchema extends Annotations {
  readonly type: 'string';
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly format?: StringFormat;
  readonly pattern?: string;
  readonly enum?: readonly string[];
}

export interface NumberSchema extends Annotations {
  readonly type: 'integer' | 'number';
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  readonly multipleOf?: number;
  readonly enum?: readonly number[];
}

export interface BooleanSchema extends Annotations {
  readonly type: 'boolean';
  readonly enum?: readonly boolean[];
}

export interface NullSchema extends Annotations {
  readonly type: 'null';
}

export interface ObjectSchema extends Annotations {
  readonly type: 'object';
  readonly properties: Readonly<Record<string, JsonSchema>>;
  readonly required: readonly string[];
  readonly additionalProperties: false;
}

export interface ArraySchema extends Annotations {
  readonly type: 'array';
  readonly items: JsonSchema;
  readonly minItems?: number;
  readonly maxItems?: number;
}

export interface AnyOfSchema extends Annotations {
  readonly anyOf: readonly JsonSchema[];
}

/** True when the schema is `anyOf: [X, null]`, i.e. X made nullable. */
export function isNullable(schema: JsonSchema): schema is AnyOfSchema {
  return 'anyOf' in schema && schema.anyOf.some((s) => 'type' in s && s.type === 'null');
}

/** The non-null member of a nullable schema; the schema itself otherwise. */
export function unwrapNullable(schema: JsonSchema): JsonSchema {
  if (!('anyOf' in schema)) return schema;
  const rest = schema.anyOf.filter((s) => !('type' in s && s.type === 'null'));
  if (rest.length === 1 && rest[0]) return rest[0];
  return { anyOf: rest };
}

/** A JSON value, as stored in a plan document. */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue };
