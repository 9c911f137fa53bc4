import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@tributary/warehouse';
import { type FreshDatabase, freshDatabase, testEngines } from '@tributary/warehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../__fixtures__/run-cli.js';

const FIRST = 'CREATE TABLE players (id int PRIMARY KEY);\nINSERT INTO players VALUES (1);\n';
const SECOND = 'CREATE TABLE scores (player_id int REFERENCES players (id), score int NOT NULL);\n';
const BROKEN = 'CREATE TABLE half_done (id int);\nINSERT INTO players VALUES (1);\n';

const dirs: string[] = [];
function workDir(): string {
  const cwd = mkdtempSync(join(tmpdir(), 'tributary-cli-migrate-'));
  dirs.push(cwd);
  return cwd;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

for (const engine of testEngines()) {
  describe(`tributary migrate [${engine.kind}]`, () => {
    let fresh: FreshDatabase | undefined;
    /** Environment that points the CLI at a new empty database for each test. */
    let databaseEnv: () => Promise<Record<string, string | undefined>>;
    beforeAll(() => {
      databaseEnv = async () => {
        if (engine.kind === 'pglite') return { TRIBUTARY_DATA_DIR: join(workDir(), 'data') };
        await fresh?.dispose();
        fresh = await freshDatabase(engine);
        return { DATABASE_URL: fresh.url };
      };
    });
    afterAll(async () => {
      await fresh?.dispose();
    });

    it('applies pending migrations with progress, then reports up to date; status lists them', async () => {
      const cwd = workDir();
      writeMigrations(cwd, { '0001_players.sql': FIRST, '0002_scores.sql': SECOND });
      const env = await databaseEnv();
      const up = await runCli(['migrate'], { cwd, env });
      expect(up.stderr).toBe('');
      expect(up.code).toBe(0);
      expect(up.stdout).toMatch(
        /^Migrating .* from migrations\n {2}applying 0001_players\.sql \(2 statements\)…\n {2}applied {2}0001_players\.sql in \d+ ms\n/,
      );
      expect(up.stdout).toContain('Applied 2 migration(s); 0 already applied.\n');
      expect(await runCli(['migrate', 'up'], { cwd, env })).toMatchObject({
        code: 0,
        stdout: expect.stringContaining('Up to date: 2 migration(s) already applied.'),
      });
      const status = await runCli(['migrate', 'status'], { cwd, env });
      expect(status.code).toBe(0);
      expect(status.stdout).toMatch(
        /^applied {2}0001_players\.sql {2}\d{4}-.*\napplied {2}0002_scores\.sql .*\n2 applied, 0 pending, 0 changed, 0 missing\.\n$/,
      );
    });

    it('--dry-run prints the SQL and changes nothing', async () => {
      const cwd = workDir();
      writeMigrations(cwd, { '0001_players.sql': FIRST });
      const env = await databaseEnv();
      const dry = await runCli(['migrate', '--dry-run'], { cwd, env });
      expect(dry.code).toBe(0);
      expect(dry.stdout).toContain(`-- 0001_players.sql\n${FIRST.trimEnd()}\n`);
      expect(dry.stdout).toContain('1 migration(s) would be applied; 0 already applied.');
      const status = await runCli(['migrate', 'status'], { cwd, env });
      expect(status.stdout).toBe('pending  0001_players.sql\n0 applied, 1 pending, 0 changed, 0 missing.\n');
    });

    it('a failing migration exits 1 naming file, statement and line; edited and deleted ones are refused', async () => {
      const cwd = workDir();
      writeMigrations(cwd, { '0001_players.sql': FIRST, '0002_broken.sql': BROKEN });
      const env = await databaseEnv();
      const failed = await runCli(['migrate'], { cwd, env });
      expect(failed.code).toBe(1);
      expect(failed.stderr).toMatch(
        /^tributary migrate: 0002_broken\.sql: statement 2 \(line 2\) failed: duplicate key.*\[SQLSTATE 23505\]\nINSERT INTO players VALUES \(1\)\nNothing from 0002_broken\.sql was applied/s,
      );
      const status = await runCli(['migrate', 'status'], { cwd, env });
      expect(status.stdout).toContain('pending  0002_broken.sql');

      writeMigrations(cwd, { '0001_players.sql': `${FIRST}-- edited\n` });
      const refused = await runCli(['migrate'], { cwd, env });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('changed  0001_players.sql: edited after it was applied');
      expect(refused.stderr).toContain('Restore them from version control');
      const changedStatus = await runCli(['migrate', 'status'], { cwd, env });
      expect(changedStatus.code).toBe(1);
      expect(changedStatus.stdout).toContain('changed  0001_players.sql');

      rmSync(join(cwd, 'migrations/0001_players.sql'));
      const missing = await runCli(['migrate', 'status'], { cwd, env });
      expect(missing.stdout).toContain('missing  0001_players.sql');
      expect(missing.code).toBe(1);
    });
  });
}

describe('tributary migrate: usage and connection problems', () => {
  it('names an unknown action', async () => {
    const result = await runCli(['migrate', 'sideways'], { cwd: workDir() });
    expect(result).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown action "sideways"') });
  });

  it('names a missing migrations directory and how to create it', async () => {
    const result = await runCli(['migrate', '--database-url', 'memory://', '--dir', 'nowhere'], {
      cwd: workDir(),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/nowhere does not exist\. Generate migrations first \(tributary generate/);
  });

  it('explains an unreachable server without printing the password', async () => {
    const result = await runCli(['migrate', '--database-url', 'postgres://me:hunter2@127.0.0.1:1/db'], {
      cwd: workDir(),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('cannot connect to postgres://me:***@127.0.0.1:1/db');
    expect(result.stderr).toContain('Check --database-url / DATABASE_URL');
    expect(result.stderr).not.toContain('hunter2');
  });

  it('reports an embedded database locked by another owner', async () => {
    const cwd = workDir();
    const dataDir = join(cwd, 'data');
    const owner = await connect(undefined, { dataDir });
    try {
      const result = await runCli(['migrate', 'status'], { cwd, env: { TRIBUTARY_DATA_DIR: dataDir } });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`in use by process ${process.pid}`);
    } finally {
      await owner.close();
    }
  });

  it('has help with examples', async () => {
    const help = await runCli(['migrate', '--help'], { cwd: workDir() });
    expect(help.stdout).toContain('Examples:\n  tributary migrate\n  tributary migrate status');
  });
});

function writeMigrations(cwd: string, files: Record<string, string>): void {
  const dir = join(cwd, 'migrations');
  mkdirSync(dir, { recursive: true });
  for (const [name, sql] of Object.entries(files)) writeFileSync(join(dir, name), sql);
}
