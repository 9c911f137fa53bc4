import { afterAll, beforeAll, describe } from 'vitest';
import type { Warehouse } from '../warehouse.js';
import { type FreshDatabase, freshDatabase } from './fresh-database.js';
import { type TestEngine, testEngines } from './test-engines.js';

/**
 * Declares the suite once per engine: `<name> [pglite]` on a fresh in-memory PGlite and, when
 * `DATABASE_URL` is set, `<name> [postgres]` on a fresh PostgreSQL database dropped after the file.
 * `getDb()` returns that suite's warehouse (call it inside tests or hooks, not at declaration time).
 *
 * @example
 * describeEachDatabase('raw events', (getDb) => {
 *   it('inserts', async () => { await getDb().exec('CREATE TABLE t (x int)'); });
 * });
 */
export function describeEachDatabase(
  name: string,
  suite: (getDb: () => Warehouse, engine: TestEngine) => void,
): void {
  for (const engine of testEngines()) {
    describe(`${name} [${engine.kind}]`, () => {
      let database: FreshDatabase | undefined;
      beforeAll(async () => {
        database = await freshDatabase(engine);
      });
      afterAll(async () => {
        await database?.dispose();
      });
      suite(() => {
        if (!database)
          throw new Error(
            `describeEachDatabase(${name}): the database is created in beforeAll; call getDb() inside a test or hook.`,
          );
        return database.warehouse;
      }, engine);
    });
  }
}
