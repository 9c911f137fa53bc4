import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { connect } from '../connect.js';
import { databaseUrl, freshDatabase, postgresTestEngine, testEngines } from './index.js';

describe('testEngines', () => {
  it('is PGlite alone without DATABASE_URL, PGlite and PostgreSQL with it', () => {
    expect(testEngines({})).toEqual([{ kind: 'pglite' }]);
    expect(testEngines({ DATABASE_URL: ' postgres://x@h/db ' })).toEqual([
      { kind: 'pglite' },
      { kind: 'postgres', adminUrl: 'postgres://x@h/db' },
    ]);
    expect(postgresTestEngine({})).toBeUndefined();
  });

  it('points a server URL at another database', () => {
    expect(databaseUrl('postgres://u:p@host:5432/test?sslmode=disable', 'other')).toBe(
      'postgres://u:p@host:5432/other?sslmode=disable',
    );
  });
});

describe.each(testEngines())('freshDatabase [$kind]', (engine) => {
  it('gives isolated databases', async () => {
    const [a, b] = await Promise.all([freshDatabase(engine), freshDatabase(engine)]);
    try {
      await a.warehouse.exec('CREATE TABLE only_in_a (x int)');
      expect(await b.warehouse.query("SELECT to_regclass('only_in_a')::text AS t")).toEqual([{ t: null }]);
    } finally {
      await Promise.all([a.dispose(), b.dispose()]);
    }
  });

  it.runIf(engine.kind === 'postgres')(
    'creates a uniquely named database and drops it on dispose, even with sessions still open',
    async () => {
      if (engine.kind !== 'postgres') return;
      const fresh = await freshDatabase(engine);
      const name = new URL(fresh.url).pathname.slice(1);
      expect(name).toMatch(new RegExp(`^tributary_test_${process.pid}_[0-9a-f]{8}$`));
      const straggler = await connect(fresh.url);
      await straggler.query('SELECT 1');
      await fresh.dispose();
      const admin = new pg.Client({ connectionString: engine.adminUrl });
      await admin.connect();
      try {
        const { rows } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
        expect(rows).toEqual([]);
      } finally {
        await admin.end();
        await straggler.close().catch(() => {});
      }
    },
  );
});
