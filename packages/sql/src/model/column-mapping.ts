import { isNullable, type JsonSchema, type NumberSchema, unwrapNullable } from '@tributary/schema';
import type { CheckValue, ColumnType } from './types.js';

/** What one JSON Schema value becomes in a column: its type, nullability and allowed values. */
export interface ColumnMapping {
  readonly type: ColumnType;
  readonly nullable: boolean;
  /** Values for a `CHECK (column IN (…))`, when the schema is an enum. */
  readonly allowed?: readonly CheckValue[];
}

const SMALLINT: readonly [number, number] = [-32768, 32767];
const INTEGER: readonly [number, number] = [-2147483648, 2147483647];

/**
 * Maps a (non-object) JSON Schema to a column: integer ranges → smallint / integer / bigint,
 * number → double precision (numeric for money), strings by enum / format / maxLength,
 * arrays and mixed unions → jsonb. See README.md for the full table.
 */
export function mapColumn(schema: JsonSchema): ColumnMapping {
  const nullable = isNullable(schema);
  const inner = unwrapNullable(schema);
  return { ...mapNonNull(inner), nullable };
}

function mapNonNull(schema: JsonSchema): Omit<ColumnMapping, 'nullable'> {
  if ('anyOf' in schema) return { type: { name: 'jsonb' } };
  switch (schema.type) {
    case 'string': {
      if (schema.enum !== undefined) return { type: { name: 'text' }, allowed: schema.enum };
      if (schema.format === 'date-time') return { type: { name: 'timestamptz' } };
      if (schema.format === 'date') return { type: { name: 'date' } };
      if (schema.format === 'uuid') return { type: { name: 'uuid' } };
      if (schema.maxLength !== undefined)
        return { type: { name: 'varchar', length: Math.max(1, schema.maxLength) } };
      return { type: { name: 'text' } };
    }
    case 'integer':
    case 'number': {
      const type = numberType(schema);
      return schema.enum !== undefined ? { type, allowed: schema.enum } : { type };
    }
    case 'boolean':
      return schema.enum !== undefined
        ? { type: { name: 'boolean' }, allowed: schema.enum }
        : { type: { name: 'boolean' } };
    case 'array':
    case 'object':
    case 'null':
      return { type: { name: 'jsonb' } };
  }
}

function numberType(schema: NumberSchema): ColumnType {
  if (schema['x-tributary-money'] !== undefined) return { name: 'numeric' };
  if (schema.type === 'number') return { name: 'double precision' };
  const [low, high] = integerRange(schema);
  if (low === undefined || high === undefined) return { name: 'bigint' };
  if (low >= SMALLINT[0] && high <= SMALLINT[1]) return { name: 'smallint' };
  if (low >= INTEGER[0] && high <= INTEGER[1]) return { name: 'integer' };
  return { name: 'bigint' };
}

/** The closed range of integers a schema allows; undefined on an open side. Enums bound it by their values. */
function integerRange(schema: NumberSchema): [number | undefined, number | undefined] {
  if (schema.enum !== undefined && schema.enum.length > 0)
    return [Math.min(...schema.enum), Math.max(...schema.enum)];
  const lows: number[] = [];
  const highs: number[] = [];
  if (schema.minimum !== undefined) lows.push(Math.ceil(schema.minimum));
  if (schema.exclusiveMinimum !== undefined) lows.push(Math.floor(schema.exclusiveMinimum) + 1);
  if (schema.maximum !== undefined) highs.push(Math.floor(schema.maximum));
  if (schema.exclusiveMaximum !== undefined) highs.push(Math.ceil(schema.exclusiveMaximum) - 1);
  return [lows.length > 0 ? Math.max(...lows) : undefined, highs.length > 0 ? Math.min(...highs) : undefined];
}
