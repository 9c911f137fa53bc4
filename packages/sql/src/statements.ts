import type {
  CheckConstraint,
  ColumnDefault,
  ColumnModel,
  ColumnType,
  IndexModel,
  KeyConstraint,
  TableModel,
} from './model/types.js';

interface OnTable {
  readonly schema: string;
  readonly table: string;
}

interface OnColumn extends OnTable {
  readonly column: string;
}

/**
 * One DDL change, as plain data. Safe kinds only add or widen; the destructive kinds (see
 * STATEMENT_EFFECTS) drop, narrow or rewrite data and need `allowDestructive`.
 */
export type Statement =
  | { readonly kind: 'create_schema'; readonly schema: string }
  | { readonly kind: 'create_table'; readonly table: TableModel }
  | ({ readonly kind: 'add_column'; readonly definition: ColumnModel } & OnTable)
  | ({ readonly kind: 'alter_column_type'; readonly from: ColumnType; readonly to: ColumnType } & OnColumn)
  | ({ readonly kind: 'drop_not_null' } & OnColumn)
  | ({ readonly kind: 'set_default'; readonly value: ColumnDefault } & OnColumn)
  | ({ readonly kind: 'drop_default' } & OnColumn)
  | ({ readonly kind: 'add_check'; readonly check: CheckConstraint } & OnTable)
  | ({
      readonly kind: 'replace_check';
      readonly from: CheckConstraint;
      readonly to: CheckConstraint;
    } & OnTable)
  | ({ readonly kind: 'drop_check'; readonly check: CheckConstraint } & OnTable)
  | ({ readonly kind: 'create_index'; readonly index: IndexModel } & OnTable)
  | ({ readonly kind: 'drop_index'; readonly index: IndexModel } & OnTable)
  | ({ readonly kind: 'backfill_column'; readonly from: ColumnBackfill } & OnColumn)
  | ({
      readonly kind: 'widen_key';
      readonly constraint: 'unique' | 'primary key';
      readonly from: KeyConstraint;
      readonly to: KeyConstraint;
    } & OnTable)
  | ({ readonly kind: 'drop_table' } & OnTable)
  | ({ readonly kind: 'drop_column'; readonly definition: ColumnModel } & OnTable)
  | ({ readonly kind: 'change_column_type'; readonly from: ColumnType; readonly to: ColumnType } & OnColumn)
  | ({
      readonly kind: 'set_not_null';
      /** Set right after a `backfill_column` gave every existing row a value: not destructive. */
      readonly backfilled?: true;
    } & OnColumn)
  | ({
      readonly kind: 'narrow_check';
      readonly from?: CheckConstraint;
      readonly to: CheckConstraint;
    } & OnTable)
  | ({ readonly kind: 'add_unique'; readonly unique: KeyConstraint } & OnTable)
  | ({ readonly kind: 'add_primary_key'; readonly key: KeyConstraint } & OnTable)
  | ({
      readonly kind: 'drop_constraint';
      readonly constraint: 'unique' | 'primary key';
      readonly key: KeyConstraint;
    } & OnTable)
  | { readonly kind: 'drop_schema'; readonly schema: string };

/**
 * Where `backfill_column` takes the value of existing rows: the column of the same name in another
 * table, joined on `on` (`raw.events.source` by `seq` for the processed tables' `source`).
 */
export interface ColumnBackfill {
  readonly schema: string;
  readonly table: string;
  readonly on: string;
}

export type StatementKind = Statement['kind'];

/** A statement of one kind. */
export type StatementOf<K extends StatementKind> = Extract<Statement, { kind: K }>;

/** Whether a kind of statement only adds / widens (`safe`) or may lose or reject existing data (`destructive`). */
export const STATEMENT_EFFECTS: Readonly<Record<StatementKind, 'safe' | 'destructive'>> = {
  create_schema: 'safe',
  create_table: 'safe',
  add_column: 'safe',
  alter_column_type: 'safe',
  drop_not_null: 'safe',
  set_default: 'safe',
  drop_default: 'safe',
  add_check: 'safe',
  replace_check: 'safe',
  drop_check: 'safe',
  create_index: 'safe',
  drop_index: 'safe',
  backfill_column: 'safe',
  widen_key: 'safe',
  drop_table: 'destructive',
  drop_column: 'destructive',
  change_column_type: 'destructive',
  set_not_null: 'destructive',
  narrow_check: 'destructive',
  add_unique: 'destructive',
  add_primary_key: 'destructive',
  drop_constraint: 'destructive',
  drop_schema: 'destructive',
};

/** True for statements that need `allowDestructive`. */
export function isDestructive(statement: Statement): boolean {
  if (statement.kind === 'set_not_null' && statement.backfilled) return false;
  return STATEMENT_EFFECTS[statement.kind] === 'destructive';
}

/**
 * The order statements run in, by kind: schemas, tables, columns, type and nullability changes,
 * checks and keys, indexes; drops of columns, tables and schemas last.
 */
export const STATEMENT_PHASES: Readonly<Record<StatementKind, number>> = {
  create_schema: 0,
  create_table: 1,
  add_column: 2,
  drop_check: 3,
  drop_constraint: 3,
  drop_index: 3,
  backfill_column: 4,
  alter_column_type: 4,
  change_column_type: 4,
  drop_not_null: 5,
  set_not_null: 5,
  set_default: 5,
  drop_default: 5,
  add_check: 6,
  replace_check: 6,
  narrow_check: 6,
  add_unique: 6,
  add_primary_key: 6,
  widen_key: 6,
  create_index: 7,
  drop_column: 8,
  drop_table: 9,
  drop_schema: 10,
};
