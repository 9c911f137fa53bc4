import {
  databaseUrl,
  freshDatabase,
  type FreshDatabase,
  postgresTestEngine,
} from '@tributary/warehouse/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CollectorServer, startCollectorServer } from '../server/start-server.js';
import { startTcpProxy, type TcpProxy } from '../test-helpers/tcp-proxy.js';
import {
  basicAuth,
  createWarehouseTables,
  KEYS,
  levelUp,
  testCollectorOptions,
} from '../test-helpers/test-collector.js';

const engine = postgresTestEngine();
const APPLICATION_NAME = 'tributary_collector_fault_test';
const CLIENTS = 6;
const BATCH = 50;

// Acceptance 3: the database goes away in the middle of a load (its TCP path is cut and refused,
// then the collector's sessions are terminated) → clients get 503 + Retry-After; once it is back,
// every acknowledged event is in raw.events exactly once and the collector recovered by itself.
describe.skipIf(!engine)(
  'database outage during a load [postgres] (needs DATABASE_URL; skipped without it)',
  () => {
    let database: FreshDatabase;
    let proxy: TcpProxy;
    let server: CollectorServer;

    beforeAll(async () => {
      if (!engine) return;
      database = await freshDatabase(engine);
      await createWarehouseTables(database.warehouse);
      const direct = new URL(database.url);
      proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
      const viaProxy = new URL(databaseUrl(database.url, direct.pathname.slice(1)));
      viaProxy.port = String(proxy.port);
      viaProxy.searchParams.set('application_name', APPLICATION_NAME);
      server = await startCollectorServer({
        ...testCollectorOptions(database.warehouse),
        warehouse: viaProxy.toString(),
        port: 0,
        handleSignals: false,
        retryAfterSeconds: 2,
      });
    });
    afterAll(async () => {
      await server?.close();
      await proxy?.stop();
      await database?.dispose();
    });

    it('answers 503 with Retry-After while the database is away and loses or doubles nothing', {
      timeout: 300_000,
    }, async () => {
      const acknowledged = new Set<string>();
      let unavailable = 0;
      let retryAfter: string | null = null;
      let running = true;
      let sequence = 0;
      const client = async (clientId: number) => {
        while (running) {
          const batch = Array.from({ length: BATCH }, () => levelUp(`c${clientId}-${sequence++}`));
          for (;;) {
            const response = await fetch(`${server.url}/v1/batch`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', authorization: basicAuth(KEYS.server) },
              body: JSON.stringify({ batch }),
            });
            const body = (await response.json()) as { accepted?: number; duplicates?: number };
            if (response.status === 200) {
              expect((body.accepted ?? 0) + (body.duplicates ?? 0)).toBe(BATCH);
              for (const message of batch) acknowledged.add(message.messageId as string);
              break;
            }
            expect(response.status).toBe(503);
            unavailable++;
            retryAfter = response.headers.get('retry-after');
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
        }
      };
      const clients = Array.from({ length: CLIENTS }, (_, id) => client(id));
      // Each phase waits for what it needs to see, not for a fixed time: a busy machine only slows it.
      const waitFor = async (what: string, condition: () => boolean | Promise<boolean>) => {
        const deadline = Date.now() + 90_000;
        while (!(await condition())) {
          if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      };
      const acknowledgedAfter = (count: number) => () => acknowledged.size >= count + CLIENTS * BATCH;

      await waitFor('the load to be acknowledged', acknowledgedAfter(0));
      await proxy.stop();
      await waitFor('a 503 during the outage', () => unavailable > 0);
      let readyDuringOutage: Response | undefined;
      await waitFor('/ready to report the outage', async () => {
        readyDuringOutage = await fetch(`${server.url}/ready`);
        return readyDuringOutage.status === 503;
      });
      await proxy.start();
      await waitFor('acknowledgements after the database is back', acknowledgedAfter(acknowledged.size));
      const admin = new pg.Client({ connectionString: database.url });
      await admin.connect();
      const terminated = await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1',
        [APPLICATION_NAME],
      );
      await admin.end();
      await waitFor(
        'acknowledgements after the sessions were terminated',
        acknowledgedAfter(acknowledged.size),
      );
      running = false;
      await Promise.all(clients);

      expect(readyDuringOutage?.status).toBe(503);
      expect(terminated.rowCount).toBeGreaterThan(0);
      expect(unavailable).toBeGreaterThan(0);
      expect(retryAfter).toBe('2');
      const rows = await database.warehouse.query<{ message_id: string; copies: string }>(
        'SELECT message_id, count(*)::text AS copies FROM raw.events GROUP BY message_id',
      );
      expect(rows.filter((row) => row.copies !== '1')).toEqual([]);
      const stored = new Set(rows.map((row) => row.message_id));
      const missing = [...acknowledged].filter((id) => !stored.has(id));
      expect(missing).toEqual([]);
      // Every batch was retried until acknowledged, so nothing else is in the table either.
      expect(stored.size).toBe(acknowledged.size);
      expect((await fetch(`${server.url}/ready`)).status).toBe(200);
    });
  },
);
