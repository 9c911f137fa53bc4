// bench/etl: rows per second of the ETL (extract → validate → classify → load → cook, per-chunk
// transactions) against hand-written SQL producing the same tables from the same raw rows in the
// same run: one INSERT … SELECT (writable CTEs) filling every processed table with the same casts
// and transforms straight from raw.events, then one grouped INSERT … SELECT per cooked table. The
// two outputs are compared row for row, so both did the same work. Also: the classic baseline (one
// INSERT … SELECT of the casts into a copy of processed.tracks only), an incremental run over 1% new
// rows against the full run, and p50/p95 latency of watch mode (collector POST → processed table).
// Not a timed test. Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:etl -w @tributary/bench
// (without DATABASE_URL it runs on in-memory PGlite). Size: BENCH_ETL_EVENTS (default 200000).
import { createHash } from 'node:crypto';
import os from 'node:os';
import { createCollector, hashKey } from '@tributary/collector';
import {
  chunkSettingsSql,
  compileDdl,
  compileEtl,
  type EtlPlan,
  etlTargetTables,
  planToWarehouse,
} from '@tributary/sql';
import { connect, DEFAULT_CHUNK_SIZE, runEtl, type Warehouse, watchEtl } from '@tributary/warehouse';
import {
  etlTestDocument,
  freshDatabase,
  generateDataset,
  insertRawRows,
  tableContents,
} from '@tributary/warehouse/testing';

const EVENTS = Number(process.env.BENCH_ETL_EVENTS ?? 200_000);
const CHUNK = process.env.BENCH_ETL_CHUNK ? Number(process.env.BENCH_ETL_CHUNK) : DEFAULT_CHUNK_SIZE;
const LATENCY_SAMPLES = Number(process.env.BENCH_ETL_LATENCY_SAMPLES ?? 40);
const ROUNDS = Number(process.env.BENCH_ETL_ROUNDS ?? 3);
const adminUrl = process.env.DATABASE_URL;

const fresh = adminUrl ? await freshDatabase({ kind: 'postgres', adminUrl }) : undefined;
const db: Warehouse = fresh ? fresh.warehouse : await connect('memory://');
const engine = fresh ? 'PostgreSQL' : 'PGlite (in memory)';
const seconds = (ms: number) => (ms / 1000).toFixed(2);
const perSecond = (rows: number, ms: number) => Math.round((rows * 1000) / ms);
const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

/** Per table: row count and an md5 of its sorted rows (load times and surrogate ids left out). */
async function digest(db: Warehouse, tables: readonly string[]): Promise<Record<string, string>> {
  const contents = await tableContents(db, tables);
  const out: Record<string, string> = {};
  for (const table of tables) {
    const body = contents[table] ?? '';
    out[table] =
      `${body === '' ? 0 : body.split('\n').length}:${createHash('md5').update(body).digest('hex')}`;
  }
  return out;
}

/**
 * The processed tables as one would write them by hand: ONE statement reading raw.events once,
 * with the same casts and transforms (the plan's column expressions) and no validation, staging,
 * deduplication or reconciliation (the data is clean).
 */
function handWrittenProcessedSql(plan: EtlPlan): string {
  const q = (name: string) => `"${name}"`;
  const latest = [...plan.latestVersion]
    .map(([event, version]) => `WHEN '${event}' THEN ${version}`)
    .join(' ');
  const insert = (name: string, table: string, columns: [string, string][], where: string) =>
    `${name} AS (
  INSERT INTO processed.${q(table)} (${columns.map(([c]) => q(c)).join(', ')})
  SELECT ${columns.map(([, e]) => e).join(', ')}
  FROM s WHERE ${where}
)`;
  const envelope: [string, string][] = [
    ['message_id', 's.message_id'],
    ['source', 's.source'],
    ['seq', 's.seq'],
    ['user_id', 's.user_id'],
    ['anonymous_id', 's.anonymous_id'],
    ['timestamp', 's.ts'],
    ['original_timestamp', 's.original_ts'],
    ['sent_at', 's.sent_ts'],
    ['received_at', 's.received_at'],
  ];
  const revenue = plan.roles.revenue;
  const tracks: [string, string][] = [
    ['message_id', 's.message_id'],
    ['source', 's.source'],
    ['seq', 's.seq'],
    ['event', 's.event'],
    ['event_version', 's.version'],
    ['user_key', 's.user_key'],
    ['user_id', 's.user_id'],
    ['anonymous_id', 's.anonymous_id'],
    ['timestamp', 's.ts'],
    ['session_id', 's.session_id'],
    [
      'fingerprint',
      plan.dedupeByFingerprint
        ? "md5(s.user_key || '|' || s.event || '|' || coalesce(s.payload -> 'properties', '{}'::jsonb)::text || '|' || extract(epoch from s.ts)::text)"
        : 'NULL::text',
    ],
    [
      'revenue',
      revenue ? `CASE WHEN s.event = '${revenue.event}' THEN ${revenue.amount} END` : 'NULL::numeric',
    ],
    [
      'currency',
      revenue ? `CASE WHEN s.event = '${revenue.event}' THEN ${revenue.currency} END` : 'NULL::text',
    ],
    ...plan.trackContext.map((c): [string, string] => [c.name, c.expr]),
    ['user_agent', "s.payload #>> '{context,userAgent}'"],
  ];
  const versions = plan.versions.map((v, i) =>
    insert(
      `e${i}`,
      v.table,
      [
        ...envelope,
        ['event_version', 's.version'],
        ['session_id', 's.session_id'],
        ['session_index', "(s.payload #>> '{context,sessionIndex}')::integer"],
        ...v.context.map((c): [string, string] => [c.name, c.expr]),
        ...v.properties.map((c): [string, string] => [c.name, c.expr]),
      ],
      `s.type = 'track' AND s.event = '${v.event}' AND s.version = ${v.version}`,
    ),
  );
  return `WITH s AS (
  SELECT r.seq, r.message_id, r.source, r.received_at, r.type, r.event, r.payload,
    r.payload ->> 'userId' AS user_id, r.payload ->> 'anonymousId' AS anonymous_id,
    coalesce(r.payload ->> 'userId', r.payload ->> 'anonymousId') AS user_key,
    coalesce((r.payload #>> '{context,eventVersion}')::integer, CASE r.event ${latest} END) AS version,
    coalesce((r.payload ->> 'timestamp')::timestamptz, r.received_at) AS ts,
    (r.payload ->> 'originalTimestamp')::timestamptz AS original_ts,
    (r.payload ->> 'sentAt')::timestamptz AS sent_ts,
    nullif(r.payload #>> '{context,sessionId}', '') AS session_id
  FROM raw.events AS r
), ${[
    insert('t', 'tracks', tracks, "s.type = 'track'"),
    ...versions,
    insert('i', 'identifies', [...envelope, ['traits', "s.payload -> 'traits'"]], "s.type = 'identify'"),
    insert(
      'p',
      'pages',
      [...envelope, ['name', "s.payload ->> 'name'"], ['properties', "s.payload -> 'properties'"]],
      "s.type = 'page'",
    ),
  ].join(', ')}
SELECT 1`;
}

try {
  await db.exec(compileDdl(planToWarehouse(etlTestDocument)));
  // Clean rows (no invalid ones, no duplicates, no spam), so the hand-written SQL, which neither
  // validates nor deduplicates, produces exactly the ETL's tables (the ETL still runs every check).
  const rows = generateDataset({ events: EVENTS, seed: 99, invalidRate: 0, duplicateRate: 0 }).filter(
    (r) => r.intent === 'valid',
  );
  await insertRawRows(db, rows);
  await db.exec('ANALYZE raw.events');
  const server = (await db.query<{ v: string }>("SELECT current_setting('server_version') AS v"))[0]?.v;
  console.log(
    `bench/etl on ${engine} ${server}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB; ${rows.length} raw rows, chunks of ${CHUNK}`,
  );

  // Baseline: one INSERT … SELECT with the same casts and context splits into a copy of processed.tracks
  // (same columns, defaults, constraints and indexes).
  await db.exec('CREATE TABLE public.baseline_tracks (LIKE processed.tracks INCLUDING ALL)');
  const baselineSql = `INSERT INTO public.baseline_tracks (message_id, source, seq, event, event_version, user_key, user_id, anonymous_id,
  "timestamp", session_id, revenue, currency, context_app_version, context_app_major, context_app_minor, context_locale,
  context_language, context_country, context_platform, user_agent)
SELECT r.message_id, r.source, r.seq, r.event,
  coalesce((r.payload #>> '{context,eventVersion}')::integer, CASE r.event WHEN 'level_up' THEN 3 ELSE 1 END),
  coalesce(r.payload ->> 'userId', r.payload ->> 'anonymousId'), r.payload ->> 'userId', r.payload ->> 'anonymousId',
  (r.payload ->> 'timestamp')::timestamptz, r.payload #>> '{context,sessionId}',
  CASE WHEN r.event = 'purchase' THEN trim_scale((r.payload #>> '{properties,price_cents}')::numeric / 100) END,
  CASE WHEN r.event = 'purchase' THEN r.payload #>> '{properties,currency}' END,
  r.payload #>> '{context,app_version}',
  CASE WHEN split_part(r.payload #>> '{context,app_version}', '.', 1) ~ '^[0-9]{1,9}$' THEN split_part(r.payload #>> '{context,app_version}', '.', 1)::integer END,
  CASE WHEN split_part(r.payload #>> '{context,app_version}', '.', 2) ~ '^[0-9]{1,9}$' THEN split_part(r.payload #>> '{context,app_version}', '.', 2)::integer END,
  r.payload #>> '{context,locale}',
  lower(nullif(split_part(replace(r.payload #>> '{context,locale}', '_', '-'), '-', 1), '')),
  upper(nullif(split_part(replace(r.payload #>> '{context,locale}', '_', '-'), '-', 2), '')),
  r.payload #>> '{context,platform}', r.payload #>> '{context,userAgent}'
FROM raw.events AS r
WHERE r.type = 'track'`;
  let started = performance.now();
  await db.exec(baselineSql);
  const baselineMs = performance.now() - started;

  // The hand-written build of the same tables, then the ETL (--full), ROUNDS times (medians); the
  // two outputs must be equal row for row.
  const program = compileEtl(etlTestDocument);
  const targets = etlTargetTables(program.plan);
  const processedSql = handWrittenProcessedSql(program.plan);
  const zones = [...program.plan.reportingTimeZones];
  const hand = { processed: [] as number[], cook: [] as number[] };
  const etl = { total: [] as number[], chunks: [] as number[] };
  let full: Awaited<ReturnType<typeof runEtl>> | undefined;
  const handRound = async () => {
    await db.exec(`TRUNCATE ${targets.join(', ')}`);
    await db.transaction(async (tx) => {
      await tx.exec(chunkSettingsSql());
      const t0 = performance.now();
      await tx.exec(processedSql);
      const t1 = performance.now();
      for (const statement of program.cookAll)
        await tx.query(
          statement.sql,
          statement.params.map(() => zones),
        );
      hand.processed.push(t1 - t0);
      hand.cook.push(performance.now() - t1);
    });
    return digest(db, targets);
  };
  const etlRound = async () => {
    const t0 = performance.now();
    let chunksDone = t0;
    full = await runEtl({
      warehouse: db,
      document: etlTestDocument,
      mode: 'full',
      chunkSize: CHUNK,
      onProgress: (p) => {
        if (p.cooking === 'all') chunksDone = performance.now();
      },
    });
    etl.total.push(performance.now() - t0);
    etl.chunks.push(chunksDone - t0);
    return digest(db, targets);
  };
  // Alternating which goes first, so neither always meets a cold or a warm cache.
  for (let round = 0; round < ROUNDS; round++) {
    const [expected, actual] =
      round % 2 === 0
        ? [await handRound(), await etlRound()]
        : await etlRound().then(async (a) => [await handRound(), a]);
    const differing = targets.filter((t) => actual?.[t] !== expected?.[t]);
    if (differing.length > 0)
      throw new Error(`the ETL and the hand-written SQL produced different rows in ${differing.join(', ')}`);
  }
  const fullMs = median(etl.total);

  // Where the time goes: one chunk's statements timed by stage (rolled back).
  const byStage: Record<string, number> = {};
  let loadStatementMs = 0;
  await db
    .transaction(async (tx) => {
      await tx.exec(chunkSettingsSql());
      await tx.exec(
        'TRUNCATE processed.tracks, processed.level_up, processed.level_up_v3, processed.purchase, processed.app_install, processed.identifies, processed.pages, cooked.user_days, cooked.user_day_dimensions, cooked.users, cooked.sessions, cooked.session_days',
      );
      for (const statement of program.chunk) {
        const params = statement.params.map((p) =>
          p === 'fromSeq' ? '0' : p === 'toSeq' ? String(rows.length) : [...program.plan.reportingTimeZones],
        );
        const t = performance.now();
        await tx.query(statement.sql, params);
        const ms = performance.now() - t;
        byStage[statement.stage] = (byStage[statement.stage] ?? 0) + ms;
        if (statement.result.kind === 'loaded') loadStatementMs = ms;
      }
      throw new Error('rollback');
    })
    .catch((error: Error) => {
      if (error.message !== 'rollback') throw error;
    });

  // Incremental over 1% new rows (new users, later days, late arrivals included).
  const extra = generateDataset({
    events: Math.round(rows.length / 100),
    seed: 100,
    idPrefix: 'new',
    start: '2024-03-17T00:00:00Z',
  });
  await insertRawRows(db, extra, 'bench');
  started = performance.now();
  const incremental = await runEtl({
    warehouse: db,
    document: etlTestDocument,
    mode: 'incremental',
    chunkSize: CHUNK,
  });
  const incrementalMs = performance.now() - started;

  // Watch mode: one event posted to the collector (in-process app) until it is in processed.purchase.
  const key = 'wk_bench_etl';
  const collector = await createCollector({
    plan: etlTestDocument,
    warehouse: db,
    sources: [{ name: 'bench', writeKeyHash: hashKey(key) }],
  });
  const controller = new AbortController();
  const watching = watchEtl({
    warehouse: db,
    document: etlTestDocument,
    signal: controller.signal,
    debounceMs: 10,
  });
  const latencies: number[] = [];
  for (let i = 0; i < LATENCY_SAMPLES; i++) {
    const messageId = `latency-${i}`;
    const sent = performance.now();
    const response = await collector.app.request('/v1/batch', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Basic ${btoa(`${key}:`)}` },
      body: JSON.stringify({
        batch: [
          {
            type: 'track',
            event: 'purchase',
            messageId,
            userId: `latency-user-${i % 7}`,
            timestamp: new Date().toISOString(),
            context: { platform: 'web' },
            properties: { sku: 'gems', price_cents: 199, currency: 'EUR' },
          },
        ],
      }),
    });
    if (response.status !== 200) throw new Error(`collector answered ${response.status}`);
    while (
      (await db.query('SELECT 1 FROM processed.purchase WHERE message_id = $1', [messageId])).length === 0
    )
      await new Promise((resolve) => setTimeout(resolve, 2));
    latencies.push(performance.now() - sent);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  controller.abort();
  await watching;
  await collector.close();
  latencies.sort((a, b) => a - b);
  const quantile = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;

  const tracks = rows.filter((r) => r.type === 'track').length;
  const handMs = median(hand.processed) + median(hand.cook);
  const etlRate = perSecond(rows.length, fullMs);
  const handRate = perSecond(rows.length, handMs);
  const baselineRate = perSecond(tracks, baselineMs);
  const loadMs = (byStage.extract ?? 0) + (byStage.classify ?? 0) + (byStage.load ?? 0);
  console.log(
    `hand-written SQL, same tables (${rows.length} raw rows): processed ${seconds(median(hand.processed))} s (one INSERT … SELECT) + cooked ${seconds(median(hand.cook))} s = ${seconds(handMs)} s, ${handRate} rows/s`,
  );
  console.log(
    `ETL --full (${full?.chunks} chunks of ${CHUNK}; ${full?.loaded} loaded, ${full?.rejected} rejected, ${full?.duplicates} duplicates; every check run): chunks ${seconds(median(etl.chunks))} s + cook ${seconds(fullMs - median(etl.chunks))} s = ${seconds(fullMs)} s, ${etlRate} rows/s`,
  );
  console.log('same rows in every processed and cooked table: yes (compared after each round)');
  console.log(`ratio ETL / hand-written SQL: ${(etlRate / handRate).toFixed(2)}× (target ≥ 0.8×)`);
  console.log(
    `  processed layer only (ETL chunks: extract, validate, classify, load, reconcile / the one INSERT … SELECT): ${(median(hand.processed) / median(etl.chunks)).toFixed(2)}×`,
  );
  console.log(
    `classic baseline, casts only into a copy of processed.tracks (${tracks} track rows): ${seconds(baselineMs)} s, ${baselineRate} rows/s; ETL / it: ${(etlRate / baselineRate).toFixed(2)}×`,
  );
  console.log(
    `one ${rows.length}-row chunk by stage (cooking chunk by chunk): ${Object.entries(byStage)
      .map(([stage, ms]) => `${stage} ${seconds(ms)} s`)
      .join(', ')}`,
  );
  console.log(
    `  without cooking (extract + validate + classify + load): ${perSecond(rows.length, loadMs)} rows/s; the one load statement (processed.tracks, event and message tables): ${seconds(loadStatementMs)} s`,
  );
  console.log(
    `incremental over ${extra.length} new rows (${((extra.length / rows.length) * 100).toFixed(1)}%): ${seconds(incrementalMs)} s = ${((incrementalMs / fullMs) * 100).toFixed(1)}% of the full run (target ≤ 5%); extracted ${incremental.extracted}`,
  );
  console.log(
    `watch mode, collector POST → row in processed.purchase (${latencies.length} events): p50 ${quantile(0.5).toFixed(0)} ms, p95 ${quantile(0.95).toFixed(0)} ms`,
  );
} finally {
  if (fresh) await fresh.dispose();
  else await db.close();
}
