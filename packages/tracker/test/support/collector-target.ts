import { type CollectorServer, hashKey, startCollectorServer } from '@tributary/collector';
import { type Plan, toPlanDocument } from '@tributary/schema';
import { compileDdl, planToWarehouse } from '@tributary/sql';
import { freshDatabase, type TestEngine } from '@tributary/warehouse/testing';
import { pino } from 'pino';
import type { IngestTarget } from './ingest-server.js';

export interface CollectorTargetOptions {
  readonly plan: Plan;
  /** Browser origins allowed to send (CORS). */
  readonly corsOrigins?: readonly string[];
}

/**
 * The real collector (apps/collector) on a fresh database (PGlite, or PostgreSQL with
 * DATABASE_URL): stored messages are the rows of `raw.events`. `stop()`/`start()` restart the
 * collector process-equivalent on the same port; the database survives, as in production.
 */
export async function startCollectorTarget(
  engine: TestEngine,
  options: CollectorTargetOptions,
): Promise<IngestTarget> {
  const database = await freshDatabase(engine);
  const document = toPlanDocument(options.plan);
  await database.warehouse.exec(compileDdl(planToWarehouse(document)));
  const writeKey = 'wk_tracker_e2e';
  let server: CollectorServer | undefined;
  let port = 0;
  const start = async () => {
    if (server) return;
    server = await startCollectorServer({
      plan: document,
      warehouse: database.warehouse,
      sources: [
        {
          name: 'tracker-e2e',
          writeKeyHash: hashKey(writeKey),
          ...(options.corsOrigins ? { corsOrigins: options.corsOrigins } : {}),
        },
      ],
      logger: pino({ level: 'silent' }),
      port,
      handleSignals: false,
      shutdownTimeoutMs: 200,
    });
    port = server.port;
  };
  const stop = async () => {
    const current = server;
    server = undefined;
    await current?.close();
  };
  await start();
  return {
    url: `http://127.0.0.1:${port}`,
    writeKey,
    start,
    stop,
    storedIds: async () =>
      new Set(
        (await database.warehouse.query<{ message_id: string }>('SELECT message_id FROM raw.events')).map(
          (r) => r.message_id,
        ),
      ),
    storedMessages: async () =>
      (
        await database.warehouse.query<{ payload: Record<string, any> | string }>(
          'SELECT payload FROM raw.events ORDER BY seq',
        )
      ).map((r) => (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload)),
    storedCount: async () =>
      Number(
        (await database.warehouse.query<{ n: number }>('SELECT count(*)::int AS n FROM raw.events'))[0]!.n,
      ),
    rejected: async () =>
      database.warehouse.query<{ reasons: unknown; payload: string }>(
        'SELECT reasons, payload FROM raw.rejected',
      ),
    close: async () => {
      await stop();
      await database.dispose();
    },
  };
}
