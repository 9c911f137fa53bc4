import { rmSync } from 'node:fs';
import { connect, type Warehouse } from '@tributary/warehouse';
import pg from 'pg';

/** The database the demo runs on: a fresh embedded one, or a fresh `tributary_demo` database on the server. */
export interface DemoDatabase {
  readonly warehouse: Warehouse;
  readonly description: string;
  close(): Promise<void>;
}

const DEMO_DATABASE = 'tributary_demo';

/**
 * Opens a fresh database for the demo. With a PostgreSQL URL the demo never touches the database
 * the URL names: it (re)creates `tributary_demo` on the same server and works there.
 */
export async function openDemoDatabase(options: {
  databaseUrl?: string;
  dataDir: string;
}): Promise<DemoDatabase> {
  if (options.databaseUrl) {
    const admin = new pg.Client({ connectionString: options.databaseUrl });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${DEMO_DATABASE} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${DEMO_DATABASE}`);
    } finally {
      await admin.end();
    }
    const url = new URL(options.databaseUrl);
    url.pathname = `/${DEMO_DATABASE}`;
    const warehouse = await connect(url.toString());
    url.password = url.password ? '***' : '';
    return {
      warehouse,
      description: `PostgreSQL database ${url.toString()}`,
      close: () => warehouse.close(),
    };
  }
  rmSync(options.dataDir, { recursive: true, force: true });
  rmSync(`${options.dataDir}.lock`, { force: true });
  const warehouse = await connect(undefined, { dataDir: options.dataDir });
  return {
    warehouse,
    description: `embedded database in ${options.dataDir}`,
    close: () => warehouse.close(),
  };
}
