// bench/metrics: DAU, MAU and the retention triangle from the cooked tables (runMetric) against
// the naive equivalent queries over raw.events (JSONB), in the same run on the same PostgreSQL;
// checks the results are identical and prints the speedup. Not a timed test.
// Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/test TRIBUTARY_BENCH_EVENTS=5000000 \
//   node --conditions=@tributary/source --import tsx metrics/run.ts   (from bench/)
import { isDeepStrictEqual } from 'node:util';
import { compileDdl, type MetricName, type MetricSpec, planToWarehouse } from '@tributary/sql';
import { connect, runEtl, runMetric } from '@tributary/warehouse';
import { databaseUrl, dropDatabase } from '@tributary/warehouse/testing';
import pg from 'pg';
import { metricsTestDocument } from '../../packages/warehouse/src/metrics/test-support/metrics-test-plan.ts';
import { GENERATE_RAW_EVENTS } from './generate-events.ts';
import { NAIVE_DAU, NAIVE_MAU, NAIVE_RETENTION } from './naive-queries.ts';

const EVENTS = Number(process.env.TRIBUTARY_BENCH_EVENTS ?? 1_000_000);
/** Raw events per cooked user-day: what makes the cooked tables smaller than raw (apps see dozens). */
const EVENTS_PER_USER_DAY = Number(process.env.BENCH_EVENTS_PER_USER_DAY ?? 20);
const USERS = Math.max(1000, Math.round(EVENTS / (EVENTS_PER_USER_DAY * 10)));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const adminUrl = process.env.DATABASE_URL;
if (!adminUrl) {
  console.error(
    'bench/metrics runs on PostgreSQL: set DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test).',
  );
  process.exit(2);
}

const dbName = `tributary_bench_metrics_${process.pid}`;
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`CREATE DATABASE ${dbName}`);
await admin.end();
const db = await connect(databaseUrl(adminUrl, dbName));

const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;
const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
async function timed<T>(fn: () => Promise<T>): Promise<{ result: T; seconds: number }> {
  const times: number[] = [];
  let result: T | undefined;
  for (let round = 0; round < ROUNDS; round++) {
    const start = process.hrtime.bigint();
    result = await fn();
    times.push(seconds(start));
  }
  return { result: result as T, seconds: median(times) };
}

try {
  let start = process.hrtime.bigint();
  const document = metricsTestDocument(['UTC']);
  await db.exec(compileDdl(planToWarehouse(document)));
  await db.query(GENERATE_RAW_EVENTS, [EVENTS, USERS, EVENTS_PER_USER_DAY]);
  await db.exec('analyze raw.events');
  const [{ count }] = await db.query<{ count: string }>('select count(*) from raw.events');
  console.log(
    `bench/metrics: ${Number(count).toLocaleString('en')} raw events of ${USERS.toLocaleString('en')} users over 90 days generated in ${seconds(start).toFixed(1)} s`,
  );
  start = process.hrtime.bigint();
  const etl = await runEtl({ warehouse: db, document, mode: 'full', chunkSize: 200_000 });
  await db.exec('analyze');
  console.log(
    `ETL (validate, load processed, cook): ${etl.loaded.toLocaleString('en')} loaded, ${etl.rejected} rejected, in ${seconds(start).toFixed(1)} s (once; incremental runs keep the cooked tables current)`,
  );

  const [{ days }] = await db.query<{ days: string }>('select count(*) as days from cooked.user_days');
  console.log(
    `cooked.user_days: ${Number(days).toLocaleString('en')} rows (${(Number(count) / Number(days)).toFixed(1)} raw events per user-day)`,
  );

  const catalog = { reportingTimeZones: ['UTC'], dimensions: ['platform'] };
  const range = { from: '2026-01-01', to: '2026-03-31', timeZone: 'UTC' } as const;
  const K = 30;
  const cases: { name: string; spec: MetricSpec<MetricName>; naive: string; params: unknown[] }[] = [
    { name: 'DAU', spec: { ...range, metric: 'dau' }, naive: NAIVE_DAU, params: [range.from, range.to] },
    { name: 'MAU', spec: { ...range, metric: 'mau' }, naive: NAIVE_MAU, params: [range.from, range.to] },
    {
      name: `retention D0..D${K}`,
      spec: { ...range, metric: 'retention_triangle', maxOffset: K },
      naive: NAIVE_RETENTION,
      params: [range.from, range.to, K],
    },
  ];
  let cookedTotal = 0;
  let naiveTotal = 0;
  let identical = true;
  console.log(
    `\n${'metric'.padEnd(20)} ${'cooked'.padStart(10)} ${'naive raw'.padStart(10)} ${'speedup'.padStart(9)}  identical`,
  );
  for (const c of cases) {
    const cooked = await timed(() => runMetric(db, c.spec, { catalog, now: () => Date.parse('2026-06-01') }));
    const naive = await timed(() => db.query(c.naive, c.params));
    const same = isDeepStrictEqual(cooked.result.rows, naive.result);
    identical &&= same;
    cookedTotal += cooked.seconds;
    naiveTotal += naive.seconds;
    console.log(
      `${c.name.padEnd(20)} ${`${(cooked.seconds * 1000).toFixed(0)} ms`.padStart(10)} ${`${(naive.seconds * 1000).toFixed(0)} ms`.padStart(10)} ${`${(naive.seconds / cooked.seconds).toFixed(1)}×`.padStart(9)}  ${same ? 'yes' : 'NO'}`,
    );
  }
  console.log(
    `${'all three'.padEnd(20)} ${`${(cookedTotal * 1000).toFixed(0)} ms`.padStart(10)} ${`${(naiveTotal * 1000).toFixed(0)} ms`.padStart(10)} ${`${(naiveTotal / cookedTotal).toFixed(1)}×`.padStart(9)}  ${identical ? 'yes' : 'NO'}`,
  );
  console.log(`(median of ${ROUNDS} runs each; target ≥ 20×)`);
  if (!identical) process.exitCode = 1;
} finally {
  await db.close();
  await dropDatabase(adminUrl, dbName);
}
