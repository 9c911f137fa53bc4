import { isNullable, type JsonSchema, type ObjectSchema, unwrapNullable } from '@tributary/schema';
import { type ColumnMapping, mapColumn } from './column-mapping.js';

/** One leaf of an object schema: the dotted path it comes from and the column it becomes. */
export interface FlatColumn {
  /** Dotted property path: `store.country`. */
  readonly path: string;
  /** The column name before shortening: the path joined with `_` (plus a prefix). */
  readonly name: string;
  readonly mapping: ColumnMapping;
}

/**
 * Flattens an object schema into columns: nested objects become `<parent>_<child>` columns,
 * everything else (arrays, unions, scalars) one column. A value is nullable when it, or any
 * object above it, is optional or nullable.
 */
export function flattenObject(schema: ObjectSchema, prefix = ''): FlatColumn[] {
  const out: FlatColumn[] = [];
  walk(schema, '', prefix, false, out);
  return out;
}

function walk(
  schema: ObjectSchema,
  path: string,
  prefix: string,
  parentNullable: boolean,
  out: FlatColumn[],
): void {
  const required = new Set(schema.required);
  for (const [key, property] of Object.entries(schema.properties)) {
    const childPath = path ? `${path}.${key}` : key;
    const name = `${prefix}${childPath.replaceAll('.', '_')}`;
    const nullable = parentNullable || !required.has(key) || isNullable(property);
    const inner: JsonSchema = unwrapNullable(property);
    if ('type' in inner && inner.type === 'object' && Object.keys(inner.properties).length > 0) {
      walk(inner, childPath, prefix, nullable, out);
      continue;
    }
    const mapping = mapColumn(property);
    out.push({ path: childPath, name, mapping: { ...mapping, nullable: mapping.nullable || nullable } });
  }
}
