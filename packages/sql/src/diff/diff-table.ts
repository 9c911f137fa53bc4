import { stableStringify } from '@tributary/schema';
import type { CheckConstraint, ColumnModel, KeyConstraint, TableModel } from '../model/types.js';
import type { ColumnBackfill, Statement } from '../statements.js';
import { backfillOf } from './backfills.js';
import { isWidening, sameType } from './column-widening.js';

const byName = <T extends { readonly name: string }>(items: readonly T[]) =>
  new Map(items.map((i) => [i.name, i]));
// Key order must not matter: a snapshot read back from snapshot.json has sorted keys.
const sameJson = (a: unknown, b: unknown) => stableStringify(a ?? null) === stableStringify(b ?? null);

/** The statements that turn one existing table into its next shape (unordered; diffWarehouse sorts them). */
export function diffTable(prev: TableModel, next: TableModel): Statement[] {
  const on = { schema: next.schema, table: next.name };
  const out: Statement[] = [];
  const prevColumns = byName(prev.columns);
  const nextColumns = byName(next.columns);
  const added = new Set<string>();
  for (const column of next.columns) {
    const before = prevColumns.get(column.name);
    if (before === undefined) {
      added.add(column.name);
      out.push(...addColumn(on, column, backfillOf(next, column)));
      continue;
    }
    out.push(...changeColumn(on, before, column));
  }
  for (const column of prev.columns) {
    if (!nextColumns.has(column.name)) out.push({ kind: 'drop_column', ...on, definition: column });
  }
  out.push(...diffChecks(on, prev.checks, next.checks, added, nextColumns));
  out.push(...diffKeys(on, prev, next));
  const prevIndexes = byName(prev.indexes);
  const nextIndexes = byName(next.indexes);
  for (const index of next.indexes) {
    const before = prevIndexes.get(index.name);
    if (before && sameJson(before.columns, index.columns)) continue;
    if (before) out.push({ kind: 'drop_index', ...on, index: before });
    out.push({ kind: 'create_index', ...on, index });
  }
  for (const index of prev.indexes) {
    if (!nextIndexes.has(index.name)) out.push({ kind: 'drop_index', ...on, index });
  }
  return out;
}

/**
 * A NOT NULL column without a default cannot be added to a table with rows: add it nullable, then
 * (destructively) set NOT NULL; or, for a column whose existing values are known (`backfill`),
 * fill every row first, which makes the SET NOT NULL safe.
 */
function addColumn(
  on: { schema: string; table: string },
  column: ColumnModel,
  backfill: ColumnBackfill | undefined,
): Statement[] {
  if (column.nullable || column.default !== undefined)
    return [{ kind: 'add_column', ...on, definition: column }];
  const add: Statement = { kind: 'add_column', ...on, definition: { ...column, nullable: true } };
  if (backfill === undefined) return [add, { kind: 'set_not_null', ...on, column: column.name }];
  return [
    add,
    { kind: 'backfill_column', ...on, column: column.name, from: backfill },
    { kind: 'set_not_null', ...on, column: column.name, backfilled: true },
  ];
}

function changeColumn(
  on: { schema: string; table: string },
  before: ColumnModel,
  after: ColumnModel,
): Statement[] {
  const out: Statement[] = [];
  const at = { ...on, column: after.name };
  if (!sameType(before.type, after.type)) {
    out.push({
      kind: isWidening(before.type, after.type) ? 'alter_column_type' : 'change_column_type',
      ...at,
      from: before.type,
      to: after.type,
    });
  }
  if (!before.nullable && after.nullable) out.push({ kind: 'drop_not_null', ...at });
  if (before.nullable && !after.nullable) out.push({ kind: 'set_not_null', ...at });
  if (!sameJson(before.default, after.default)) {
    out.push(
      after.default === undefined
        ? { kind: 'drop_default', ...at }
        : { kind: 'set_default', ...at, value: after.default },
    );
  }
  return out;
}

function diffChecks(
  on: { schema: string; table: string },
  prev: readonly CheckConstraint[],
  next: readonly CheckConstraint[],
  addedColumns: ReadonlySet<string>,
  nextColumns: ReadonlyMap<string, ColumnModel>,
): Statement[] {
  const out: Statement[] = [];
  const before = byName(prev);
  const after = byName(next);
  for (const check of next) {
    const old = before.get(check.name);
    if (old === undefined) {
      out.push(
        addedColumns.has(check.column)
          ? { kind: 'add_check', ...on, check }
          : { kind: 'narrow_check', ...on, to: check },
      );
      continue;
    }
    if (old.column === check.column && sameJson(old.values, check.values)) continue;
    const widened = old.column === check.column && old.values.every((v) => check.values.includes(v));
    out.push(
      widened
        ? { kind: 'replace_check', ...on, from: old, to: check }
        : { kind: 'narrow_check', ...on, from: old, to: check },
    );
  }
  for (const check of prev) {
    // A dropped column takes its checks with it.
    if (!after.has(check.name) && nextColumns.has(check.column))
      out.push({ kind: 'drop_check', ...on, check });
  }
  return out;
}

/**
 * Keys: a key that only gains columns is widened in place (`widen_key`, safe: rows unique on fewer
 * columns are unique on more; a primary key's new columns must be NOT NULL). Any other change
 * drops the old key and adds the new one (both destructive).
 */
function diffKeys(on: { schema: string; table: string }, prev: TableModel, next: TableModel): Statement[] {
  const out: Statement[] = [];
  if (!sameJson(prev.primaryKey, next.primaryKey)) {
    const notNull = new Set(next.columns.filter((c) => !c.nullable).map((c) => c.name));
    if (
      prev.primaryKey &&
      next.primaryKey &&
      widens(prev.primaryKey, next.primaryKey) &&
      next.primaryKey.columns.every((c) => notNull.has(c))
    ) {
      out.push({
        kind: 'widen_key',
        ...on,
        constraint: 'primary key',
        from: prev.primaryKey,
        to: next.primaryKey,
      });
    } else {
      if (prev.primaryKey)
        out.push({ kind: 'drop_constraint', ...on, constraint: 'primary key', key: prev.primaryKey });
      if (next.primaryKey) out.push({ kind: 'add_primary_key', ...on, key: next.primaryKey });
    }
  }
  const kept = (key: KeyConstraint, among: readonly KeyConstraint[]) =>
    among.some((k) => k.name === key.name && sameJson(k.columns, key.columns));
  const removed = prev.uniques.filter((u) => !kept(u, next.uniques));
  const widened = new Set<KeyConstraint>();
  for (const unique of next.uniques) {
    if (kept(unique, prev.uniques)) continue;
    const from = removed.find((old) => !widened.has(old) && widens(old, unique));
    if (from) {
      widened.add(from);
      out.push({ kind: 'widen_key', ...on, constraint: 'unique', from, to: unique });
    } else out.push({ kind: 'add_unique', ...on, unique });
  }
  for (const unique of removed) if (!widened.has(unique)) out.push(dropUnique(on, unique));
  return out;
}

/** `to` has every column of `from` and more. */
function widens(from: KeyConstraint, to: KeyConstraint): boolean {
  return to.columns.length > from.columns.length && from.columns.every((c) => to.columns.includes(c));
}

function dropUnique(on: { schema: string; table: string }, key: KeyConstraint): Statement {
  return { kind: 'drop_constraint', ...on, constraint: 'unique', key };
}
