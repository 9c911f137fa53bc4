import type { PlanDocument } from '@tributary/schema';
import { type ColumnTypeName, TYPED_SCHEMAS, typedTables, type WarehouseModel } from '@tributary/sql';
import type { SqlRunner } from '../warehouse.js';
import { type CatalogColumn, introspectColumns } from './introspect.js';

/** information_schema's spelling of each model type. */
const DATA_TYPES: Readonly<Record<ColumnTypeName, string>> = {
  smallint: 'smallint',
  integer: 'integer',
  bigint: 'bigint',
  bigserial: 'bigint',
  'double precision': 'double precision',
  numeric: 'numeric',
  text: 'text',
  varchar: 'character varying',
  uuid: 'uuid',
  boolean: 'boolean',
  timestamptz: 'timestamp with time zone',
  date: 'date',
  jsonb: 'jsonb',
};

/** What the generated types say the database returns for a data type (nullability aside). */
const SELECT_TYPES: Readonly<Record<string, string>> = {
  smallint: 'number',
  integer: 'number',
  bigint: 'string',
  'double precision': 'number',
  numeric: 'string',
  text: 'string',
  'character varying': 'string',
  uuid: 'string',
  boolean: 'boolean',
  'timestamp with time zone': 'Date',
  date: 'string',
  jsonb: 'json',
};

export type TypeDifferenceKind =
  | 'missing_in_database'
  | 'missing_in_types'
  | 'type_mismatch'
  | 'nullability_mismatch';

/** One way the generated types and the live database disagree. */
export interface TypeDifference {
  readonly kind: TypeDifferenceKind;
  /** `processed.level_up.coins` */
  readonly column: string;
  readonly types?: string;
  readonly database?: string;
  readonly message: string;
}

/**
 * Compares the generated Kysely types (derived from the plan's warehouse model) with the live
 * database: a table or column on one side only, a different type, a different nullability.
 */
export async function compareTypesWithDatabase(
  db: SqlRunner,
  model: WarehouseModel,
  document: PlanDocument,
): Promise<TypeDifference[]> {
  const live = await introspectColumns(db, TYPED_SCHEMAS);
  return diffTypesAndCatalog(model, document, live);
}

/** The pure part of compareTypesWithDatabase. */
export function diffTypesAndCatalog(
  model: WarehouseModel,
  document: PlanDocument,
  live: readonly CatalogColumn[],
): TypeDifference[] {
  const out: TypeDifference[] = [];
  const liveByKey = new Map(live.map((c) => [`${c.schema}.${c.table}.${c.column}`, c]));
  const typedKeys = new Set<string>();
  for (const table of typedTables(model, document)) {
    for (const { column, ts } of table.columns) {
      const key = `${table.key}.${column.name}`;
      typedKeys.add(key);
      const actual = liveByKey.get(key);
      const expected = `${DATA_TYPES[column.type.name]}${column.type.name === 'varchar' ? `(${column.type.length})` : ''}`;
      if (!actual) {
        out.push({
          kind: 'missing_in_database',
          column: key,
          types: expected,
          message: `${key}: in the generated types (${ts.select}) but not in the database; run tributary migrate up.`,
        });
        continue;
      }
      const found = `${actual.dataType}${actual.maxLength !== null ? `(${actual.maxLength})` : ''}`;
      const selectOfDb = SELECT_TYPES[actual.dataType] ?? actual.dataType;
      const selectOfTypes =
        column.type.name === 'jsonb' ? 'json' : (SELECT_TYPES[DATA_TYPES[column.type.name]] ?? '');
      if (found !== expected || selectOfDb !== selectOfTypes) {
        out.push({
          kind: 'type_mismatch',
          column: key,
          types: expected,
          database: found,
          message: `${key}: the generated types expect ${expected}, the database has ${found}.`,
        });
      }
      if (actual.nullable !== column.nullable) {
        out.push({
          kind: 'nullability_mismatch',
          column: key,
          types: column.nullable ? 'nullable' : 'not null',
          database: actual.nullable ? 'nullable' : 'not null',
          message: `${key}: the generated types say ${column.nullable ? 'nullable' : 'not null'}, the database says ${actual.nullable ? 'nullable' : 'not null'}.`,
        });
      }
    }
  }
  for (const c of live) {
    const key = `${c.schema}.${c.table}.${c.column}`;
    if (!typedKeys.has(key)) {
      out.push({
        kind: 'missing_in_types',
        column: key,
        database: c.dataType,
        message: `${key}: in the database (${c.dataType}) but not in the generated types; was it added by hand? Add it to the plan or drop it.`,
      });
    }
  }
  return out;
}
