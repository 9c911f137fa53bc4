// bench/funnels: a 5-step ordered funnel over 30 days with a 7-day window, counting persons
// (identity-stitched), on the mobile-game plan: runFunnel (one statement, timeline plan), runFunnel
// with the window plan, and the same funnel hand-written as one self-join per step
// (self-join-funnel.ts), in the same run on the same PostgreSQL; then a second funnel whose step 1
// is frequent, against its own self-join. The per-step counts must be equal; prints medians and
// the ratios. Not a timed test.
// Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:funnels -w @tributary/bench
// Sizes: TRIBUTARY_BENCH_FUNNEL_EVENTS (default 5,000,000), _ROUNDS (timed runs of each, default
// 5, each round starting with another side), _SECOND_ROUNDS (of the second funnel, default 1; 0
// skips it). _KEEP=1 keeps the database; _DATABASE=<name> runs on a kept one instead of
// generating the events again (to time or EXPLAIN the queries while changing them).
import os from 'node:os';
import { toPlanDocument } from '@tributary/schema';
import { compileDdl, type FunnelPlan, type FunnelSpec, planToWarehouse } from '@tributary/sql';
import { connect, runExperiment, runFunnel, type SqlRunner, type Warehouse } from '@tributary/warehouse';
import { databaseUrl, dropDatabase } from '@tributary/warehouse/testing';
import pg from 'pg';
import plan from '../../examples/mobile-game/src/plan.ts';
import {
  CREATE_STAGING,
  DATA_END,
  EVENTS_PER_PLAYER,
  GENERATE_PLAYERS,
  LOAD_PROCESSED,
} from './generate-events.ts';
import {
  EXPERIMENT_WINDOW,
  experimentOf,
  GENERATE_EXPOSURES,
  HAND_WRITTEN_PARAMETERS,
  HAND_WRITTEN_READOUT,
} from './experiment.ts';
import { SELF_JOIN_FUNNEL, SELF_JOIN_PROGRESSION } from './self-join-funnel.ts';

const env = (name: string, fallback: number) =>
  Number(process.env[`TRIBUTARY_BENCH_FUNNEL_${name}`] ?? fallback);
const EVENTS = env('EVENTS', 5_000_000);
const ROUNDS = Math.max(1, env('ROUNDS', 5));
const KEEP = process.env.TRIBUTARY_BENCH_FUNNEL_KEEP === '1';
const KEPT = process.env.TRIBUTARY_BENCH_FUNNEL_DATABASE;
const PLAYERS_PER_BATCH = 25_000;
const adminUrl = process.env.DATABASE_URL;
if (!adminUrl) {
  console.error(
    'bench/funnels runs on PostgreSQL: set DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test).',
  );
  process.exit(2);
}

const document = toPlanDocument(plan);
const spec: FunnelSpec<typeof plan> = {
  steps: [
    { event: 'app_install' },
    { event: 'level_up' },
    { event: 'level_up', where: { level: { gte: 5 } } },
    { event: 'level_up', where: { level: { gte: 10 } } },
    { event: 'purchase' },
  ],
  window: '7d',
  from: '2026-03-01',
  to: '2026-03-30',
  timeZone: 'UTC',
};
const selfJoinParameters = ['2026-03-01T00:00:00Z', '2026-03-31T00:00:00Z', '7 days'];
/** The second funnel: every level-up is an entry (see SELF_JOIN_PROGRESSION). */
const progression: FunnelSpec<typeof plan> = {
  ...spec,
  steps: [
    { event: 'level_up' },
    { event: 'level_up', where: { level: { gte: 5 } } },
    { event: 'level_up', where: { level: { gte: 10 } } },
    { event: 'level_up', where: { level: { gte: 15 } } },
    { event: 'purchase' },
  ],
};
const SECOND_ROUNDS = Math.max(0, env('SECOND_ROUNDS', 1));
/** Timed runs of the experiment readout and its hand-written SQL (default 3; 0 skips them). */
const EXPERIMENT_ROUNDS = Math.max(0, env('EXPERIMENT_ROUNDS', 3));

const started = performance.now();
const seconds = (ms: number) => (ms / 1000).toFixed(2);
const median = (values: readonly number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
const progress = (message: string) => console.log(`  [${seconds(performance.now() - started)} s] ${message}`);
const count = (n: number) => n.toLocaleString('en');

/** The warehouse with a stopwatch on each statement runFunnel runs (in its transaction). */
function stopwatch(db: Warehouse, laps: number[]): SqlRunner & Pick<Warehouse, 'transaction'> {
  const timed = (runner: SqlRunner): SqlRunner => ({
    kind: runner.kind,
    exec: (text) => runner.exec(text),
    async query<T>(text: string, params?: readonly unknown[]) {
      const t = performance.now();
      const rows = await runner.query<T>(text, params);
      laps.push(performance.now() - t);
      return rows;
    },
  });
  return {
    ...timed(db),
    transaction: (fn) => db.transaction((tx) => fn({ ...timed(tx), copyFrom: tx.copyFrom })),
  };
}

/** Generates the events straight into the plan's processed tables (see generate-events.ts). */
async function load(db: Warehouse): Promise<void> {
  await db.exec(compileDdl(planToWarehouse(document)));
  await db.exec(CREATE_STAGING);
  let staged = 0;
  let players = 0;
  while (staged < EVENTS) {
    const batch = Math.min(PLAYERS_PER_BATCH, Math.ceil((EVENTS - staged) / EVENTS_PER_PLAYER) + 10);
    await db.query(GENERATE_PLAYERS, [players + 1, batch]);
    players += batch;
    const [row] = await db.query<{ n: string }>('select count(*) as n from bench_events');
    staged = Number(row?.n);
    progress(`${count(staged)} events of ${count(players)} players generated`);
  }
  await db.exec(LOAD_PROCESSED);
}

const dbName = KEPT ?? `tributary_bench_funnels_${process.pid}`;
if (!KEPT) {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
}
const db = await connect(databaseUrl(adminUrl, dbName));

try {
  const [server] = await db.query<{ v: string }>("select current_setting('server_version') as v");
  console.log(
    `bench/funnels on PostgreSQL ${server?.v}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, load average ${os.loadavg()[0]?.toFixed(1)} (database ${dbName})`,
  );
  if (!KEPT) await load(db);
  const [data] = await db.query<Record<'events' | 'levelUps' | 'links' | 'persons' | 'days', string>>(
    `select (select count(*) from processed.tracks) as events,
      (select count(*) from processed.level_up) as "levelUps",
      (select count(*) from cooked.identities) as links,
      (select count(distinct coalesce(i.person_key, t.user_key)) from processed.tracks as t
        left join cooked.identities as i on i.id = t.user_key) as persons,
      (select extract(day from max("timestamp") - min("timestamp")) + 1 from processed.tracks) as days`,
  );
  progress(
    `${KEPT ? 'kept' : 'loaded and analyzed'}: ${count(Number(data?.events))} events in processed.tracks over ${data?.days} days (to ${DATA_END}), ${count(Number(data?.levelUps))} in processed.level_up, ${count(Number(data?.persons))} persons, ${count(Number(data?.links))} anonymous ids linked to a user id`,
  );

  const funnelLaps: number[][] = [];
  const runGenerated = async (plan: FunnelPlan) => {
    const laps: number[] = [];
    const t = performance.now();
    const result = await runFunnel(stopwatch(db, laps), spec, { document, plan });
    const ms = performance.now() - t;
    if (plan === 'timeline') funnelLaps.push(laps);
    return {
      ms,
      counts: (result.groups[0]?.steps ?? []).map((s) => s.count),
      pruned: result.compiled.prunedToEntries,
    };
  };
  // The self-join runs with the settings runFunnel gives its statement (JIT off): JIT compiles
  // for about a second here, on either side.
  const runSelfJoin = async () => {
    const t = performance.now();
    const [row] = await db.transaction(async (tx) => {
      await tx.exec('SET LOCAL jit = off');
      return tx.query<Record<string, number>>(SELF_JOIN_FUNNEL, selfJoinParameters);
    });
    const ms = performance.now() - t;
    return { ms, counts: [0, 1, 2, 3, 4].map((k) => row?.[`n${k}`] ?? Number.NaN) };
  };

  // One untimed run of each first (none meets a cold cache); their counts are compared.
  const warmUp = await runGenerated('timeline');
  const generatedCounts = warmUp.counts;
  funnelLaps.length = 0;
  progress(
    `runFunnel (timeline plan) warm-up run done; later steps' rows pruned to each person's entries: ${warmUp.pruned ? 'yes' : 'no'}`,
  );
  const windowCounts = (await runGenerated('window')).counts;
  progress('runFunnel (window plan) warm-up run done');
  const selfJoinCounts = (await runSelfJoin()).counts;
  progress('self-join warm-up run done');
  const equal =
    generatedCounts.join() === selfJoinCounts.join() && windowCounts.join() === selfJoinCounts.join();
  console.log(`\nper-step persons, runFunnel timeline plan: ${generatedCounts.map(count).join(' → ')}`);
  console.log(`per-step persons, runFunnel window plan:   ${windowCounts.map(count).join(' → ')}`);
  console.log(`per-step persons, self-join:               ${selfJoinCounts.map(count).join(' → ')}`);
  console.log(`equal: ${equal ? 'yes' : 'NO'}\n`);
  if (!equal) process.exitCode = 1;

  const ms = { timeline: [] as number[], window: [] as number[], selfJoin: [] as number[] };
  const sides = ['timeline', 'window', 'selfJoin'] as const;
  for (let round = 0; round < ROUNDS; round++) {
    // Each round starts with another side, so no side always runs after the same one.
    const order = sides.map((_, i) => sides[(i + round) % sides.length] as (typeof sides)[number]);
    for (const side of order) {
      const run = side === 'selfJoin' ? await runSelfJoin() : await runGenerated(side);
      ms[side].push(run.ms);
      if (run.counts.join() !== generatedCounts.join()) {
        console.log(`round ${round + 1}: ${side} counted ${run.counts.join(', ')}`);
        process.exitCode = 1;
      }
    }
    progress(
      `round ${round + 1}/${ROUNDS}: runFunnel ${seconds(ms.timeline.at(-1) ?? 0)} s (window plan ${seconds(ms.window.at(-1) ?? 0)} s), self-join ${seconds(ms.selfJoin.at(-1) ?? 0)} s, load average ${os.loadavg()[0]?.toFixed(1)}`,
    );
  }
  const generated = median(ms.timeline);
  const windowPlan = median(ms.window);
  const selfJoin = median(ms.selfJoin);
  // The funnel statement is the last query runFunnel runs (after the table estimates it reads).
  const statement = median(funnelLaps.map((laps) => laps.at(-1) ?? Number.NaN));
  console.log(
    `\nrunFunnel  ${seconds(generated)} s  (timeline plan, one statement; median of ${ROUNDS}: ${ms.timeline.map(seconds).join(', ')}; the statement alone ${seconds(statement)} s)`,
  );
  console.log(
    `window     ${seconds(windowPlan)} s  (runFunnel with plan 'window'; median of ${ROUNDS}: ${ms.window.map(seconds).join(', ')})`,
  );
  console.log(
    `self-join  ${seconds(selfJoin)} s  (median of ${ROUNDS}: ${ms.selfJoin.map(seconds).join(', ')}; per-step counts only)`,
  );
  console.log(
    `ratio      self-join / runFunnel ${(selfJoin / generated).toFixed(2)}× (goal ≥ 5×: ${selfJoin >= 5 * generated ? 'met' : 'MISSED'}); window plan / timeline plan ${(windowPlan / generated).toFixed(2)}×`,
  );
  console.log(`runFunnel  goal < 2 s: ${generated < 2000 ? 'met' : 'MISSED'}`);

  // The second funnel (a frequent step 1): timed runs of each, alternating, no warm-up (the first
  // funnel read the same tables). Its self-join takes about a minute.
  if (SECOND_ROUNDS > 0) {
    console.log(
      '\nsecond funnel: level_up → level ≥ 5 → level ≥ 10 → level ≥ 15 → purchase (every level-up an entry)',
    );
    const second = { timeline: [] as number[], selfJoin: [] as number[] };
    let secondCounts: string | undefined;
    for (let round = 0; round < SECOND_ROUNDS; round++) {
      for (const side of round % 2 === 0
        ? (['timeline', 'selfJoin'] as const)
        : (['selfJoin', 'timeline'] as const)) {
        const t = performance.now();
        const counts =
          side === 'timeline'
            ? ((await runFunnel(db, progression, { document })).groups[0]?.steps ?? []).map((s) => s.count)
            : await db
                .transaction(async (tx) => {
                  await tx.exec('SET LOCAL jit = off');
                  return tx.query<Record<string, number>>(SELF_JOIN_PROGRESSION, selfJoinParameters);
                })
                .then(([row]) => [0, 1, 2, 3, 4].map((k) => row?.[`n${k}`] ?? Number.NaN));
        second[side].push(performance.now() - t);
        if (secondCounts !== undefined && secondCounts !== counts.join()) {
          console.log(`second funnel: ${side} counted ${counts.join(', ')}, the other side ${secondCounts}`);
          process.exitCode = 1;
        }
        secondCounts = counts.join();
      }
      progress(
        `second funnel round ${round + 1}/${SECOND_ROUNDS}: runFunnel ${seconds(second.timeline.at(-1) ?? 0)} s, self-join ${seconds(second.selfJoin.at(-1) ?? 0)} s`,
      );
    }
    console.log(`per-step persons, both: ${secondCounts?.split(',').map(Number).map(count).join(' → ')}`);
    const a = median(second.timeline);
    const b = median(second.selfJoin);
    console.log(
      `runFunnel  ${seconds(a)} s, self-join ${seconds(b)} s (median of ${SECOND_ROUNDS}); ratio ${(b / a).toFixed(2)}× (goal ≥ 5×: ${b >= 5 * a ? 'met' : 'MISSED'}; < 2 s: ${a < 2000 ? 'met' : 'MISSED'})`,
    );
  }

  if (EXPERIMENT_ROUNDS > 0) await benchExperiment();
} finally {
  await db.close();
  if (KEEP || KEPT) console.log(`kept database ${dbName}`);
  else await dropDatabase(adminUrl, dbName);
}

/**
 * The experiment readout (experiment.ts): exposures for a tenth of the players installing in the
 * first two weeks of March, then `runExperiment` (assignment, a conversion metric and the bench
 * funnel as a funnel metric) against the same readout hand-written in SQL, alternating; the
 * per-variant counts must be equal.
 */
async function benchExperiment(): Promise<void> {
  await db.transaction((tx) => tx.exec(GENERATE_EXPOSURES));
  const readout = async () => {
    const t = performance.now();
    const r = await runExperiment(db, experimentOf(spec.steps), EXPERIMENT_WINDOW, { document });
    const ms = performance.now() - t;
    const [conversion, funnel] = r.metrics;
    const counts = r.variants.map((v, i) => {
      const of = (metric: typeof conversion, field: 'value' | 'preExposureValue') =>
        Math.round((metric?.values[i]?.[field] ?? 0) * v.units);
      return [
        v.variant,
        v.units,
        of(conversion, 'value'),
        of(conversion, 'preExposureValue'),
        of(funnel, 'value'),
        of(funnel, 'preExposureValue'),
      ].join(' ');
    });
    return { ms, counts: counts.join(', '), excluded: r.excluded.multipleVariants };
  };
  const handWritten = async () => {
    const t = performance.now();
    const rows = await db.transaction(async (tx) => {
      await tx.exec('SET LOCAL jit = off');
      return tx.query<Record<string, string | number>>(HAND_WRITTEN_READOUT, HAND_WRITTEN_PARAMETERS);
    });
    const ms = performance.now() - t;
    const counts = rows.map((r) => [r.variant, r.n, r.conv_y, r.conv_x, r.funnel_y, r.funnel_x].join(' '));
    return { ms, counts: counts.join(', ') };
  };
  console.log('\nexperiment readout: conversion to purchase in 7 days and the bench funnel, per variant');
  const first = await readout();
  const baseline = await handWritten();
  console.log(
    `runExperiment (variant units conversion-y conversion-x funnel-y funnel-x): ${first.counts}; ${first.excluded} persons saw both variants`,
  );
  console.log(`hand-written:                                                             ${baseline.counts}`);
  const equal = first.counts === baseline.counts;
  console.log(`equal: ${equal ? 'yes' : 'NO'}`);
  if (!equal) process.exitCode = 1;
  const times = { readout: [] as number[], handWritten: [] as number[] };
  for (let round = 0; round < EXPERIMENT_ROUNDS; round++) {
    for (const side of round % 2 === 0
      ? (['readout', 'handWritten'] as const)
      : (['handWritten', 'readout'] as const)) {
      const run = side === 'readout' ? await readout() : await handWritten();
      times[side].push(run.ms);
      if (run.counts !== first.counts) {
        console.log(`experiment round ${round + 1}: ${side} counted ${run.counts}`);
        process.exitCode = 1;
      }
    }
    progress(
      `experiment round ${round + 1}/${EXPERIMENT_ROUNDS}: runExperiment ${seconds(times.readout.at(-1) ?? 0)} s, hand-written ${seconds(times.handWritten.at(-1) ?? 0)} s`,
    );
  }
  const a = median(times.readout);
  const b = median(times.handWritten);
  console.log(
    `runExperiment  ${seconds(a)} s (assignment and two metrics, three statements), hand-written ${seconds(b)} s (one statement); median of ${EXPERIMENT_ROUNDS}; ratio hand-written / runExperiment ${(b / a).toFixed(2)}×`,
  );
}
