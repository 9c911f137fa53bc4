import { compileDdl, planToWarehouse } from '@tributary/sql';
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../testing/describe-each-database.js';
import { runEtl } from './run-etl.js';
import { etlTestDocument, generateDataset, insertRawRows } from './testing/index.js';

const rows = generateDataset({ events: 4_000, seed: 31 });

describeEachDatabase('ETL planner statistics', (getDb, engine) => {
  // PostgreSQL's autovacuum analyzes grown tables on a server; an embedded database has none.
  it.skipIf(engine.kind !== 'pglite')(
    'an incremental run cooked chunk by chunk refreshes the statistics of the tables it grew',
    async () => {
      const db = getDb();
      await db.exec(compileDdl(planToWarehouse(etlTestDocument)));
      await insertRawRows(db, rows.slice(0, 300));
      await runEtl({ warehouse: db, document: etlTestDocument, mode: 'full' });
      const planned = async (table: string) => {
        const [row] = await db.query<{ planned: number; actual: number }>(
          `SELECT (SELECT reltuples::float8 FROM pg_class WHERE oid = '${table}'::regclass) AS planned,
             (SELECT count(*)::float8 FROM ${table}) AS actual`,
        );
        return row as { planned: number; actual: number };
      };
      const tables = ['processed.tracks', 'cooked.user_days', 'cooked.person_days', 'cooked.users'];
      const before = new Map<string, number>();
      for (const table of tables) {
        const first = await planned(table);
        expect(first.planned, table).toBe(first.actual);
        before.set(table, first.actual);
      }
      await insertRawRows(db, rows.slice(300));
      // A backlog this large would be cooked all at once (which analyzes); cook it chunk by chunk.
      const result = await runEtl({
        warehouse: db,
        document: etlTestDocument,
        mode: 'incremental',
        chunkSize: 1_000,
        bulkCookRatio: 1_000,
      });
      expect(result.chunks).toBeGreaterThan(1);
      for (const table of tables) {
        const now = await planned(table);
        expect(now.actual, table).toBeGreaterThan(2 * (before.get(table) ?? 0));
        expect(now.planned, table).toBe(now.actual);
      }
    },
    300_000,
  );
});
