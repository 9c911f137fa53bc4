import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { connect } from '../connect.js';
import { describeEachDatabase, freshDatabase, postgresTestEngine } from '../testing/index.js';
import type { Warehouse } from '../warehouse.js';
import { formatMigrationFailure, migrate } from './migrate.js';
import { migrationStatus } from './migration-status.js';

const FIRST = `-- 0001: the first table
CREATE SCHEMA IF NOT EXISTS app;
CREATE TABLE app.players (id int PRIMARY KEY, name text NOT NULL);
`;
const SECOND = `CREATE TABLE app.scores (player_id int REFERENCES app.players (id), score int NOT NULL);
CREATE INDEX scores_player ON app.scores (player_id);
`;
/** Statement 2 of 3 fails (duplicate column), after statement 1 already created a table. */
const FAILING = `CREATE TABLE app.half_done (id int);
ALTER TABLE app.players ADD COLUMN name text;
CREATE TABLE app.never (id int);
`;

const dirs: string[] = [];
function migrationsDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-migrations-'));
  dirs.push(dir);
  for (const [name, sql] of Object.entries(files)) writeFileSync(join(dir, name), sql);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function tableNames(db: Warehouse): Promise<string[]> {
  const rows = await db.query<{ name: string }>(
    "SELECT table_schema || '.' || table_name AS name FROM information_schema.tables WHERE table_schema IN ('app', 'tributary') ORDER BY 1",
  );
  return rows.map((row) => row.name);
}

describeEachDatabase('migrate', (getDb, engine) => {
  beforeEach(async () => {
    await getDb().exec('DROP SCHEMA IF EXISTS app CASCADE; DROP SCHEMA IF EXISTS tributary CASCADE;');
  });

  it('applies pending migrations in name order, records them, and skips them next time', async () => {
    const dir = migrationsDir({ '0002_scores.sql': SECOND, '0001_players.sql': FIRST });
    const progress: string[] = [];
    let clock = 0;
    const result = await migrate({
      db: getDb(),
      dir,
      onProgress: (event) => progress.push(`${event.kind} ${event.name}`),
      now: () => (clock += 5),
    });
    expect(result).toMatchObject({
      outcome: 'ok',
      applied: [
        { name: '0001_players.sql', durationMs: 5 },
        { name: '0002_scores.sql', durationMs: 5 },
      ],
      skipped: [],
    });
    expect(progress).toEqual([
      'applying 0001_players.sql',
      'applied 0001_players.sql',
      'applying 0002_scores.sql',
      'applied 0002_scores.sql',
    ]);
    expect(await tableNames(getDb())).toEqual(['app.players', 'app.scores', 'tributary.migrations']);
    const rows = await getDb().query<{ name: string; checksum: string; duration_ms: number }>(
      'SELECT name, checksum, duration_ms FROM tributary.migrations ORDER BY name',
    );
    expect(rows.map((row) => [row.name, row.checksum.length, row.duration_ms])).toEqual([
      ['0001_players.sql', 64, 5],
      ['0002_scores.sql', 64, 5],
    ]);
    const again = await migrate({ db: getDb(), dir });
    expect(again).toMatchObject({
      outcome: 'ok',
      applied: [],
      skipped: ['0001_players.sql', '0002_scores.sql'],
    });
  });

  it('dry run returns the SQL that would run and changes nothing', async () => {
    const dir = migrationsDir({ '0001_players.sql': FIRST, '0002_scores.sql': SECOND });
    const result = await migrate({ db: getDb(), dir, dryRun: true });
    expect(result.outcome).toBe('ok');
    expect(result.applied).toEqual([]);
    expect(result.planned.map((p) => p.name)).toEqual(['0001_players.sql', '0002_scores.sql']);
    expect(result.planned[1]?.statements).toEqual([
      'CREATE TABLE app.scores (player_id int REFERENCES app.players (id), score int NOT NULL)',
      'CREATE INDEX scores_player ON app.scores (player_id)',
    ]);
    expect(await tableNames(getDb())).toEqual([]);
  });

  it('stops at target', async () => {
    const dir = migrationsDir({ '0001_players.sql': FIRST, '0002_scores.sql': SECOND });
    const result = await migrate({ db: getDb(), dir, target: '0001_players' });
    expect(result.applied.map((a) => a.name)).toEqual(['0001_players.sql']);
    await expect(migrate({ db: getDb(), dir, target: '0009_nope' })).rejects.toMatchObject({
      code: 'unknown_migration_target',
    });
  });

  it('acceptance 4: a migration failing mid-file leaves no partial change and names file and statement', async () => {
    const dir = migrationsDir({
      '0001_players.sql': FIRST,
      '0002_broken.sql': FAILING,
      '0003_scores.sql': SECOND,
    });
    const result = await migrate({ db: getDb(), dir });
    expect(result.outcome).toBe('failed');
    expect(result.applied.map((a) => a.name)).toEqual(['0001_players.sql']);
    expect(result.failed).toMatchObject({
      file: '0002_broken.sql',
      statementIndex: 1,
      line: 2,
      statement: 'ALTER TABLE app.players ADD COLUMN name text',
      error: { code: '42701' },
    });
    expect(result.failed?.error.message).toMatch(/column "name" of relation "players" already exists/);
    expect(formatMigrationFailure(result.failed as NonNullable<typeof result.failed>)).toMatch(
      /^0002_broken\.sql: statement 2 \(line 2\) failed: .*\[SQLSTATE 42701\]\nALTER TABLE app\.players ADD COLUMN name text$/s,
    );
    // statement 1 created app.half_done: rolled back with the rest; the next migration did not run
    expect(await tableNames(getDb())).toEqual(['app.players', 'tributary.migrations']);
    const status = await migrationStatus({ db: getDb(), dir });
    expect(status.applied.map((a) => a.name)).toEqual(['0001_players.sql']);
    expect(status.pending.map((p) => p.name)).toEqual(['0002_broken.sql', '0003_scores.sql']);
  });

  it('refuses transaction control statements before running anything from the file', async () => {
    const dir = migrationsDir({
      '0001_players.sql': `CREATE SCHEMA app;\n-- wrapped by hand\nBEGIN;\nCREATE TABLE app.players (id int);\nCOMMIT;\n`,
    });
    const result = await migrate({ db: getDb(), dir });
    expect(result.failed).toMatchObject({
      file: '0001_players.sql',
      statementIndex: 1,
      line: 3,
      error: { message: expect.stringContaining('own transaction') },
    });
    expect(await tableNames(getDb())).toEqual(['tributary.migrations']);
    expect(await getDb().query("SELECT nspname FROM pg_namespace WHERE nspname = 'app'")).toEqual([]);
  });

  it('acceptance 4: an edited applied migration is detected and refused; nothing else runs', async () => {
    const dir = migrationsDir({ '0001_players.sql': FIRST });
    expect((await migrate({ db: getDb(), dir })).outcome).toBe('ok');
    writeFileSync(
      join(dir, '0001_players.sql'),
      FIRST.replace('name text NOT NULL', 'name varchar(40) NOT NULL'),
    );
    writeFileSync(join(dir, '0002_scores.sql'), SECOND);
    const result = await migrate({ db: getDb(), dir });
    expect(result.outcome).toBe('refused');
    expect(result.refused?.changed.map((c) => c.name)).toEqual(['0001_players.sql']);
    expect(result.applied).toEqual([]);
    expect(await tableNames(getDb())).toEqual(['app.players', 'tributary.migrations']);
    const status = await migrationStatus({ db: getDb(), dir });
    expect(status).toMatchObject({ applied: [], changed: [{ name: '0001_players.sql' }], missing: [] });
    expect(status.pending.map((p) => p.name)).toEqual(['0002_scores.sql']);
  });

  it('acceptance 4: a deleted applied migration is reported as missing and refused', async () => {
    const dir = migrationsDir({ '0001_players.sql': FIRST, '0002_scores.sql': SECOND });
    expect((await migrate({ db: getDb(), dir })).outcome).toBe('ok');
    unlinkSync(join(dir, '0001_players.sql'));
    const result = await migrate({ db: getDb(), dir });
    expect(result).toMatchObject({
      outcome: 'refused',
      refused: { changed: [], missing: ['0001_players.sql'] },
    });
    const status = await migrationStatus({ db: getDb(), dir });
    expect(status.missing.map((m) => m.name)).toEqual(['0001_players.sql']);
    expect(status.applied.map((m) => m.name)).toEqual(['0002_scores.sql']);
  });

  it('treats CRLF line endings as the same migration', async () => {
    const dir = migrationsDir({ '0001_players.sql': FIRST });
    await migrate({ db: getDb(), dir });
    writeFileSync(join(dir, '0001_players.sql'), FIRST.replaceAll('\n', '\r\n'));
    expect((await migrationStatus({ db: getDb(), dir })).changed).toEqual([]);
  });

  it('status on a database never migrated lists everything pending and creates nothing', async () => {
    const dir = migrationsDir({ '0001_players.sql': FIRST });
    const status = await migrationStatus({ db: getDb(), dir });
    expect(status.pending.map((p) => p.name)).toEqual(['0001_players.sql']);
    expect(await tableNames(getDb())).toEqual([]);
  });

  it('names a missing migrations directory and the fix', async () => {
    await expect(
      migrate({ db: getDb(), dir: join(tmpdir(), 'tributary-no-such-dir') }),
    ).rejects.toMatchObject({
      code: 'migrations_dir_missing',
      message: expect.stringContaining('tributary generate'),
    });
  });

  it.runIf(engine.kind === 'pglite')(
    'acceptance 3 (embedded): concurrent runs on one PGlite handle apply each migration once',
    async () => {
      const dir = migrationsDir({ '0001_players.sql': FIRST, '0002_scores.sql': SECOND });
      const results = await Promise.all([migrate({ db: getDb(), dir }), migrate({ db: getDb(), dir })]);
      expect(results.flatMap((r) => r.applied.map((a) => a.name)).sort()).toEqual([
        '0001_players.sql',
        '0002_scores.sql',
      ]);
      expect(await getDb().query('SELECT count(*)::int AS n FROM tributary.migrations')).toEqual([{ n: 2 }]);
    },
  );
});

const postgres = postgresTestEngine();

describe('acceptance 3: concurrent runners on one PostgreSQL database', () => {
  it.skipIf(!postgres)(
    'two runners started at the same moment apply each migration exactly once (needs DATABASE_URL)',
    async () => {
      if (!postgres) return;
      const fresh = await freshDatabase(postgres);
      const runners = await Promise.all([connect(fresh.url), connect(fresh.url)]);
      try {
        // Each migration sleeps, so the second runner is certain to be waiting on the lock.
        const files: Record<string, string> = {};
        for (let n = 1; n <= 4; n++) {
          files[`000${n}_step.sql`] =
            `SELECT pg_sleep(0.05);\nCREATE TABLE step_${n} (id int);\nINSERT INTO step_${n} VALUES (${n});\n`;
        }
        const dir = migrationsDir(files);
        const results = await Promise.all(runners.map((db) => migrate({ db, dir })));
        for (const result of results) expect(result.outcome).toBe('ok');
        const appliedBy = results.map((r) => r.applied.map((a) => a.name));
        expect([...(appliedBy[0] ?? []), ...(appliedBy[1] ?? [])].sort()).toEqual(Object.keys(files));
        // What one runner applied, the other skipped.
        expect([...(results[0]?.skipped ?? []), ...(results[1]?.skipped ?? [])].sort()).toEqual(
          Object.keys(files),
        );
        const counts = await fresh.warehouse.query<{ n: number }>(
          'SELECT (SELECT count(*) FROM step_1)::int + (SELECT count(*) FROM step_2)::int + (SELECT count(*) FROM step_3)::int + (SELECT count(*) FROM step_4)::int AS n',
        );
        expect(counts).toEqual([{ n: 4 }]);
        expect(await fresh.warehouse.query('SELECT count(*)::int AS n FROM tributary.migrations')).toEqual([
          { n: 4 },
        ]);
      } finally {
        await Promise.all(runners.map((db) => db.close()));
        await fresh.dispose();
      }
    },
  );
});
