import { freshDatabase, type FreshDatabase, postgresTestEngine } from '@tributary/warehouse/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Collector } from '../create-collector.js';
import {
  basicAuth,
  createWarehouseTables,
  KEYS,
  levelUp,
  testCollector,
} from '../test-helpers/test-collector.js';
import { RAW_EVENTS_LOCK_KEY } from './insert-statements.js';

const engine = postgresTestEngine();

// Inserts into raw.events draw their seq under a transaction advisory lock held until commit, so
// rows commit in seq order even with several flushes or collectors writing at once (the ETL reads
// `seq > watermark`). Shown on PostgreSQL (PGlite has a single session, where this is trivially true).
describe.skipIf(!engine)(
  'raw.events commit order [postgres] (needs DATABASE_URL; skipped without it)',
  () => {
    let database: FreshDatabase;
    let collector: Collector;
    beforeAll(async () => {
      if (!engine) return;
      database = await freshDatabase(engine);
      await createWarehouseTables(database.warehouse);
      collector = await testCollector(database.warehouse);
    });
    afterAll(async () => {
      await collector?.close();
      await database?.dispose();
    });

    it('a flush waits while another transaction holds the raw.events lock, then commits after it', async () => {
      const other = new pg.Client({ connectionString: database.url });
      await other.connect();
      try {
        await other.query('BEGIN');
        await other.query('SELECT pg_advisory_xact_lock($1)', [RAW_EVENTS_LOCK_KEY]);
        let answered = false;
        const response = Promise.resolve(
          collector.app.request('/v1/batch', {
            method: 'POST',
            headers: { authorization: basicAuth(KEYS.server) },
            body: JSON.stringify({ batch: [levelUp('ordered')] }),
          }),
        ).then((r) => {
          answered = true;
          return r;
        });
        await new Promise((resolve) => setTimeout(resolve, 500));
        expect(answered).toBe(false);
        await other.query('COMMIT');
        expect(await (await response).json()).toMatchObject({ accepted: 1 });
      } finally {
        await other.end();
      }
    });
  },
);
