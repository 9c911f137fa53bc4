import { SqlError } from '../errors.js';
import { qualifiedName, type WarehouseModel } from '../model/types.js';
import type { WarehouseSnapshot } from '../snapshot.js';
import { describeStatement } from '../describe-statement.js';
import { isDestructive, STATEMENT_PHASES, type Statement } from '../statements.js';
import { diffTable } from './diff-table.js';

export interface DiffOptions {
  /** Allow statements that drop, narrow or rewrite existing data. Off by default. */
  readonly allowDestructive?: boolean;
}

/**
 * The statements that take a warehouse from a snapshot (or from nothing) to `next`, in dependency
 * order: schemas, tables, columns, type/nullability changes, checks, indexes, then drops. Returns
 * [] when nothing changed. Throws a `destructive_change` SqlError naming every table, column and
 * change unless `allowDestructive` is set.
 */
export function diffWarehouse(
  previous: WarehouseSnapshot | undefined,
  next: WarehouseModel,
  options: DiffOptions = {},
): Statement[] {
  const before = previous?.model;
  const out: Statement[] = [];
  const prevSchemas = new Set(before?.schemas ?? []);
  for (const schema of next.schemas)
    if (!prevSchemas.has(schema)) out.push({ kind: 'create_schema', schema });
  const prevTables = new Map((before?.tables ?? []).map((t) => [qualifiedName(t), t]));
  const nextTables = new Set(next.tables.map(qualifiedName));
  for (const table of next.tables) {
    const old = prevTables.get(qualifiedName(table));
    if (old) {
      out.push(...diffTable(old, table));
      continue;
    }
    out.push({ kind: 'create_table', table });
    for (const index of table.indexes)
      out.push({ kind: 'create_index', schema: table.schema, table: table.name, index });
  }
  for (const table of before?.tables ?? []) {
    if (!nextTables.has(qualifiedName(table)))
      out.push({ kind: 'drop_table', schema: table.schema, table: table.name });
  }
  const nextSchemas = new Set(next.schemas);
  for (const schema of before?.schemas ?? [])
    if (!nextSchemas.has(schema)) out.push({ kind: 'drop_schema', schema });
  const ordered = out
    .map((statement, position) => ({ statement, position }))
    .sort(
      (a, b) =>
        STATEMENT_PHASES[a.statement.kind] - STATEMENT_PHASES[b.statement.kind] || a.position - b.position,
    )
    .map((x) => x.statement);
  if (!options.allowDestructive) assertNoDestructive(ordered);
  return ordered;
}

function assertNoDestructive(statements: readonly Statement[]): void {
  const destructive = statements.filter(isDestructive);
  if (destructive.length === 0) return;
  const lines = destructive.map((s) => `- ${describeStatement(s)}`);
  throw new SqlError(
    'destructive_change',
    `Refusing ${destructive.length} destructive warehouse change${destructive.length === 1 ? '' : 's'}:\n${lines.join('\n')}\n` +
      'Existing data could be lost or rejected. Prefer a new event version (a breaking change gets its own table); ' +
      'to apply the change anyway pass allowDestructive: true (CLI: --allow-destructive).',
    { changes: destructive },
  );
}
