import { expect, it } from 'vitest';
import { freshDatabase, postgresTestEngine } from '../../testing/index.js';

const engine = postgresTestEngine();

it.skipIf(engine === undefined)(
  'a connection killed mid-query fails that query without crashing the process, and LISTEN resumes (needs DATABASE_URL)',
  async () => {
    const database = await freshDatabase(engine!);
    const db = database.warehouse;
    const admin = await freshDatabase(engine!);
    try {
      const received: string[] = [];
      await db.listen('resilience', (payload) => received.push(payload));
      // Settled into a value at once: the kill can reject it before the admin query returns, and a
      // rejection nobody handles yet counts as unhandled.
      const pending = db.query('SELECT pg_sleep(10)').then(
        () => 'finished',
        (error: unknown) => error,
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      // Kill every session of the test database: the sleeping query and the LISTEN connection.
      await admin.warehouse.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [new URL(database.url).pathname.slice(1)],
      );
      expect(await pending).toBeInstanceOf(Error);
      // The pool recovers (idle clients that were killed are discarded as their errors arrive), and
      // notifications arrive again on a new LISTEN connection.
      let rows: unknown;
      for (let attempt = 0; attempt < 20 && rows === undefined; attempt++) {
        rows = await db.query<{ one: number }>('SELECT 1 AS one').catch(() => undefined);
        if (rows === undefined) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(rows).toEqual([{ one: 1 }]);
      const deadline = Date.now() + 10_000;
      while (!received.includes('after') && Date.now() < deadline) {
        await db.notify('resilience', 'after');
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
      expect(received).toContain('after');
    } finally {
      await admin.dispose();
      await database.dispose();
    }
  },
  30_000,
);
