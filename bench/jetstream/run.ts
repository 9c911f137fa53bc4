// bench/jetstream: events per second through collector → JetStream → loader → PostgreSQL against
// collector → PostgreSQL directly, in the same run on the same PostgreSQL and NATS server; prints
// the ratio. The JetStream figure is end to end: from the first request until the last event is
// committed in raw.events by the loaders (the HTTP ingest rate into JetStream is printed too).
// Not a timed test. Run from bench/:
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node --conditions=@tributary/source --import tsx jetstream/run.ts
import { type ChildProcess, spawn } from 'node:child_process';
import os from 'node:os';
import { join } from 'node:path';
import { BrokerAdmin } from '@tributary/jetstream';
import { toPlanDocument } from '@tributary/schema';
import { compileDdl, planToWarehouse } from '@tributary/sql';
import { connect } from '@tributary/warehouse';
import { databaseUrl, dropDatabase } from '@tributary/warehouse/testing';
import pg from 'pg';
import { benchMessage, plan } from '../collector/plan.ts';
import { postBatches } from '../collector/post-batches.ts';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 50_000);
const BATCH = 100;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const LOADERS = Number(process.env.BENCH_LOADERS ?? 2);
const NATS_URL = process.env.TRIBUTARY_NATS_URL ?? 'nats://127.0.0.1:4222';
const adminUrl = process.env.DATABASE_URL;
if (!adminUrl) {
  console.error(
    'bench/jetstream loads into PostgreSQL: set DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test).',
  );
  process.exit(2);
}

const dbName = `tributary_bench_js_${process.pid}`;
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`CREATE DATABASE ${dbName}`);
await admin.end();
const url = databaseUrl(adminUrl, dbName);
const db = await connect(url);
await db.exec(compileDdl(planToWarehouse(toPlanDocument(plan))));
const broker = {
  url: NATS_URL,
  stream: `TRIBUTARY_BENCH_${process.pid}`,
  subjectPrefix: `tributary_bench_${process.pid}`,
};
const brokerAdmin = await BrokerAdmin.connect(broker);
await brokerAdmin.ensure({ retention: 'workqueue' });
const children: ChildProcess[] = [];

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

function startChild(file: string, env: Record<string, string>, ready: RegExp): Promise<string> {
  const child = spawn(
    process.execPath,
    ['--conditions=@tributary/source', '--import', 'tsx', join(import.meta.dirname, file)],
    {
      env: { ...process.env, BENCH_DATABASE_URL: url, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  children.push(child);
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      const match = ready.exec(chunk.toString());
      if (match) resolve(match[1] ?? '');
    });
    child.once('exit', (code) => reject(new Error(`${file} exited with ${code}`)));
  });
}

/** Posts every event once (batches of 100, CONCURRENCY in flight); resolves when all are acknowledged. */
async function post(base: string, run: string) {
  const bodies: string[] = [];
  for (let i = 0; i < EVENTS; i += BATCH)
    bodies.push(JSON.stringify({ batch: Array.from({ length: BATCH }, (_, j) => benchMessage(run, i + j)) }));
  const { accepted, p50, p99 } = await postBatches(base, bodies, CONCURRENCY, 'bench-key');
  if (accepted !== EVENTS) throw new Error(`accepted ${accepted} of ${EVENTS}`);
  return { p50, p99 };
}

const rows = async () =>
  Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM raw.events'))[0]?.n);

async function directRound(base: string, run: string) {
  const started = performance.now();
  const latency = await post(base, run);
  const seconds = (performance.now() - started) / 1000;
  if ((await rows()) !== EVENTS) throw new Error('direct round: raw.events does not hold every event');
  return { eventsPerSecond: EVENTS / seconds, ...latency };
}

async function brokerRound(base: string, run: string) {
  const started = performance.now();
  const latency = await post(base, run);
  const ingestSeconds = (performance.now() - started) / 1000;
  const deadline = Date.now() + 600_000;
  while ((await rows()) < EVENTS) {
    if (Date.now() > deadline)
      throw new Error('broker round: the loaders did not catch up within 10 minutes');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const seconds = (performance.now() - started) / 1000;
  if ((await rows()) !== EVENTS) throw new Error('broker round: raw.events has more rows than events');
  return { eventsPerSecond: EVENTS / seconds, ingestPerSecond: EVENTS / ingestSeconds, ...latency };
}

try {
  const direct = await startChild('server.ts', {}, /listening (\S+)/);
  const viaBroker = await startChild(
    'server.ts',
    { BENCH_BROKER: JSON.stringify(broker) },
    /listening (\S+)/,
  );
  await startChild(
    'loader.ts',
    { BENCH_BROKER: JSON.stringify(broker), BENCH_LOADERS: String(LOADERS) },
    /(ready)/,
  );
  await directRound(direct, 'warm-direct');
  await db.exec('TRUNCATE raw.events, raw.rejected');
  await brokerRound(viaBroker, 'warm-broker');
  const directRuns: Awaited<ReturnType<typeof directRound>>[] = [];
  const brokerRuns: Awaited<ReturnType<typeof brokerRound>>[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    await db.exec('TRUNCATE raw.events, raw.rejected');
    directRuns.push(await directRound(direct, `direct${round}`));
    await db.exec('TRUNCATE raw.events, raw.rejected');
    brokerRuns.push(await brokerRound(viaBroker, `broker${round}`));
  }
  const lag = (await brokerAdmin.status()).lag;
  const directRate = median(directRuns.map((r) => r.eventsPerSecond));
  const brokerRate = median(brokerRuns.map((r) => r.eventsPerSecond));
  const cpus = os.cpus();
  console.log(
    `bench/jetstream — ${EVENTS} events per round, batches of ${BATCH}, ${CONCURRENCY} concurrent requests, ${ROUNDS} rounds (median), ${LOADERS} loaders`,
  );
  console.log(
    `machine: ${cpus.length} cores (${cpus[0]?.model ?? '?'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, load average ${os
      .loadavg()
      .map((n) => n.toFixed(1))
      .join(' ')}, PostgreSQL via ${new URL(adminUrl).host}, NATS ${NATS_URL}`,
  );
  console.log(
    `collector → PostgreSQL             : ${Math.round(directRate).toLocaleString('en')} events/s  (p50 ${median(directRuns.map((r) => r.p50)).toFixed(1)} ms, p99 ${median(directRuns.map((r) => r.p99)).toFixed(1)} ms per request)`,
  );
  console.log(
    `collector → JetStream → loader → PG: ${Math.round(brokerRate).toLocaleString('en')} events/s end to end  (ingest into JetStream ${Math.round(median(brokerRuns.map((r) => r.ingestPerSecond))).toLocaleString('en')} events/s, p50 ${median(brokerRuns.map((r) => r.p50)).toFixed(1)} ms, p99 ${median(brokerRuns.map((r) => r.p99)).toFixed(1)} ms per request)`,
  );
  console.log(`consumer lag after the last round: ${lag.lag}`);
  console.log(`ratio JetStream/direct: ${(brokerRate / directRate).toFixed(2)}×`);
} finally {
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(
    children.map((child) =>
      child.exitCode === null ? new Promise((resolve) => child.once('exit', resolve)) : null,
    ),
  );
  await brokerAdmin.deleteStream();
  await brokerAdmin.close();
  await db.close();
  await dropDatabase(adminUrl, dbName);
}
