import { COOKED_TABLES } from './stage-cook.js';
import { IDENTITY_TABLES } from './stage-identity.js';
import { type Generated, type Kysely, type RawBuilder, sql } from 'kysely';
import { ddlKysely } from '../dialect/postgres/ddl-kysely.js';
import type { EtlPlan } from './etl-plan.js';
import { NON_TRACK_TABLES } from './etl-tables.js';
import { tableRef } from './sql-text.js';

/** A compiled query: SQL text with `$n` placeholders and its parameter values. */
export interface EtlQuery {
  readonly sql: string;
  readonly parameters: readonly unknown[];
}

/** The watermark row the ETL advances in `tributary.watermarks`: raw rows up to it are processed. */
export const ETL_WATERMARK = 'etl';
/**
 * The watermark of the cooked tables: they reflect the processed rows of raw seq up to it. Equal to
 * the ETL watermark when cooking keeps up chunk by chunk; `-1` after `--full` resets, which makes
 * the chunks skip cooking and the run cook everything at once at its end (also after a crash).
 * A database without this row (ETL runs of earlier versions) is cooked up to the ETL watermark.
 */
export const COOK_WATERMARK = 'cook';
/** The cook watermark's value while the cooked tables wait for a whole rebuild. */
export const COOK_PENDING = -1;
/** The advisory lock key that serialises ETL runs on one database ("tributary.etl" as a number). */
export const ETL_LOCK_KEY = 7_455_317_001;

/** The bookkeeping tables the ETL writes, as Kysely sees them (schema-qualified through withSchema). */
interface BookkeepingDb {
  watermarks: { name: string; seq: string; updated_at: unknown };
  etl_runs: { id: Generated<string>; mode: string; from_seq: string; to_seq: string };
  rejected: { stage: string };
}

const db = (): Kysely<BookkeepingDb> => ddlKysely() as unknown as Kysely<BookkeepingDb>;

function compiled(builder: { compile(): { sql: string; parameters: readonly unknown[] } }): EtlQuery {
  const { sql: text, parameters } = builder.compile();
  return { sql: text, parameters };
}

function raw(query: RawBuilder<unknown>): EtlQuery {
  return compiled({ compile: () => query.compile(ddlKysely()) });
}

/** Waits for the ETL lock of this transaction, so two runners never process the same rows. */
export function lockQuery(): EtlQuery {
  return raw(sql`select pg_advisory_xact_lock(${ETL_LOCK_KEY})`);
}

/**
 * The settings every chunk runs with: UTC (spam minutes), standard literal escaping, no JIT
 * (compiling the long generated expressions costs more than it saves on chunk-sized inputs),
 * and memory for the chunk's hash aggregations and sorts.
 */
export function chunkSettingsSql(): string {
  return "SET LOCAL TimeZone = 'UTC'; SET LOCAL standard_conforming_strings = on; SET LOCAL jit = off; SET LOCAL work_mem = '256MB'";
}

/** `{ seq }` of a watermark (default: the ETL's), or no row before the first run. */
export function readWatermarkQuery(name: string = ETL_WATERMARK): EtlQuery {
  return compiled(
    db()
      .withSchema('tributary')
      .selectFrom('watermarks')
      .select(sql<string>`seq::text`.as('seq'))
      .where('name', '=', name),
  );
}

/** `{ high }`: the highest seq in raw.events now; a run processes up to it. */
export function highSeqQuery(): EtlQuery {
  return raw(sql`select coalesce(max(seq), 0)::text as high from raw.events`);
}

/** Sets a watermark (default: the ETL's; insert or update). */
export function writeWatermarkQuery(seq: bigint | number | string, name: string = ETL_WATERMARK): EtlQuery {
  return compiled(
    db()
      .withSchema('tributary')
      .insertInto('watermarks')
      .values({ name, seq: String(seq), updated_at: sql`now()` })
      .onConflict((oc) =>
        oc.column('name').doUpdateSet({ seq: (eb) => eb.ref('excluded.seq'), updated_at: sql`now()` }),
      ),
  );
}

/** Starts an audit row in `tributary.etl_runs`; returns `{ id }`. */
export function startRunQuery(mode: string, fromSeq: bigint | number | string): EtlQuery {
  return compiled(
    db()
      .withSchema('tributary')
      .insertInto('etl_runs')
      .values({ mode, from_seq: String(fromSeq), to_seq: String(fromSeq) })
      .returning(sql<string>`id::text`.as('id')),
  );
}

/** The counts of one chunk, added to the run's audit row in the chunk's transaction. */
export interface ChunkCounts {
  readonly toSeq: string;
  readonly extracted: number;
  readonly loaded: number;
  readonly rejected: number;
  readonly duplicates: number;
  readonly rejectedByReason: Readonly<Record<string, number>>;
}

/** Adds a chunk to the run's audit row: counts summed, rejections per rule merged. */
export function addChunkQuery(runId: string, counts: ChunkCounts): EtlQuery {
  return raw(sql`update tributary.etl_runs set
  to_seq = ${counts.toSeq}::bigint,
  extracted = extracted + ${counts.extracted},
  loaded = loaded + ${counts.loaded},
  rejected = rejected + ${counts.rejected},
  duplicates = duplicates + ${counts.duplicates},
  rejected_by_reason = (
    select coalesce(jsonb_object_agg(key, total), '{}'::jsonb)
    from (
      select key, sum(value::bigint) as total
      from (
        select * from jsonb_each_text(rejected_by_reason)
        union all
        select * from jsonb_each_text(${JSON.stringify(counts.rejectedByReason)}::jsonb)
      ) as parts
      group by key
    ) as merged
  )
where id = ${runId}::bigint`);
}

/** Closes the run's audit row. */
export function finishRunQuery(runId: string, durationMs: number): EtlQuery {
  return raw(
    sql`update tributary.etl_runs set finished_at = now(), duration_ms = ${Math.round(durationMs)} where id = ${runId}::bigint`,
  );
}

/** Every table the ETL fills: processed (event lines, tracks, non-track) and cooked. */
export function etlTargetTables(plan: EtlPlan): string[] {
  return [
    ...plan.lines.map((line) => tableRef('processed', line.table)),
    tableRef('processed', 'tracks'),
    ...Object.values(NON_TRACK_TABLES).map((t) => tableRef('processed', t)),
    ...COOKED_TABLES.map((t) => tableRef('cooked', t)),
    ...(plan.identityMode === 'stitch' ? IDENTITY_TABLES.map((t) => tableRef('cooked', t)) : []),
  ];
}

/**
 * `--full`: empties processed and cooked, drops the ETL's rejections, resets the ETL watermark and
 * marks the cooked tables for a whole rebuild at the end of the run. One transaction.
 */
export function resetQueries(plan: EtlPlan): EtlQuery[] {
  return [
    { sql: `TRUNCATE ${etlTargetTables(plan).join(', ')}`, parameters: [] },
    compiled(db().withSchema('raw').deleteFrom('rejected').where('stage', '=', 'etl')),
    writeWatermarkQuery(0),
    writeWatermarkQuery(COOK_PENDING, COOK_WATERMARK),
  ];
}
