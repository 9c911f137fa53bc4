import { type Plan, type PlanDocument, toPlanDocument } from '@tributary/schema';
import {
  addChunkQuery,
  type ChunkCounts,
  chunkSettingsSql,
  COOK_PENDING,
  COOK_WATERMARK,
  compileEtl,
  type EtlParam,
  type EtlProgram,
  type EtlQuery,
  type EtlStatement,
  finishRunQuery,
  highSeqQuery,
  type IdentitySummary,
  identitySummarySql,
  lockQuery,
  readWatermarkQuery,
  resetQueries,
  startRunQuery,
  writeWatermarkQuery,
} from '@tributary/sql';
import type { SqlRunner, Warehouse } from '../warehouse.js';
import { EtlError } from './etl-error.js';

/** `full` rebuilds processed and cooked from raw; `incremental` continues from the watermark. */
export type EtlMode = 'full' | 'incremental';

/** Progress after each committed chunk. */
export interface EtlProgress {
  /** 1-based number of the chunk just committed. */
  readonly chunk: number;
  /** Chunks this run expects (seq range / chunk size; gaps in seq can make some empty). */
  readonly chunks: number;
  readonly toSeq: string;
  readonly highSeq: string;
  /** Rows extracted so far in this run. */
  readonly extracted: number;
  readonly elapsedMs: number;
  readonly rowsPerSecond: number;
  /**
   * Set when the run ends by cooking every cooked table at once: `all` as it starts (after the last
   * chunk), `done` when it has committed.
   */
  readonly cooking?: 'all' | 'done';
}

/** Test and diagnostics hooks. */
export interface EtlHooks {
  /** Runs inside a chunk's transaction after its work, before COMMIT: throwing rolls the chunk back. */
  readonly beforeCommit?: (chunk: number) => void | Promise<void>;
}

export interface RunEtlOptions {
  readonly warehouse: Warehouse;
  /** The plan, or its document (one of the two). */
  readonly plan?: Plan;
  readonly document?: PlanDocument;
  readonly mode: EtlMode;
  /** Raw rows (by seq) per chunk and transaction; default 100,000. */
  readonly chunkSize?: number;
  readonly onProgress?: (progress: EtlProgress) => void;
  readonly hooks?: EtlHooks;
  /** Injectable clock (ms). */
  readonly now?: () => number;
  /** A compiled program to reuse across runs (watch mode compiles once). */
  readonly program?: EtlProgram;
  /**
   * An incremental run whose backlog (raw rows to process) is at least this share of the rows
   * already processed cooks everything once at its end instead of chunk by chunk: re-cooking
   * chunk by chunk costs more per row than one rebuild, which costs in proportion to all the data.
   * Default 0.25; `0` always cooks at the end, `Infinity` only after `--full` or a stopped run.
   */
  readonly bulkCookRatio?: number;
  /**
   * On PostgreSQL (default true): extract and validate the next chunk on a second session while
   * the current one classifies and loads. Each chunk still commits alone and in order, under the
   * lock; the extract only reads raw.events. PGlite (one session) always runs chunk after chunk.
   */
  readonly pipeline?: boolean;
}

export const DEFAULT_BULK_COOK_RATIO = 0.25;

/** What a run did; extracted = loaded + rejected + duplicates always holds (checked per chunk). */
export interface EtlRunResult {
  readonly runId: string;
  readonly mode: EtlMode;
  readonly fromSeq: string;
  readonly toSeq: string;
  readonly chunks: number;
  readonly extracted: number;
  readonly loaded: number;
  readonly rejected: number;
  readonly duplicates: number;
  readonly rejectedByReason: Readonly<Record<string, number>>;
  readonly durationMs: number;
  /** Totals of the identity graph after the run (plan `etl.identity.mode` = `stitch`). */
  readonly identity?: IdentitySummary;
}

export const DEFAULT_CHUNK_SIZE = 100_000;

/** The plan document of the options, or a clear error. */
export function documentOf(options: {
  readonly plan?: Plan;
  readonly document?: PlanDocument;
}): PlanDocument {
  if (options.document) return options.document;
  if (options.plan) return toPlanDocument(options.plan);
  throw new EtlError(
    'etl_no_plan',
    'runEtl needs a plan (definePlan(...)) or its plan document; pass { plan } or { document }.',
  );
}

async function run(runner: SqlRunner, query: EtlQuery): Promise<Record<string, unknown>[]> {
  return runner.query(query.sql, query.parameters);
}

/**
 * Runs the ETL on a warehouse: raw.events rows with seq in (watermark, max seq at start] are
 * processed in chunks, each in one transaction (extract → validate → load → cook → watermark and
 * audit), so a crash leaves no partial work and the next run continues after the last commit.
 * `full` first empties processed and cooked, drops the ETL's raw.rejected rows and resets the
 * watermark (in one transaction). Throws `EtlError('etl_reconciliation')` when a chunk's counts
 * do not reconcile (that chunk is rolled back).
 *
 * @example
 * const result = await runEtl({ warehouse, plan, mode: 'incremental' });
 * // → { extracted: 1200, loaded: 1180, rejected: 15, duplicates: 5, … }
 */
export async function runEtl(options: RunEtlOptions): Promise<EtlRunResult> {
  const now = options.now ?? Date.now;
  const started = now();
  const program = options.program ?? compileEtl(documentOf(options));
  const stages = splitChunk(program);
  const chunkSize = BigInt(options.chunkSize ?? DEFAULT_CHUNK_SIZE);
  if (chunkSize < 1n) throw new RangeError('chunkSize must be at least 1');
  const { warehouse } = options;
  if (options.mode === 'full') {
    await warehouse.transaction(async (tx) => {
      await run(tx, lockQuery());
      for (const query of resetQueries(program.plan)) await run(tx, query);
      // Rebuilt after the last chunk (cookAllIfBehind): one sorted build each instead of row by row.
      for (const index of program.deferredIndexes) await tx.exec(index.drop);
    });
  }
  const high = BigInt(String((await run(warehouse, highSeqQuery()))[0]?.high ?? '0'));
  const from = await readWatermark(warehouse);
  if (options.mode === 'incremental' && high > from)
    await deferCookingOfLargeBacklog(warehouse, from, high, options.bulkCookRatio ?? DEFAULT_BULK_COOK_RATIO);
  const runId = String((await run(warehouse, startRunQuery(options.mode, from.toString())))[0]?.id);
  const chunks = high > from ? Number((high - from + chunkSize - 1n) / chunkSize) : 0;
  const totals = { extracted: 0, loaded: 0, rejected: 0, duplicates: 0 };
  const byReason: Record<string, number> = {};
  let chunk = 0;
  let last = from;
  /** Progress after a chunk (`cooking` unset) or around the final cook of everything. */
  const report = (cooking?: 'all' | 'done') => {
    const elapsedMs = now() - started;
    options.onProgress?.({
      chunk,
      chunks: Math.max(chunks, chunk),
      toSeq: last.toString(),
      highSeq: high.toString(),
      extracted: totals.extracted,
      elapsedMs,
      rowsPerSecond: elapsedMs > 0 ? Math.round((totals.extracted * 1000) / elapsedMs) : 0,
      ...(cooking ? { cooking } : {}),
    });
  };
  const pipelined = warehouse.kind === 'postgres' && options.pipeline !== false;
  /** The rest of a chunk after its extract, under the lock: classify, load, cook, watermark, audit. */
  const finish = async (tx: SqlRunner, from: bigint, to: bigint): Promise<ChunkCounts> => {
    // Cook chunk by chunk only while the cooked tables are current; else the run cooks all at its end.
    const cook = (await readCookWatermark(tx, from)) === from;
    const counts = await runChunk(tx, program, stages.rest, from, to, cook);
    await run(tx, writeWatermarkQuery(to.toString()));
    if (cook) await run(tx, writeWatermarkQuery(to.toString(), COOK_WATERMARK));
    await run(tx, addChunkQuery(runId, counts));
    await options.hooks?.beforeCommit?.(chunk + 1);
    return counts;
  };
  const nextTo = (from: bigint) => (from + chunkSize < high ? from + chunkSize : high);
  /**
   * On PostgreSQL, the next chunk's transaction opens on a second session as soon as this chunk's
   * extract has run: it extracts and validates (reading raw.events only) while this chunk
   * classifies and loads, then waits for this chunk to commit before it takes the lock.
   */
  const prefetch = (from: bigint): PrefetchedChunk | undefined =>
    pipelined && from < high
      ? prefetchChunk(warehouse, program, stages.extract, from, nextTo(from), finish)
      : undefined;
  let ahead: PrefetchedChunk | undefined;
  const abandonAhead = async () => {
    const pending = ahead;
    ahead = undefined;
    if (!pending) return;
    pending.proceed(false);
    await pending.committed.catch(() => undefined);
  };
  for (;;) {
    let done: ChunkCounts | undefined;
    try {
      if (ahead) {
        const current = ahead;
        ahead = undefined;
        current.proceed(true);
        ahead = prefetch(current.to);
        done = await current.committed;
        // Abandoned (another run moved the watermark): go on chunk by chunk from the watermark.
        if (!done) await abandonAhead();
      }
      if (!done) {
        done = await warehouse.transaction(async (tx) => {
          await tx.exec(chunkSettingsSql());
          await run(tx, lockQuery());
          const watermark = await readWatermark(tx);
          if (watermark >= high) return undefined;
          const to = nextTo(watermark);
          await runStatements(tx, program, stages.extract, watermark, to);
          ahead = prefetch(to);
          return finish(tx, watermark, to);
        });
      }
    } catch (error) {
      await abandonAhead();
      throw error;
    }
    if (!done) break;
    chunk += 1;
    last = BigInt(done.toSeq);
    totals.extracted += done.extracted;
    totals.loaded += done.loaded;
    totals.rejected += done.rejected;
    totals.duplicates += done.duplicates;
    for (const [rule, n] of Object.entries(done.rejectedByReason)) byReason[rule] = (byReason[rule] ?? 0) + n;
    report();
  }
  await abandonAhead();
  const cookedAll = await cookAllIfBehind(warehouse, program, () => report('all'));
  if (cookedAll) report('done');
  else if (chunk > 0 && warehouse.kind === 'pglite') await analyzeChangedTables(warehouse);
  const durationMs = now() - started;
  await run(warehouse, finishRunQuery(runId, durationMs));
  const identity =
    program.plan.identityMode === 'stitch'
      ? ((await warehouse.query(identitySummarySql()))[0] as IdentitySummary | undefined)
      : undefined;
  return {
    runId,
    mode: options.mode,
    fromSeq: from.toString(),
    toSeq: last.toString(),
    chunks: chunk,
    ...totals,
    rejectedByReason: byReason,
    durationMs,
    ...(identity ? { identity } : {}),
  };
}

async function readWatermark(runner: SqlRunner): Promise<bigint> {
  const rows = await run(runner, readWatermarkQuery());
  return BigInt(String(rows[0]?.seq ?? '0'));
}

/**
 * Marks the cooked tables for one rebuild at the end of this run when the backlog (high − from raw
 * seqs) is at least `ratio` × the rows already processed (seq ≤ from): then the chunks skip cooking.
 */
async function deferCookingOfLargeBacklog(
  warehouse: Warehouse,
  from: bigint,
  high: bigint,
  ratio: number,
): Promise<void> {
  if (!(Number(high - from) >= ratio * Number(from))) return;
  await warehouse.transaction(async (tx) => {
    await run(tx, lockQuery());
    const watermark = await readWatermark(tx);
    if ((await readCookWatermark(tx, watermark)) === watermark)
      await run(tx, writeWatermarkQuery(COOK_PENDING, COOK_WATERMARK));
  });
}

/** The cook watermark; a database without one (earlier versions) is cooked up to the ETL watermark. */
async function readCookWatermark(runner: SqlRunner, watermark: bigint): Promise<bigint> {
  const rows = await run(runner, readWatermarkQuery(COOK_WATERMARK));
  return rows[0] ? BigInt(String(rows[0].seq)) : watermark;
}

/**
 * When the cooked tables lag the processed ones (after `--full`, or a run that stopped before its
 * end), rebuilds them all from processed.tracks in one transaction, builds the secondary indexes
 * the full run dropped, and sets the cook watermark to the ETL watermark. Returns whether it cooked.
 */
async function cookAllIfBehind(
  warehouse: Warehouse,
  program: EtlProgram,
  onStart: () => void,
): Promise<boolean> {
  return warehouse.transaction(async (tx) => {
    await tx.exec(chunkSettingsSql());
    await run(tx, lockQuery());
    const watermark = await readWatermark(tx);
    if ((await readCookWatermark(tx, watermark)) === watermark) return false;
    onStart();
    await runStatements(tx, program, program.cookAll, 0n, watermark);
    for (const index of program.deferredIndexes) await tx.exec(index.create);
    await run(tx, writeWatermarkQuery(watermark.toString(), COOK_WATERMARK));
    return true;
  });
}

/**
 * An embedded database has no autovacuum: after chunks cooked one by one (a cook of everything
 * analyzes its tables), the processed and cooked tables changed by more than autovacuum's default
 * analyze threshold (50 rows + 10%) get fresh planner statistics, so metric and funnel queries do
 * not plan on the sizes of the first run. (PostgreSQL's autovacuum does this on a server.)
 */
async function analyzeChangedTables(warehouse: Warehouse): Promise<void> {
  const stale = await warehouse.query<{ name: string }>(
    `SELECT quote_ident(s.schemaname) || '.' || quote_ident(s.relname) AS name
     FROM pg_stat_user_tables AS s
     JOIN pg_class AS c ON c.oid = s.relid
     WHERE s.schemaname IN ('processed', 'cooked')
       AND s.n_mod_since_analyze > 50 + 0.1 * greatest(c.reltuples, 0)
     ORDER BY 1`,
  );
  if (stale.length > 0) await warehouse.exec(`ANALYZE ${stale.map((t) => t.name).join(', ')}`);
}

/**
 * A unique violation while loading: the row's (message id, source) is already in a processed table without
 * the ETL having loaded it (classify sets aside every id the ETL loaded). A reconciliation error.
 */
function loadedOutside(error: unknown, from: bigint, to: bigint): EtlError | undefined {
  const { code, detail, table } = (error ?? {}) as { code?: string; detail?: string; table?: string };
  if (code !== '23505') return undefined;
  return new EtlError(
    'etl_reconciliation',
    `ETL reconciliation failed for raw.events seq (${from}, ${to}]: a row to load is already in processed${table ? `.${table}` : ''} (${detail ?? 'duplicate message id of the source'}), loaded outside the ETL. The chunk was rolled back; nothing was loaded. Check processed tables for rows loaded outside the ETL, then run tributary etl --full.`,
    { fromSeq: from.toString(), toSeq: to.toString() },
  );
}

const paramValue = (param: EtlParam, program: EtlProgram, from: bigint, to: bigint): unknown =>
  param === 'fromSeq'
    ? from.toString()
    : param === 'toSeq'
      ? to.toString()
      : [...program.plan.reportingTimeZones];

/**
 * A chunk's statements in two: the extract stage that opens it (the staging table, its index and
 * statistics), which reads raw.events and nothing the other chunks write, so it may run before the
 * lock is taken; and the rest.
 */
function splitChunk(program: EtlProgram): {
  readonly extract: readonly EtlStatement[];
  readonly rest: readonly EtlStatement[];
} {
  const n = program.chunk.findIndex((s) => s.stage !== 'extract');
  const count = n === -1 ? program.chunk.length : n;
  const rest = program.chunk.slice(count);
  if (rest.some((s) => s.stage === 'extract'))
    throw new Error('the ETL program has extract statements after other stages');
  return { extract: program.chunk.slice(0, count), rest };
}

/** Runs statements with the chunk's parameters, in order. */
async function runStatements(
  tx: SqlRunner,
  program: EtlProgram,
  statements: readonly EtlStatement[],
  from: bigint,
  to: bigint,
): Promise<void> {
  for (const statement of statements)
    await tx.query(
      statement.sql,
      statement.params.map((p) => paramValue(p, program, from, to)),
    );
}

/** A chunk whose transaction is open on its own session, extracted and waiting for its turn. */
interface PrefetchedChunk {
  /** The chunk's last seq (the next chunk starts after it). */
  readonly to: bigint;
  /** Its counts once committed; `undefined` when abandoned (told not to go on, or the watermark moved). */
  readonly committed: Promise<ChunkCounts | undefined>;
  /** `true` once the chunk before it has committed; `false` rolls it back. */
  proceed(go: boolean): void;
}

const ABANDONED = Symbol('abandoned');

/**
 * Opens a transaction for the chunk (from, to] that runs its extract statements at once, then waits
 * for `proceed`: with `true` it takes the lock, checks the watermark is still `from` (else it rolls
 * back, abandoned) and runs `finish`; with `false` it rolls back.
 *
 * While it waits it holds only ACCESS SHARE on raw.events (and its own temporary table). The chunk
 * it waits for holds the same lock from its own extract on, so anything that blocks on the waiting
 * session (only ACCESS EXCLUSIVE on raw.events conflicts) blocks on the running chunk too: a lock
 * cycle through the wait is one PostgreSQL sees and breaks, never a silent hang. Nothing else may
 * run on a second session while a chunk or the cook holds locks it would need (the cook's ANALYZE
 * of processed.tracks, for one, conflicts with an index build there).
 */
function prefetchChunk(
  warehouse: Warehouse,
  program: EtlProgram,
  extract: readonly EtlStatement[],
  from: bigint,
  to: bigint,
  finish: (tx: SqlRunner, from: bigint, to: bigint) => Promise<ChunkCounts>,
): PrefetchedChunk {
  let proceed: (go: boolean) => void = () => undefined;
  const turn = new Promise<boolean>((resolve) => {
    proceed = resolve;
  });
  const committed = warehouse
    .transaction(async (tx) => {
      await tx.exec(chunkSettingsSql());
      await runStatements(tx, program, extract, from, to);
      if (!(await turn)) throw ABANDONED;
      await run(tx, lockQuery());
      if ((await readWatermark(tx)) !== from) throw ABANDONED;
      return finish(tx, from, to);
    })
    .catch((error: unknown) => {
      if (error === ABANDONED) return undefined;
      throw error;
    });
  // Awaited later (after the chunk before it); until then a failure must not count as unhandled.
  committed.catch(() => undefined);
  return { to, committed, proceed: (go) => proceed(go) };
}

/** Executes one chunk's statements and reconciles its counts; throws (rolling back) on a mismatch. */
async function runChunk(
  tx: SqlRunner,
  program: EtlProgram,
  statements: readonly EtlStatement[],
  from: bigint,
  to: bigint,
  cook: boolean,
): Promise<ChunkCounts> {
  const loaded = { tracks: 0, event: 0, message: 0 };
  let counts: Record<string, unknown> | undefined;
  for (const statement of statements) {
    if (!cook && statement.stage === 'cook') continue;
    const params = statement.params.map((p) => paramValue(p, program, from, to));
    const rows = await tx.query(statement.sql, params).catch((error: unknown) => {
      throw statement.result.kind === 'loaded' ? (loadedOutside(error, from, to) ?? error) : error;
    });
    if (statement.result.kind === 'loaded') {
      loaded.tracks += Number(rows[0]?.tracks ?? 0);
      loaded.event += Number(rows[0]?.event ?? 0);
      loaded.message += Number(rows[0]?.message ?? 0);
    }
    if (statement.result.kind === 'counts') counts = rows[0];
  }
  const extracted = Number(counts?.extracted ?? 0);
  const ok = Number(counts?.ok ?? 0);
  const rejected = Number(counts?.rejected ?? 0);
  const duplicates = Number(counts?.duplicates ?? 0);
  const total = loaded.tracks + loaded.message;
  const problems = [
    ...(extracted !== total + rejected + duplicates
      ? [`extracted ${extracted} ≠ loaded ${total} + rejected ${rejected} + duplicates ${duplicates}`]
      : []),
    ...(loaded.event !== loaded.tracks
      ? [`${loaded.tracks} rows went into processed.tracks but ${loaded.event} into the event tables`]
      : []),
    ...(ok !== total
      ? [`${ok} rows passed validation but ${total} were loaded (conflicting rows were skipped)`]
      : []),
    ...(Number(counts?.unclassified ?? 0) > 0
      ? [`${String(counts?.unclassified)} rows were left unclassified`]
      : []),
  ];
  if (problems.length > 0) {
    throw new EtlError(
      'etl_reconciliation',
      `ETL reconciliation failed for raw.events seq (${from}, ${to}]: ${problems.join('; ')}. The chunk was rolled back; nothing was loaded. Check processed tables for rows loaded outside the ETL, then run tributary etl --full.`,
      { fromSeq: from.toString(), toSeq: to.toString(), extracted, loaded: total, rejected, duplicates },
    );
  }
  return {
    toSeq: to.toString(),
    extracted,
    loaded: total,
    rejected,
    duplicates,
    rejectedByReason: (counts?.rejected_by_reason ?? {}) as Record<string, number>,
  };
}
