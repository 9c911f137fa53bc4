// bench/collector: events per second ingested over HTTP by the collector (batches of 100,
// validation on, durable: answered after COMMIT) against COPY of the same events through psql,
// in the same run on the same PostgreSQL; prints the ratio and p50/p99 request latency. Each round
// posts the events, then loads the very rows the collector stored (same payloads) with psql \copy.
// Not a timed test. Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:collector -w @tributary/bench
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { toPlanDocument } from '@tributary/schema';
import { compileDdl, planToWarehouse } from '@tributary/sql';
import { connect } from '@tributary/warehouse';
import { databaseUrl, dropDatabase } from '@tributary/warehouse/testing';
import pg from 'pg';
import { benchMessage, plan } from './plan.ts';
import { postBatches } from './post-batches.ts';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 100_000);
const BATCH = 100;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const adminUrl = process.env.DATABASE_URL;
if (!adminUrl) {
  console.error(
    'bench/collector compares against COPY on PostgreSQL: set DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test).',
  );
  process.exit(2);
}

const dbName = `tributary_bench_${process.pid}`;
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`CREATE DATABASE ${dbName}`);
await admin.end();
const url = databaseUrl(adminUrl, dbName);
const db = await connect(url);
await db.exec(compileDdl(planToWarehouse(toPlanDocument(plan))));
const tmp = mkdtempSync(join(os.tmpdir(), 'tributary-bench-collector-'));
let server: ChildProcess | undefined;

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

async function startServer(): Promise<string> {
  server = spawn(
    process.execPath,
    [
      ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
      '--conditions=@tributary/source',
      '--import',
      'tsx',
      join(import.meta.dirname, 'server.ts'),
    ],
    {
      env: { ...process.env, BENCH_DATABASE_URL: url },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return new Promise((resolve, reject) => {
    server?.stdout?.on('data', (chunk: Buffer) => {
      const match = /listening (\S+)/.exec(chunk.toString());
      if (match?.[1]) resolve(match[1]);
    });
    server?.once('exit', (code) => reject(new Error(`collector exited with ${code}`)));
  });
}

/** One HTTP round: every event once, in batches of 100, CONCURRENCY requests in flight. */
async function httpRound(base: string, run: string) {
  const bodies: string[] = [];
  for (let i = 0; i < EVENTS; i += BATCH)
    bodies.push(
      JSON.stringify({
        batch: Array.from({ length: BATCH }, (_, j) => benchMessage(run, i + j)),
        sentAt: new Date().toISOString(),
      }),
    );
  const { seconds, accepted, p50, p99 } = await postBatches(base, bodies, CONCURRENCY, 'bench-key');
  if (accepted !== EVENTS) throw new Error(`accepted ${accepted} of ${EVENTS}`);
  return { eventsPerSecond: EVENTS / seconds, p50, p99 };
}

/** COPY text format: backslash, tab, newline and carriage return escaped. */
const copyField = (text: string) =>
  text.replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c] as string);

/**
 * The rows the HTTP round just stored, as a COPY file: the same events with the payload exactly as
 * the collector stores it (enriched: receivedAt, sentAt, originalTimestamp, corrected timestamp,
 * context.ip), written as compact JSON like the collector sends it.
 */
async function storedRowsFile(run: string): Promise<string> {
  const rows = await db.query<{
    message_id: string;
    received_at: Date;
    source: string;
    type: string;
    event: string | null;
    payload: unknown;
  }>('SELECT message_id, received_at, source, type, event, payload FROM raw.events ORDER BY seq');
  if (rows.length !== EVENTS)
    throw new Error(`raw.events has ${rows.length} rows after the HTTP round, expected ${EVENTS}`);
  const lines = rows.map((row) =>
    [
      copyField(row.message_id),
      row.received_at.toISOString(),
      copyField(row.source),
      copyField(row.type),
      row.event === null ? '\\N' : copyField(row.event),
      copyField(JSON.stringify(row.payload)),
    ].join('\t'),
  );
  const file = join(tmp, `${run}.tsv`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** The same events loaded into the same (emptied) table with psql \copy. */
function copyRound(file: string) {
  const started = performance.now();
  execFileSync('psql', [
    url,
    '-v',
    'ON_ERROR_STOP=1',
    '-q',
    '-c',
    `\\copy raw.events (message_id, received_at, source, type, event, payload) FROM '${file}'`,
  ]);
  const seconds = (performance.now() - started) / 1000;
  return { eventsPerSecond: EVENTS / seconds };
}

try {
  const base = await startServer();
  await httpRound(base, 'warmup');
  const http: Awaited<ReturnType<typeof httpRound>>[] = [];
  const copy: ReturnType<typeof copyRound>[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    await db.exec('TRUNCATE raw.events, raw.rejected');
    http.push(await httpRound(base, `http${round}`));
    const file = await storedRowsFile(`http${round}`);
    await db.exec('TRUNCATE raw.events, raw.rejected');
    copy.push(copyRound(file));
  }
  const metrics = await (
    await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer bench-admin' } })
  ).text();
  const metric = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(metrics)?.[1]);
  const flushes = metric('tributary_collector_flush_seconds_count');
  const flushSeconds = metric('tributary_collector_flush_seconds_sum');
  const httpRate = median(http.map((r) => r.eventsPerSecond));
  const copyRate = median(copy.map((r) => r.eventsPerSecond));
  const cpus = os.cpus();
  console.log(
    `bench/collector — ${EVENTS} events per round, batches of ${BATCH}, ${CONCURRENCY} concurrent requests, ${ROUNDS} rounds (median)`,
  );
  console.log(
    `machine: ${cpus.length} cores (${cpus[0]?.model ?? '?'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, PostgreSQL via ${new URL(adminUrl).host}`,
  );
  console.log(
    `HTTP collector : ${Math.round(httpRate).toLocaleString('en')} events/s  (p50 ${median(http.map((r) => r.p50)).toFixed(1)} ms, p99 ${median(http.map((r) => r.p99)).toFixed(1)} ms per request)`,
  );
  console.log(
    `flushes        : ${flushes} (all rounds), ${(((ROUNDS + 1) * EVENTS) / flushes).toFixed(0)} events and ${((flushSeconds / flushes) * 1000).toFixed(1)} ms per flush on average`,
  );
  console.log(`psql \\copy     : ${Math.round(copyRate).toLocaleString('en')} events/s`);
  console.log(`ratio HTTP/COPY: ${(httpRate / copyRate).toFixed(2)}× (target ≥ 0.5×)`);
} finally {
  server?.kill('SIGTERM');
  await db.close();
  rmSync(tmp, { recursive: true, force: true });
  await dropDatabase(adminUrl, dbName);
}
