import type { PlanDocument } from '@tributary/schema';
import { formatSql } from '../format-sql.js';
import { quoteIdentifier } from '../identifiers.js';
import { planToWarehouse } from '../model/plan-to-warehouse.js';
import type { WarehouseModel } from '../model/types.js';
import { chunkSettingsSql, lockQuery, resetQueries } from './etl-bookkeeping.js';
import { type EtlPlan, etlPlanOf } from './etl-plan.js';
import { analyzeStatement, type EtlStatement, STAGE_TABLE, statement } from './etl-statement.js';
import { cookAllStatements, cookStatements } from './stage-cook.js';
import { classifyStatements } from './stage-classify.js';
import { extractStatement } from './stage-extract.js';
import { countsStatement, loadStatement, rejectStatement } from './stage-load.js';

/** The generated ETL of a plan: the statements of one chunk, in order, and the plan they came from. */
export interface EtlProgram {
  readonly plan: EtlPlan;
  readonly chunk: readonly EtlStatement[];
  /** Cooks every cooked table from processed.tracks at once (after `--full`, or when cooking fell behind). */
  readonly cookAll: readonly EtlStatement[];
  /**
   * Secondary indexes a `--full` run drops with the data and builds again after its last chunk and
   * cook (one sorted build per index instead of one index insertion per row): every index of the
   * processed and cooked tables except the keys and the two the chunk statements look rows up with
   * (processed.tracks by fingerprint, and by user and time).
   */
  readonly deferredIndexes: readonly DeferredIndex[];
}

/** A secondary index a full run rebuilds: `drop` (IF EXISTS) and `create` (IF NOT EXISTS). */
export interface DeferredIndex {
  readonly name: string;
  readonly drop: string;
  readonly create: string;
}

/** The secondary indexes of processed and cooked tables that the ETL's own lookups do not use. */
export function deferredIndexesOf(model: WarehouseModel): DeferredIndex[] {
  const usedByChunks = (table: string, columns: readonly string[]) =>
    table === 'tracks' && (columns[0] === 'fingerprint' || columns[0] === 'user_key');
  return model.tables
    .filter((t) => t.schema === 'processed' || t.schema === 'cooked')
    .flatMap((t) =>
      t.indexes
        .filter((index) => !(t.schema === 'processed' && usedByChunks(t.name, index.columns)))
        .map((index) => ({
          name: index.name,
          drop: `DROP INDEX IF EXISTS ${quoteIdentifier(t.schema)}.${quoteIdentifier(index.name)}`,
          create: `CREATE INDEX IF NOT EXISTS ${quoteIdentifier(index.name)} ON ${quoteIdentifier(t.schema)}.${quoteIdentifier(t.name)} (${index.columns.map(quoteIdentifier).join(', ')})`,
        })),
    );
}

/**
 * Generates the ETL of a plan document: extract with validation → classify (duplicates, spam) → load
 * (raw.rejected; processed.tracks, each event version's table and the non-track tables in one
 * statement; counts) → cook.
 * The runner executes `chunk` in one transaction per chunk with `$1`/`$2` = (watermark, high].
 * The statements of the extract stage come first and read only `raw.events` (never what another
 * chunk writes), so a runner may run them for the next chunk before the current one commits.
 */
export function compileEtl(document: PlanDocument): EtlProgram {
  const plan = etlPlanOf(document);
  return {
    plan,
    chunk: [
      extractStatement(plan),
      statement(
        'extract',
        'index the staged rows by seq (the validate and classify updates join on it)',
        `CREATE INDEX ON ${STAGE_TABLE} (seq)`,
      ),
      analyzeStatement('extract', 'etl_stage', ['seq', 'type', 'event', 'version', 'user_key']),
      ...classifyStatements(plan),
      rejectStatement(),
      loadStatement(plan),
      countsStatement(),
      ...cookStatements(plan),
    ],
    cookAll: cookAllStatements(plan),
    deferredIndexes: deferredIndexesOf(planToWarehouse(document)),
  };
}

/** Formats one statement for people; falls back to the generated text if the formatter cannot parse it. */
function readable(text: string): string {
  // sql-formatter does not know `CREATE TEMPORARY TABLE … ON COMMIT DROP AS`: keep that line as is.
  const create = /^(CREATE TEMPORARY TABLE \S+ ON COMMIT DROP AS)\n/.exec(text);
  const head = create ? `${create[1]}\n` : '';
  const body = create ? text.slice(head.length) : text;
  try {
    return `${head}${formatSql(body)}`;
  } catch {
    return text;
  }
}

/**
 * The whole ETL as one readable SQL script (what `tributary etl --sql` prints): the chunk
 * transaction with each statement under a comment naming its stage and parameters, then the
 * statements a `--full` run starts with.
 */
export function compileEtlSql(document: PlanDocument): string {
  const program = compileEtl(document);
  const params = (s: EtlStatement) =>
    s.params.length > 0 ? ` ($${s.params.map((p, i) => `${i + 1} = ${p}`).join(', $')})` : '';
  const parts = [
    `-- Tributary ETL for plan "${program.plan.name}": one transaction per chunk of raw.events seq in ($1, $2].`,
    `-- Reporting time zones: ${program.plan.reportingTimeZones.join(', ')}.`,
    'BEGIN;',
    `${chunkSettingsSql()};`,
    `${readable(lockQuery().sql.replace('$1', '7455317001'))};`,
    ...program.chunk.map((s) => `-- [${s.stage}] ${s.name}${params(s)}\n${readable(s.sql)};`),
    '-- then: watermark := $2, the chunk counts are added to tributary.etl_runs, and the run checks',
    '-- extracted = loaded + rejected + duplicates before COMMIT (a violation rolls the chunk back).',
    '-- The [cook] statements run only while the cooked tables are current (cook watermark = watermark).',
    'COMMIT;',
    '-- After the chunks of a --full run (or whenever the cooked tables fell behind), one transaction',
    '-- cooks everything and sets the cook watermark to the ETL watermark:',
    'BEGIN;',
    ...program.cookAll.map((s) => `-- [${s.stage}] ${s.name}${params(s)}\n${readable(s.sql)};`),
    '-- and builds the secondary indexes a --full run dropped:',
    ...program.deferredIndexes.map((i) => `${i.create};`),
    'COMMIT;',
    '-- --full starts with (one transaction):',
    ...resetQueries(program.plan).map((q) => `${readable(q.sql)};`),
    ...program.deferredIndexes.map((i) => `${i.drop};`),
  ];
  return `${parts.join('\n\n')}\n`;
}
