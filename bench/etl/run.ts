// bench/etl: rows per second of the ETL (extract → validate → load → cook, per-chunk transactions)
// against a hand-written single INSERT … SELECT doing the same casts into a copy of
// processed.tracks, on the same raw rows in the same run; an incremental run over 1% new rows
// against the full run; p50/p95 latency of watch mode (collector POST → processed table).
// Not a timed test. Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:etl -w @tributary/bench
// (without DATABASE_URL it runs on in-memory PGlite). Size: BENCH_ETL_EVENTS (default 200000).
import os from 'node:os';
import { createCollector, hashKey } from '@tributary/collector';
import { chunkSettingsSql, compileDdl, compileEtl, planToWarehouse } from '@tributary/sql';
import { connect, runEtl, type Warehouse, watchEtl } from '@tributary/warehouse';
import { etlTestDocument, freshDatabase, generateDataset, insertRawRows } from '@tributary/warehouse/testing';

const EVENTS = Number(process.env.BENCH_ETL_EVENTS ?? 200_000);
const CHUNK = Number(process.env.BENCH_ETL_CHUNK ?? 50_000);
const LATENCY_SAMPLES = Number(process.env.BENCH_ETL_LATENCY_SAMPLES ?? 40);
const adminUrl = process.env.DATABASE_URL;

const fresh = adminUrl ? await freshDatabase({ kind: 'postgres', adminUrl }) : undefined;
const db: Warehouse = fresh ? fresh.warehouse : await connect('memory://');
const engine = fresh ? 'PostgreSQL' : 'PGlite (in memory)';
const seconds = (ms: number) => (ms / 1000).toFixed(2);
const perSecond = (rows: number, ms: number) => Math.round((rows * 1000) / ms);

try {
  await db.exec(compileDdl(planToWarehouse(etlTestDocument)));
  // Clean rows (no invalid ones) so the hand-written casts cannot fail; duplicates and spam stay.
  const rows = generateDataset({ events: EVENTS, seed: 99, invalidRate: 0 });
  await insertRawRows(db, rows);
  await db.exec('ANALYZE raw.events');
  const server = (await db.query<{ v: string }>("SELECT current_setting('server_version') AS v"))[0]?.v;
  console.log(
    `bench/etl on ${engine} ${server}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB; ${rows.length} raw rows, chunks of ${CHUNK}`,
  );

  // Baseline: one INSERT … SELECT with the same casts and context splits into a copy of processed.tracks
  // (same columns, defaults, constraints and indexes).
  await db.exec('CREATE TABLE public.baseline_tracks (LIKE processed.tracks INCLUDING ALL)');
  const baselineSql = `INSERT INTO public.baseline_tracks (message_id, seq, event, event_version, user_key, user_id, anonymous_id,
  "timestamp", session_id, revenue, currency, context_app_version, context_app_major, context_app_minor, context_locale,
  context_language, context_country, context_platform, user_agent)
SELECT r.message_id, r.seq, r.event,
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

  // The ETL, full run.
  started = performance.now();
  const full = await runEtl({ warehouse: db, document: etlTestDocument, mode: 'full', chunkSize: CHUNK });
  const fullMs = performance.now() - started;

  // Where the time goes: one chunk's statements timed by stage (rolled back).
  const program = compileEtl(etlTestDocument);
  const byStage: Record<string, number> = {};
  let tracksLoadMs = 0;
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
        if (statement.result.kind === 'loaded' && statement.result.target === 'tracks') tracksLoadMs = ms;
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
  const etlRate = perSecond(rows.length, fullMs);
  const baselineRate = perSecond(tracks, baselineMs);
  const loadMs =
    (byStage.extract ?? 0) + (byStage.validate ?? 0) + (byStage.classify ?? 0) + (byStage.load ?? 0);
  console.log(
    `baseline INSERT … SELECT (casts only, ${tracks} track rows): ${seconds(baselineMs)} s, ${baselineRate} rows/s`,
  );
  console.log(
    `ETL full run (${full.chunks} chunks; ${full.loaded} loaded, ${full.rejected} rejected, ${full.duplicates} duplicates): ${seconds(fullMs)} s, ${etlRate} rows/s`,
  );
  console.log(`ratio ETL / baseline: ${(etlRate / baselineRate).toFixed(2)}× (target ≥ 0.8×)`);
  console.log(
    `one ${rows.length}-row chunk by stage: ${Object.entries(byStage)
      .map(([stage, ms]) => `${stage} ${seconds(ms)} s`)
      .join(', ')}`,
  );
  console.log(
    `ETL without cooking (extract + validate + classify + load): ${perSecond(rows.length, loadMs)} rows/s, ratio ${(perSecond(rows.length, loadMs) / baselineRate).toFixed(2)}×`,
  );
  console.log(
    `the generated load into processed.tracks alone (same casts as the baseline, from the staged rows): ${perSecond(tracks, tracksLoadMs)} rows/s, ratio ${(perSecond(tracks, tracksLoadMs) / baselineRate).toFixed(2)}×`,
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
