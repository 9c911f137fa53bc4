import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { connect, redactPassword } from '../connect.js';
import { quoteIdentifier } from '../session.js';
import type { Warehouse } from '../warehouse.js';
import type { TestEngine } from './test-engines.js';

/** An isolated database for one test or file; `dispose` closes it and drops it. */
export interface FreshDatabase {
  readonly warehouse: Warehouse;
  /** A URL other handles can connect to (on PGlite `memory://`, which opens a *different* database). */
  readonly url: string;
  readonly engine: TestEngine;
  dispose(): Promise<void>;
}

/**
 * Creates an isolated database: a new in-memory PGlite, or a new uniquely named PostgreSQL
 * database (`tributary_test_<pid>_<random>`) on the `DATABASE_URL` server.
 */
export async function freshDatabase(engine: TestEngine): Promise<FreshDatabase> {
  if (engine.kind === 'pglite') {
    const warehouse = await connect('memory://');
    return { warehouse, url: 'memory://', engine, dispose: () => warehouse.close() };
  }
  const name = `tributary_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await withAdminClient(engine.adminUrl, (client) =>
    client.query(`CREATE DATABASE ${quoteIdentifier(name)}`),
  );
  const url = databaseUrl(engine.adminUrl, name);
  let warehouse: Warehouse;
  try {
    warehouse = await connect(url);
  } catch (error) {
    await dropDatabase(engine.adminUrl, name);
    throw error;
  }
  let disposed = false;
  return {
    warehouse,
    url,
    engine,
    async dispose() {
      if (disposed) return;
      disposed = true;
      await warehouse.close();
      await dropDatabase(engine.adminUrl, name);
    },
  };
}

/** The same server URL pointing at another database. */
export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

/** Drops a database even if sessions are still connected (`WITH (FORCE)`, else terminate + drop). */
export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  await withAdminClient(adminUrl, async (client) => {
    try {
      await client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`);
    } catch {
      await client.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [name],
      );
      await client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)}`);
    }
  });
}

async function withAdminClient<T>(adminUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `DATABASE_URL is set (${redactPassword(adminUrl)}) but the server cannot be reached: ${(error as Error).message}. Start PostgreSQL or unset DATABASE_URL to test on PGlite only.`,
    );
  }
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
