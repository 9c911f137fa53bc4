// bench/identity: what identity resolution costs. On the ETL test data set (~20% of users browse
// anonymously, then sign in; second devices, shared devices, aliases): a full run (runEtl --full),
// then 1% new raw rows carrying NEW links (anonymous-only users of the data signing in, half of
// them to user ids the data already has, plus new users with their own sign-ins) and an
// incremental run, as a share of the full run (goal ≤ 5%). The same plan with etl.identity.mode
// 'none' is timed in the same run (full and incremental, alternating which goes first) and every
// ETL statement is timed, so the identity statements' share is known. Then metric queries per id
// (identity 'raw', what every metric read before stitching) against per person ('stitch') on the
// same data (goal ≤ 1.5×), and a check that the incremental run left the cooked tables a full run
// builds. Not a timed test.
// Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:identity -w @tributary/bench
// (without DATABASE_URL it runs on in-memory PGlite, 100,000 events by default, and times the
// incremental run once, without the 'none' copies). Sizes: TRIBUTARY_BENCH_IDENTITY_EVENTS
// (default 1,000,000 on PostgreSQL), _SIGN_INS (existing anonymous users signing in, default one
// per 4,000 events), _ROUNDS (incremental runs per mode, default 3), _FULL_ROUNDS (default 1),
// _METRIC_ROUNDS (default 5), _CHECK=0 skips the incremental = full check, _KEEP=1 keeps the
// database as the incremental runs found it (to replay statements under EXPLAIN ANALYZE on copies).
import { createHash } from 'node:crypto';
import os from 'node:os';
import type { PlanDocument } from '@tributary/schema';
import {
  compileDdl,
  compileEtl,
  type EtlStatement,
  etlTargetTables,
  metricCatalogOf,
  planToWarehouse,
} from '@tributary/sql';
import { connect, type EtlRunResult, runEtl, runMetric, type Warehouse } from '@tributary/warehouse';
import {
  dropDatabase,
  etlTestDocument,
  generateDataset,
  insertRawRows,
  tableContents,
} from '@tributary/warehouse/testing';
import { copyDatabase, createDatabase } from './database-copies.ts';
import { metricCases } from './metric-cases.ts';
import { newEventsWithLinks, ROWS_PER_SIGN_IN } from './new-events.ts';
import { type StatementTimes, timedWarehouse, timesByStage } from './statement-timer.ts';

const adminUrl = process.env.DATABASE_URL;
const env = (name: string, fallback: number) =>
  Number(process.env[`TRIBUTARY_BENCH_IDENTITY_${name}`] ?? fallback);
const EVENTS = env('EVENTS', adminUrl ? 1_000_000 : 100_000);
const SIGN_INS = env('SIGN_INS', Math.max(1, Math.round(EVENTS / 4000)));
const ROUNDS = Math.max(1, env('ROUNDS', 3));
const FULL_ROUNDS = Math.max(1, env('FULL_ROUNDS', 1));
const METRIC_ROUNDS = Math.max(1, env('METRIC_ROUNDS', 5));
const CHECK = process.env.TRIBUTARY_BENCH_IDENTITY_CHECK !== '0';
const KEEP = process.env.TRIBUTARY_BENCH_IDENTITY_KEEP === '1';

type Mode = 'stitch' | 'none';
const documents: Record<Mode, PlanDocument> = {
  stitch: etlTestDocument,
  none: { ...etlTestDocument, etl: { ...etlTestDocument.etl, identity: { mode: 'none' } } },
};
const programs = { stitch: compileEtl(documents.stitch), none: compileEtl(documents.none) };
const stitchStatements = [...programs.stitch.chunk, ...programs.stitch.cookAll];
/** The texts of the statements only `stitch` has (the final ANALYZE, in both, counts as cook). */
const noneNames = new Set([...programs.none.chunk, ...programs.none.cookAll].map((s) => s.name));
const identitySql = new Set(stitchStatements.filter((s) => !noneNames.has(s.name)).map((s) => s.sql));

const started = performance.now();
const seconds = (ms: number) => (ms / 1000).toFixed(2);
const percent = (part: number, whole: number) => `${((100 * part) / whole).toFixed(1)}%`;
function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? Number.NaN)
    : ((sorted[mid - 1] ?? Number.NaN) + (sorted[mid] ?? Number.NaN)) / 2;
}
const progress = (message: string) => console.log(`  [${seconds(performance.now() - started)} s] ${message}`);

/** Per table: row count and an md5 of its sorted rows (load times and surrogate ids left out). */
async function digest(db: Warehouse, tables: readonly string[]): Promise<Record<string, string>> {
  const contents = await tableContents(db, tables);
  return Object.fromEntries(
    tables.map((table) => {
      const body = contents[table] ?? '';
      const rows = body === '' ? 0 : body.split('\n').length;
      return [table, `${rows}:${createHash('md5').update(body).digest('hex')}`];
    }),
  );
}

/** Runs the ETL in `mode`, timing each statement when the plan stitches. */
async function timedRun(
  db: Warehouse,
  identity: Mode,
  mode: 'full' | 'incremental',
): Promise<{ ms: number; result: EtlRunResult; times?: StatementTimes }> {
  const timed = identity === 'stitch' ? timedWarehouse(db, stitchStatements) : undefined;
  const t = performance.now();
  const result = await runEtl({
    warehouse: timed?.warehouse ?? db,
    document: documents[identity],
    mode,
    onProgress: (p) => {
      if (p.cooking === 'all')
        progress(`${mode} (${identity}): ${p.chunk} chunks loaded, cooking everything`);
    },
  });
  const ms = performance.now() - t;
  progress(`${mode} run, identity ${identity}: ${seconds(ms)} s`);
  return { ms, result, ...(timed ? { times: timed.times } : {}) };
}

const identityMs = (times: StatementTimes | undefined) =>
  [...identitySql].reduce((ms, sql) => ms + (times?.bySql.get(sql) ?? 0), 0);

/**
 * The `n` slowest of `statements` that ran (median milliseconds over the runs timed), the identity
 * statements marked, so they can be set against the per-id ones they mirror.
 */
function slowestStatements(
  runs: readonly StatementTimes[],
  statements: readonly EtlStatement[],
  n = 8,
): string[] {
  const unique = [...new Map(statements.map((s) => [s.sql, s])).values()];
  return unique
    .map((s): [EtlStatement, number] => [s, median(runs.map((t) => t.bySql.get(s.sql) ?? 0))])
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(
      ([s, ms]) =>
        `    ${seconds(ms).padStart(6)} s  ${identitySql.has(s.sql) ? '[identity] ' : ''}${s.name}`,
    );
}

const baseName = `tributary_bench_identity_${process.pid}`;
const created: string[] = [];
let db: Warehouse = adminUrl ? await createDatabase(adminUrl, baseName) : await connect('memory://');
if (adminUrl) created.push(baseName);
let kept: Warehouse | undefined;

try {
  const server = (await db.query<{ v: string }>("SELECT current_setting('server_version') AS v"))[0]?.v;
  console.log(
    `bench/identity on ${adminUrl ? 'PostgreSQL' : 'PGlite (in memory)'} ${server}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB`,
  );
  await db.exec(compileDdl(planToWarehouse(documents.stitch)));
  const rows = generateDataset({ events: EVENTS, seed: 99 });
  await insertRawRows(db, rows);
  await db.exec('ANALYZE raw.events');
  progress(`${rows.length.toLocaleString('en')} raw rows generated and inserted`);

  // Full runs, the last one with stitching (the incremental runs continue from it).
  const full: Record<Mode, number[]> = { stitch: [], none: [] };
  const fullTimes: StatementTimes[] = [];
  let fullResult: EtlRunResult | undefined;
  for (let round = 0; round < FULL_ROUNDS; round++) {
    const order: Mode[] = (FULL_ROUNDS - 1 - round) % 2 === 0 ? ['none', 'stitch'] : ['stitch', 'none'];
    for (const identity of order) {
      const run = await timedRun(db, identity, 'full');
      full[identity].push(run.ms);
      if (identity === 'stitch') {
        if (run.times) fullTimes.push(run.times);
        fullResult = run.result;
      }
    }
  }
  const [counts] = await db.query<{ ids: number; persons: number; signedIn: number; links: number }>(
    `SELECT (SELECT count(*) FROM cooked.users WHERE time_zone = 'UTC')::integer AS ids,
  (SELECT count(*) FROM cooked.persons WHERE time_zone = 'UTC')::integer AS persons,
  (SELECT count(DISTINCT i.person_key) FROM cooked.users AS u JOIN cooked.identities AS i ON i.id = u.user_key
   WHERE u.time_zone = 'UTC' AND u.user_id IS NULL AND i.person_key <> u.user_key)::integer AS "signedIn",
  (SELECT count(*) FROM cooked.identity_links)::integer AS links`,
  );

  // 1% new rows with new links.
  const extra = await newEventsWithLinks(db, {
    events: Math.round(rows.length / 100),
    signIns: SIGN_INS,
    start: '2024-03-17T00:00:00Z',
  });
  await insertRawRows(db, extra.rows, 'bench');
  progress(
    `${extra.rows.length.toLocaleString('en')} new raw rows: ${extra.signIns} existing anonymous users sign in (${extra.intoExistingUsers} to existing user ids), the rest new users`,
  );

  // Incremental runs, each on a copy of the same database (PostgreSQL), alternating which goes first.
  const incremental: Record<Mode, number[]> = { stitch: [], none: [] };
  const stitchTimes: StatementTimes[] = [];
  let incrementalResult: EtlRunResult | undefined;
  if (adminUrl) {
    await db.close();
    for (let round = 0; round < ROUNDS; round++) {
      const order: Mode[] = round % 2 === 0 ? ['stitch', 'none'] : ['none', 'stitch'];
      for (const identity of order) {
        const name = `${baseName}_${identity}_${round}`;
        const copy = await copyDatabase(adminUrl, baseName, name);
        created.push(name);
        const run = await timedRun(copy, identity, 'incremental');
        incremental[identity].push(run.ms);
        if (run.times) stitchTimes.push(run.times);
        if (identity === 'stitch' && !kept) {
          kept = copy;
          incrementalResult = run.result;
        } else {
          await copy.close();
          await dropDatabase(adminUrl, name);
        }
      }
    }
  } else {
    const run = await timedRun(db, 'stitch', 'incremental');
    incremental.stitch.push(run.ms);
    if (run.times) stitchTimes.push(run.times);
    incrementalResult = run.result;
    kept = db;
  }
  const after = kept ?? db;
  db = after;

  // Metric queries per id and per person on the data after the incremental run.
  const catalog = metricCatalogOf(documents.stitch);
  const now = () => Date.parse('2024-06-01T00:00:00Z');
  const cases = metricCases({ from: '2024-03-04', to: '2024-03-24' });
  const metricRows: string[] = [];
  const ratios: number[] = [];
  let rawTotal = 0;
  let stitchTotal = 0;
  for (const c of cases) {
    const time = async (identity: 'raw' | 'stitch') => {
      const t = performance.now();
      const run = await runMetric(after, { ...c.spec, identity }, { catalog, now });
      return { ms: performance.now() - t, rows: run.rows as unknown as Record<string, unknown>[] };
    };
    // One untimed run of each first, so neither meets a cold cache.
    const summaries = {
      raw: c.summary((await time('raw')).rows),
      stitch: c.summary((await time('stitch')).rows),
    };
    const ms = { raw: [] as number[], stitch: [] as number[] };
    for (let round = 0; round < METRIC_ROUNDS; round++) {
      const order = round % 2 === 0 ? (['raw', 'stitch'] as const) : (['stitch', 'raw'] as const);
      for (const identity of order) ms[identity].push((await time(identity)).ms);
    }
    const raw = median(ms.raw);
    const stitched = median(ms.stitch);
    rawTotal += raw;
    stitchTotal += stitched;
    ratios.push(stitched / raw);
    metricRows.push(
      `| ${c.name} | ${raw.toFixed(0)} ms | ${stitched.toFixed(0)} ms | ${(stitched / raw).toFixed(2)}× | ${summaries.raw} | ${summaries.stitch} |`,
    );
  }
  progress(`metric queries timed (${METRIC_ROUNDS} rounds each)`);

  // The incremental run must have left what a full run builds from the same rows.
  let check = 'skipped';
  let checkFullMs: number | undefined;
  if (CHECK) {
    const cooked = etlTargetTables(programs.stitch.plan).filter((t) => t.startsWith('"cooked"'));
    const before = await digest(after, cooked);
    const rebuilt = await timedRun(after, 'stitch', 'full');
    const rebuiltDigest = await digest(after, cooked);
    const differing = cooked.filter((t) => before[t] !== rebuiltDigest[t]);
    checkFullMs = rebuilt.ms;
    check = differing.length === 0 ? `yes (${cooked.length} cooked tables)` : `NO: ${differing.join(', ')}`;
    if (differing.length > 0) process.exitCode = 1;
  }

  const fullMs = median(full.stitch);
  const fullIdentityMs = median(fullTimes.map(identityMs));
  const incrementalMs = median(incremental.stitch);
  const id = fullResult?.identity;
  console.log(
    `\ndata: ${rows.length.toLocaleString('en')} raw rows; ${counts?.ids.toLocaleString('en')} ids, ${counts?.persons.toLocaleString('en')} persons; ${counts?.signedIn.toLocaleString('en')} persons (${percent(counts?.signedIn ?? 0, counts?.persons ?? 1)}) browsed anonymously, then signed in; ${id?.links.toLocaleString('en')} links, ${id?.conflicts} conflicts`,
  );
  console.log(
    `full run (${fullResult?.chunks} chunks, median of ${full.stitch.length}): stitch ${seconds(fullMs)} s, of which identity statements ${seconds(fullIdentityMs)} s (${percent(fullIdentityMs, fullMs)}); the same plan with identity 'none' ${seconds(median(full.none))} s (stitch / none ${(fullMs / median(full.none)).toFixed(2)}×)`,
  );
  console.log('  slowest statements of its final cook:');
  for (const line of slowestStatements(fullTimes, programs.stitch.cookAll)) console.log(line);
  const newLinks = (incrementalResult?.identity?.links ?? 0) - (id?.links ?? 0);
  const ratio = (ms: number) =>
    `${percent(incrementalMs, ms)} of the full run (goal ≤ 5%: ${incrementalMs <= 0.05 * ms ? 'met' : 'MISSED'})`;
  console.log(
    `incremental over ${extra.rows.length.toLocaleString('en')} new rows (${percent(extra.rows.length, rows.length)}; ${newLinks} new links, ${extra.signIns} of them existing anonymous users signing in, ${extra.signIns * ROWS_PER_SIGN_IN} rows): ${seconds(incrementalMs)} s (median of ${incremental.stitch.length}: ${incremental.stitch.map(seconds).join(', ')}) = ${ratio(fullMs)}`,
  );
  if (checkFullMs !== undefined)
    console.log(
      `  against the check's full run (same database, after the incremental run): ${seconds(checkFullMs)} s, ${ratio(checkFullMs)}`,
    );
  if (incremental.none.length > 0)
    console.log(
      `  the same incremental with identity 'none': ${seconds(median(incremental.none))} s (${incremental.none.map(seconds).join(', ')}); stitching adds ${seconds(incrementalMs - median(incremental.none))} s`,
    );
  const stages = stitchTimes.map((times) => timesByStage(times, programs.stitch.chunk, identitySql));
  const stageNames = [...new Set(stages.flatMap((s) => Object.keys(s)))];
  const stageMs = Object.fromEntries(stageNames.map((n) => [n, median(stages.map((s) => s[n] ?? 0))]));
  console.log(
    `  by stage (median over the stitch runs): ${stageNames.map((n) => `${n} ${seconds(stageMs[n] ?? 0)} s`).join(', ')}; identity statements ${percent(stageMs.identity ?? 0, incrementalMs)} of the incremental run`,
  );
  console.log('  slowest statements of the incremental run:');
  for (const line of slowestStatements(stitchTimes, programs.stitch.chunk)) console.log(line);
  console.log(`incremental run left the cooked tables a full run builds: ${check}`);
  console.log(`\nmetric queries, median of ${METRIC_ROUNDS} (alternating), UTC, 2024-03-04..2024-03-24:`);
  console.log('| metric | raw (per id) | stitch (per person) | stitch / raw | raw result | stitch result |');
  console.log('|---|---:|---:|---:|---|---|');
  for (const line of metricRows) console.log(line);
  console.log(
    `| all | ${rawTotal.toFixed(0)} ms | ${stitchTotal.toFixed(0)} ms | ${(stitchTotal / rawTotal).toFixed(2)}× | | |`,
  );
  console.log(
    `worst ratio ${Math.max(...ratios).toFixed(2)}× (goal ≤ 1.5×: ${Math.max(...ratios) <= 1.5 ? 'met' : 'MISSED'})`,
  );
} finally {
  await db.close().catch(() => undefined);
  if (kept && kept !== db) await kept.close().catch(() => undefined);
  if (adminUrl)
    for (const name of created) if (!(KEEP && name === baseName)) await dropDatabase(adminUrl, name);
  if (adminUrl && KEEP)
    console.log(`kept database ${baseName} (before the incremental run); drop it when done`);
}
