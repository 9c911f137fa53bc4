// bench/tracker: client CPU time per event, from enqueue through acknowledged delivery, of
// @tributary/tracker and @segment/analytics-node sending the same events to the same local ingest
// server (a child process, so its CPU is not counted) in one run; prints the ratio.
// Runs the built packages: `npm run build` first. Not a timed test.
//   node bench/tracker/run.mjs            (BENCH_EVENTS=100000 BENCH_ROUNDS=3 by default)
import { fork } from 'node:child_process';
import os from 'node:os';
import { setImmediate as yieldToIo } from 'node:timers/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Analytics } from '@segment/analytics-node';
import { createTracker } from '@tributary/tracker';
import { eventAt, plan } from './plan.mjs';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WARMUP = Math.min(20_000, EVENTS);
const CHUNK = 1000;
const BATCH = 100;

const server = fork(new URL('./ingest-server.mjs', import.meta.url), [], {
  stdio: ['ignore', 'pipe', 'ignore', 'ipc'],
});
const port = await new Promise((resolve) =>
  server.stdout.once('data', (data) => resolve(Number(String(data).trim()))),
);
const host = `http://127.0.0.1:${port}`;

/** Tracks `count` events with `send`, yielding to I/O every CHUNK events (both clients alike), then waits for delivery. */
async function drive(count, send, finish) {
  for (let i = 0; i < count; i++) {
    send(eventAt(i), i);
    if (i % CHUNK === CHUNK - 1) await yieldToIo();
  }
  await finish();
}

const clients = {
  segment: async (count, writeKey) => {
    const analytics = new Analytics({
      writeKey,
      host,
      path: '/v1/batch',
      flushAt: BATCH,
      flushInterval: 1000,
      maxRetries: 3,
    });
    await drive(
      count,
      ({ event, properties }, i) => analytics.track({ anonymousId: `anon-${i % 50}`, event, properties }),
      () => analytics.closeAndFlush({ timeout: 120_000 }),
    );
  },
  tributary: (options) => async (count, writeKey) => {
    const tracker = createTracker({
      plan,
      endpoint: host,
      writeKey,
      flushAt: BATCH,
      flushIntervalMs: 1000,
      maxQueueEvents: 200_000,
      maxQueueBytes: 1 << 30,
      onViolation: 'off',
      ...options(),
    });
    await drive(
      count,
      ({ event, properties }, i) => tracker.track(event, properties, { anonymousId: `anon-${i % 50}` }),
      () => tracker.close(),
    );
  },
};

const journals = [];
const variants = {
  'tributary (memory queue, onViolation off)': clients.tributary(() => ({})),
  '@segment/analytics-node 2.3': clients.segment,
  'tributary + journal (fsync interval)': clients.tributary(() => {
    const dir = mkdtempSync(join(os.tmpdir(), 'bench-journal-'));
    journals.push(dir);
    return { journalDir: dir };
  }),
  'tributary + validation (onViolation warn)': clients.tributary(() => ({ onViolation: 'warn' })),
};

async function stats() {
  return (await fetch(`${host}/stats`)).json();
}

async function measure(name, client, count, round) {
  const writeKey = `${name}#${round}`;
  if (global.gc) global.gc();
  const before = process.cpuUsage();
  const started = performance.now();
  await client(count, writeKey);
  const cpu = process.cpuUsage(before);
  const wall = performance.now() - started;
  const delivered = (await stats())[writeKey] ?? 0;
  if (delivered !== count) throw new Error(`${name}: delivered ${delivered} of ${count} events`);
  return { cpuUs: cpu.user + cpu.system, wall };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

try {
  console.log(
    `bench/tracker: ${EVENTS} events x ${ROUNDS} rounds, batches of ${BATCH}; node ${process.version}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB`,
  );
  for (const [name, client] of Object.entries(variants)) await measure(name, client, WARMUP, 'warmup');
  const results = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate the order so neither client always runs on a warmer or colder process.
    const order = round % 2 === 0 ? Object.keys(variants) : Object.keys(variants).reverse();
    for (const name of order) results[name].push(await measure(name, variants[name], EVENTS, round));
  }
  const perEvent = (name) => median(results[name].map((r) => r.cpuUs)) / EVENTS;
  const segment = perEvent('@segment/analytics-node 2.3');
  console.log('client                                          CPU µs/event   wall ms   ratio vs Segment');
  for (const name of Object.keys(variants)) {
    const us = perEvent(name);
    const wall = median(results[name].map((r) => r.wall));
    console.log(
      `${name.padEnd(48)}${us.toFixed(2).padStart(12)}${wall.toFixed(0).padStart(10)}${(us / segment).toFixed(2).padStart(12)}x`,
    );
  }
  const ratio = perEvent('tributary (memory queue, onViolation off)') / segment;
  console.log(
    `ratio tributary/segment = ${ratio.toFixed(2)} (target <= 0.5): ${ratio <= 0.5 ? 'met' : 'NOT met'}`,
  );
} finally {
  server.kill();
  for (const dir of journals) rmSync(dir, { recursive: true, force: true });
}
