import { quoteIdentifier } from '@tributary/sql';
import { connect, type Warehouse } from '@tributary/warehouse';
import { databaseUrl } from '@tributary/warehouse/testing';
import pg from 'pg';

async function admin<T>(adminUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates an empty database on the server of `adminUrl`. */
export async function createDatabase(adminUrl: string, name: string): Promise<Warehouse> {
  await admin(adminUrl, (client) => client.query(`CREATE DATABASE ${quoteIdentifier(name)}`));
  return connect(databaseUrl(adminUrl, name));
}

/**
 * A copy of database `template` (no session may be connected to it), so that every timed run starts
 * from the same state. File copy: one checkpoint and a copy of the files instead of WAL for every
 * page. An autovacuum worker still on the template makes the copy fail; it is told to stop, so the
 * copy is tried again.
 */
export async function copyDatabase(adminUrl: string, template: string, name: string): Promise<Warehouse> {
  for (let attempt = 1; ; attempt++) {
    try {
      await admin(adminUrl, (client) =>
        client.query(
          `CREATE DATABASE ${quoteIdentifier(name)} TEMPLATE ${quoteIdentifier(template)} STRATEGY FILE_COPY`,
        ),
      );
      return connect(databaseUrl(adminUrl, name));
    } catch (error) {
      if (attempt >= 5 || !/being accessed by other users/.test((error as Error).message)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }
}
