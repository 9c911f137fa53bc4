import { classifyVersions, fromPlanDocument, type PlanDocument } from '@tributary/schema';
import { etlPlanOf } from '../etl/etl-plan.js';
import { etlTables } from '../etl/etl-tables.js';
import { assertDistinctNames, type NameClaim } from './names.js';
import { eventLines, lineTableName } from './processed-tables.js';
import { bookkeepingTables, rawEventsTable, rawRejectedTable } from './system-tables.js';
import { type TableModel, WAREHOUSE_SCHEMAS, type WarehouseModel } from './types.js';

export interface PlanToWarehouseOptions {
  /** Top-level context properties that become `context_*` columns; all of them by default. */
  readonly contextColumns?: readonly string[];
}

/**
 * Builds the warehouse model of a plan document: schemas, `raw.*`, one `processed` table per
 * event major line (columns after the ETL's filtering, unit conversions, splits and merges),
 * `processed.tracks` and the non-track tables, `cooked.*` and `tributary.*` bookkeeping. Pure; throws an
 * `identifier_collision` SqlError when two names would become the same identifier.
 *
 * @example
 * planToWarehouse(toPlanDocument(plan)).tables.map((t) => `${t.schema}.${t.name}`)
 * // → ['raw.events', 'raw.rejected', 'processed.level_up', 'processed.level_up_v3', …]
 */
export function planToWarehouse(
  document: PlanDocument,
  options: PlanToWarehouseOptions = {},
): WarehouseModel {
  const plan = fromPlanDocument(document);
  const lines = eventLines(classifyVersions(plan));
  assertDistinctNames(
    lines.map((line) => ({
      full: lineTableName(line),
      source: line.first
        ? `event "${line.event}"`
        : `event "${line.event}" v${line.major} (breaking change, new table)`,
    })),
    'table',
    'schema processed',
    'as table names',
  );
  const tables: TableModel[] = [
    rawEventsTable(),
    rawRejectedTable(),
    // Processed event tables with the ETL's column declarations applied, processed.tracks and the
    // non-track tables, and the cooked tables (see ../etl/etl-tables.ts).
    ...etlTables(etlPlanOf(document, options)),
    ...bookkeepingTables(),
  ];
  assertRelationNames(tables);
  return { plan: plan.name, schemas: [...WAREHOUSE_SCHEMAS], tables };
}

/** Tables and indexes (including those behind primary keys and unique constraints) share a namespace per schema. */
function assertRelationNames(tables: readonly TableModel[]): void {
  const bySchema = new Map<string, NameClaim[]>();
  for (const table of tables) {
    const claims = bySchema.get(table.schema) ?? [];
    const of = `${table.schema}.${table.name}`;
    claims.push({ full: table.name, source: `table ${of}` });
    if (table.primaryKey) claims.push({ full: table.primaryKey.name, source: `the primary key of ${of}` });
    for (const u of table.uniques)
      claims.push({ full: u.name, source: `unique constraint of ${of} (${u.columns.join(', ')})` });
    for (const i of table.indexes)
      claims.push({ full: i.name, source: `index of ${of} (${i.columns.join(', ')})` });
    bySchema.set(table.schema, claims);
    assertDistinctNames(
      [
        ...(table.primaryKey ? [{ full: table.primaryKey.name, source: 'the primary key' }] : []),
        ...table.uniques.map((u) => ({
          full: u.name,
          source: `unique constraint (${u.columns.join(', ')})`,
        })),
        ...table.checks.map((c) => ({ full: c.name, source: `CHECK on column "${c.column}"` })),
      ],
      'constraint',
      `table ${of}`,
      'as constraint names',
    );
  }
  for (const [schema, claims] of bySchema)
    assertDistinctNames(claims, 'relation', `schema ${schema}`, 'as relation names');
}
