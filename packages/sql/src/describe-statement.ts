import { type CheckValue, columnTypeSql, type ColumnModel } from './model/types.js';
import type { Statement, StatementKind, StatementOf } from './statements.js';

type Describers = { readonly [K in StatementKind]: (statement: StatementOf<K>) => string };

const t = (s: { schema: string; table: string }) => `table ${s.schema}.${s.table}`;
const c = (s: { schema: string; table: string; column: string }) => `${t(s)}, column "${s.column}"`;
const values = (list: readonly CheckValue[]) =>
  list.map((v) => (typeof v === 'string' ? `'${v}'` : String(v))).join(', ');
const columnList = (columns: readonly string[]) => columns.map((x) => `"${x}"`).join(', ');
const definition = (col: ColumnModel) => `${columnTypeSql(col.type)}${col.nullable ? '' : ' NOT NULL'}`;

const describers: Describers = {
  create_schema: (s) => `schema ${s.schema} created`,
  create_table: (s) => `table ${s.table.schema}.${s.table.name} created`,
  add_column: (s) => `${t(s)}, column "${s.definition.name}" added (${definition(s.definition)})`,
  alter_column_type: (s) => `${c(s)}: type widened from ${columnTypeSql(s.from)} to ${columnTypeSql(s.to)}`,
  drop_not_null: (s) => `${c(s)}: NOT NULL dropped (null is now allowed)`,
  set_default: (s) => `${c(s)}: default set`,
  drop_default: (s) => `${c(s)}: default dropped`,
  add_check: (s) =>
    `${t(s)}, column "${s.check.column}": CHECK ${s.check.name} allows ${values(s.check.values)}`,
  replace_check: (s) =>
    `${t(s)}, column "${s.to.column}": CHECK ${s.to.name} widened to also allow ${values(s.to.values.filter((v) => !s.from.values.includes(v)))}`,
  drop_check: (s) => `${t(s)}, column "${s.check.column}": CHECK ${s.check.name} dropped (any value allowed)`,
  create_index: (s) => `${t(s)}: index ${s.index.name} created on (${s.index.columns.join(', ')})`,
  drop_index: (s) => `${t(s)}: index ${s.index.name} dropped`,
  backfill_column: (s) =>
    `${c(s)}: existing rows filled from ${s.from.schema}.${s.from.table} (joined on "${s.from.on}")`,
  widen_key: (s) =>
    `${t(s)}: ${s.constraint} ${s.from.name} (${columnList(s.from.columns)}) replaced by ${s.to.name} (${columnList(s.to.columns)}) (existing rows cannot violate it: it only adds columns)`,
  drop_table: (s) => `${t(s)}: table dropped (drop_table; every row is lost)`,
  drop_column: (s) =>
    `${t(s)}, column "${s.definition.name}": column dropped (drop_column; its data is lost)`,
  change_column_type: (s) =>
    `${c(s)}: type changed from ${columnTypeSql(s.from)} to ${columnTypeSql(s.to)} (change_column_type; a narrowing or incompatible type change, existing values may not convert)`,
  set_not_null: (s) =>
    s.backfilled
      ? `${c(s)}: NOT NULL added (every existing row was filled)`
      : `${c(s)}: NOT NULL added (set_not_null; existing rows may hold null)`,
  narrow_check: (s) =>
    s.from === undefined
      ? `${t(s)}, column "${s.to.column}": CHECK ${s.to.name} added to an existing column (narrow_check; existing values may violate it)`
      : `${t(s)}, column "${s.to.column}": CHECK ${s.to.name} narrowed from (${values(s.from.values)}) to (${values(s.to.values)}) (narrow_check; existing values may violate it)`,
  add_unique: (s) =>
    `${t(s)}, column(s) ${s.unique.columns.map((x) => `"${x}"`).join(', ')}: unique constraint ${s.unique.name} added (add_unique; existing rows may violate it)`,
  add_primary_key: (s) =>
    `${t(s)}, column(s) ${s.key.columns.map((x) => `"${x}"`).join(', ')}: primary key ${s.key.name} added (add_primary_key; existing rows may violate it)`,
  drop_constraint: (s) =>
    `${t(s)}, column(s) ${s.key.columns.map((x) => `"${x}"`).join(', ')}: ${s.constraint} ${s.key.name} dropped (drop_constraint)`,
  drop_schema: (s) => `schema ${s.schema} dropped (drop_schema)`,
};

/** A one-line, human description of a statement: names the table, the column and the change. */
export function describeStatement(statement: Statement): string {
  return (describers[statement.kind] as (s: Statement) => string)(statement);
}
