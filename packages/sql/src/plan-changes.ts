import { describeStatement } from './describe-statement.js';
import { qualifiedName, type TableModel, type WarehouseModel } from './model/types.js';
import type { Statement } from './statements.js';

/** One line of a migration header, and the slug part it suggests for the file name. */
export interface PlanChange {
  /** `event` for event versions added; `statement` for the DDL changes. */
  readonly level: 'event' | 'statement';
  readonly text: string;
  readonly slug: string;
}

/**
 * The plan-level changes a diff reflects: event versions added (with the table that stores them),
 * then every statement except those already implied (event tables, their indexes, schemas).
 */
export function describePlanChanges(
  previous: WarehouseModel | undefined,
  next: WarehouseModel,
  statements: readonly Statement[],
): PlanChange[] {
  const before = new Map((previous?.tables ?? []).map((t) => [qualifiedName(t), t]));
  const events: PlanChange[] = [];
  const eventTables = new Set<string>();
  for (const table of next.tables) {
    if (table.origin.kind !== 'event') continue;
    const old = before.get(qualifiedName(table));
    const known = new Set(old?.origin.kind === 'event' ? old.origin.versions : []);
    const added = table.origin.versions.filter((v) => !known.has(v));
    if (added.length === 0) continue;
    const list = added.map((v) => `v${v}`).join(', ');
    if (old === undefined) {
      eventTables.add(qualifiedName(table));
      const why = isLaterLine(table)
        ? ` (breaking change: a new major line from v${table.origin.major})`
        : '';
      events.push({
        level: 'event',
        text: `event ${table.origin.event} ${list} added${why}: new table ${qualifiedName(table)}`,
        slug: `add_${table.name}`,
      });
    } else {
      events.push({
        level: 'event',
        text: `event ${table.origin.event} ${list} added (compatible): stored in ${qualifiedName(table)}`,
        slug: `${table.origin.event}_${added.map((v) => `v${v}`).join('_')}`,
      });
    }
  }
  const rest = statements
    .filter((s) => s.kind !== 'create_schema')
    .filter((s) => !(s.kind === 'create_table' && eventTables.has(qualifiedName(s.table))))
    .filter((s) => !(s.kind === 'create_index' && eventTables.has(`${s.schema}.${s.table}`)))
    .filter(
      (s) =>
        !(
          s.kind === 'create_index' &&
          statements.some(
            (c) => c.kind === 'create_table' && c.table.schema === s.schema && c.table.name === s.table,
          )
        ),
    )
    .map((s) => ({ level: 'statement' as const, text: describeStatement(s), slug: statementSlug(s) }));
  return [...events, ...rest];
}

function isLaterLine(table: TableModel): boolean {
  return table.origin.kind === 'event' && table.name !== table.origin.event;
}

function statementSlug(s: Statement): string {
  switch (s.kind) {
    case 'create_table':
      return `create_${s.table.name}`;
    case 'add_column':
      return `add_${s.table}_${s.definition.name}`;
    case 'alter_column_type':
      return `widen_${s.table}_${s.column}`;
    case 'replace_check':
      return `extend_${s.table}_${s.to.column}`;
    default:
      return `${s.kind}_${'table' in s && typeof s.table === 'string' ? s.table : 'schema' in s ? s.schema : ''}`;
  }
}
