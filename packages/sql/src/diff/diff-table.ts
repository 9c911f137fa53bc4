import { stableStringify } from '@tributary/schema';
import type { CheckConstraint, ColumnModel, KeyConstraint, TableModel } from '../model/types.js';
import type { Statement } from '../statements.js';
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
      out.push(...addColumn(on, column));
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

/** A NOT NULL column without a default cannot be added to a table with rows: add it nullable, then (destructively) set NOT NULL. */
function addColumn(on: { schema: string; table: string }, column: ColumnModel): Statement[] {
  if (column.nullable || column.default !== undefined)
    return [{ kind: 'add_column', ...on, definition: column }];
  return [
    { kind: 'add_column', ...on, definition: { ...column, nullable: true } },
    { kind: 'set_not_null', ...on, column: column.name },
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

function diffKeys(on: { schema: string; table: string }, prev: TableModel, next: TableModel): Statement[] {
  const out: Statement[] = [];
  if (!sameJson(prev.primaryKey, next.primaryKey)) {
    if (prev.primaryKey)
      out.push({ kind: 'drop_constraint', ...on, constraint: 'primary key', key: prev.primaryKey });
    if (next.primaryKey) out.push({ kind: 'add_primary_key', ...on, key: next.primaryKey });
  }
  const before = byName(prev.uniques);
  const after = byName(next.uniques);
  for (const unique of next.uniques) {
    const old = before.get(unique.name);
    if (old && sameJson(old.columns, unique.columns)) continue;
    if (old) out.push(dropUnique(on, old));
    out.push({ kind: 'add_unique', ...on, unique });
  }
  for (const unique of prev.uniques) if (!after.has(unique.name)) out.push(dropUnique(on, unique));
  return out;
}

function dropUnique(on: { schema: string; table: string }, key: KeyConstraint): Statement {
  return { kind: 'drop_constraint', ...on, constraint: 'unique', key };
}
