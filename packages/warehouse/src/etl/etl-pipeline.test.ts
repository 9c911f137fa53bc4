import { compileDdl, etlPlanOf, etlTargetTables, planToWarehouse } from '@tributary/sql';
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../testing/describe-each-database.js';
import { freshDatabase } from '../testing/fresh-database.js';
import type { Warehouse } from '../warehouse.js';
import { runEtl } from './run-etl.js';
import {
  databaseStats,
  etlTestDocument,
  generateDataset,
  insertRawRows,
  referenceStats,
  tableContents,
} from './testing/index.js';

const TIMEOUT = 300_000;
const TABLES = [
  ...etlTargetTables(etlPlanOf(etlTestDocument)),
  '"raw"."rejected"',
  '"tributary"."watermarks"',
];
const rows = generateDataset({ events: 12_000, seed: 23 });
const chunkSize = Math.ceil(rows.length / 6);

async function loaded(db: Warehouse): Promise<void> {
  await db.exec(compileDdl(planToWarehouse(etlTestDocument)));
  await insertRawRows(db, rows);
}

/** Another session of this database that has extracted a chunk and waits in its transaction. */
async function waitingExtract(db: Warehouse, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const [row] = await db.query<{ n: number }>(
      `SELECT count(*)::integer AS n FROM pg_stat_activity
       WHERE datname = current_database() AND pid <> pg_backend_pid()
         AND state = 'idle in transaction' AND query LIKE 'ANALYZE etl_stage%'`,
    );
    if ((row?.n ?? 0) > 0) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return false;
}

describeEachDatabase('ETL pipeline', (getDb, engine) => {
  it(
    'pipelined and chunk-after-chunk full runs give the same tables, counts and audit',
    async () => {
      const db = getDb();
      await loaded(db);
      const sequential = await runEtl({
        warehouse: db,
        document: etlTestDocument,
        mode: 'full',
        chunkSize,
        pipeline: false,
      });
      const expected = await tableContents(db, TABLES);
      const pipelined = await runEtl({ warehouse: db, document: etlTestDocument, mode: 'full', chunkSize });
      expect(await tableContents(db, TABLES)).toEqual(expected);
      const counts = (r: typeof sequential) => [r.chunks, r.extracted, r.loaded, r.rejected, r.duplicates];
      expect(counts(pipelined)).toEqual(counts(sequential));
      expect(pipelined.rejectedByReason).toEqual(sequential.rejectedByReason);
      expect(pipelined.chunks).toBe(6);
      expect(await databaseStats(db)).toEqual(referenceStats(rows));
      // A full run leaves planner statistics on the tables metric and funnel queries read, the
      // event tables too (an embedded database has no autovacuum).
      const read = ['tracks', ...etlPlanOf(etlTestDocument).lines.map((l) => l.table)];
      const unanalyzed = await db.query<{ table: string }>(
        `SELECT schemaname || '.' || relname AS table FROM pg_stat_user_tables
         WHERE coalesce(last_analyze, last_autoanalyze) IS NULL
           AND (schemaname = 'cooked' OR (schemaname = 'processed' AND relname = ANY($1::text[])))
         ORDER BY 1`,
        [read],
      );
      expect(unanalyzed).toEqual([]);
    },
    TIMEOUT,
  );

  it.skipIf(engine.kind !== 'postgres')(
    'on PostgreSQL the next chunk is extracted on a second session before the current chunk commits',
    async () => {
      const db = getDb();
      /** For each of the first `chunks` chunks: was the next one extracted before it committed? */
      const overlaps = async (pipeline: boolean, chunks: number, waitMs: number) => {
        const seen: boolean[] = [];
        await runEtl({
          warehouse: db,
          document: etlTestDocument,
          mode: 'full',
          chunkSize,
          pipeline,
          hooks: {
            beforeCommit: async (chunk) => {
              if (chunk <= chunks) seen.push(await waitingExtract(db, waitMs));
            },
          },
        });
        return seen;
      };
      expect(await overlaps(true, 5, 10_000)).toEqual([true, true, true, true, true]);
      // pipeline: false never opens a second chunk transaction.
      const sequential = await overlaps(false, 2, 300);
      expect(sequential).toEqual([false, false]);
    },
    TIMEOUT,
  );

  it(
    'a failure before commit of chunk 3 rolls back the chunk extracted ahead of it too; running again gives the reference',
    async () => {
      const fresh = await freshDatabase(engine);
      try {
        const db = fresh.warehouse;
        await loaded(db);
        const failing = runEtl({
          warehouse: db,
          document: etlTestDocument,
          mode: 'incremental',
          chunkSize,
          bulkCookRatio: Number.POSITIVE_INFINITY,
          hooks: {
            beforeCommit: async (chunk) => {
              if (chunk !== 3) return;
              if (engine.kind === 'postgres') expect(await waitingExtract(db, 10_000)).toBe(true);
              throw new Error('injected crash before COMMIT of chunk 3');
            },
          },
        });
        await expect(failing).rejects.toThrow('injected crash');
        const [state] = await db.query<{ mark: string; later: number; sessions: number }>(
          `SELECT (SELECT seq::text FROM tributary.watermarks WHERE name = 'etl') AS mark,
             (SELECT count(*)::integer FROM processed.tracks WHERE seq > ${2 * chunkSize}) AS later,
             (SELECT count(*)::integer FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%') AS sessions`,
        );
        expect(state).toEqual({ mark: String(2 * chunkSize), later: 0, sessions: 0 });
        await runEtl({ warehouse: db, document: etlTestDocument, mode: 'incremental', chunkSize });
        expect(await databaseStats(db)).toEqual(referenceStats(rows));
      } finally {
        await fresh.dispose();
      }
    },
    TIMEOUT,
  );

  it.skipIf(engine.kind !== 'postgres')(
    'two pipelined runs at once share the work: every chunk commits once, and the tables equal the reference',
    async () => {
      const fresh = await freshDatabase(engine);
      try {
        const db = fresh.warehouse;
        await loaded(db);
        const options = {
          warehouse: db,
          document: etlTestDocument,
          mode: 'incremental',
          chunkSize,
          bulkCookRatio: Number.POSITIVE_INFINITY,
        } as const;
        const [a, b] = await Promise.all([runEtl(options), runEtl(options)]);
        expect(a.chunks + b.chunks).toBe(6);
        expect(a.extracted + b.extracted).toBe(rows.length);
        expect(a.loaded + b.loaded + a.rejected + b.rejected + a.duplicates + b.duplicates).toBe(rows.length);
        expect(await databaseStats(db)).toEqual(referenceStats(rows));
      } finally {
        await fresh.dispose();
      }
    },
    TIMEOUT,
  );
});
