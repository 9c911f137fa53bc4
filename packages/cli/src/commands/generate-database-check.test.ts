import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { connect } from '@tributary/warehouse';
import { freshDatabase, postgresTestEngine } from '@tributary/warehouse/testing';
import { describe, expect, it } from 'vitest';
import { runCli } from '../__fixtures__/run-cli.js';

const plan = resolve(import.meta.dirname, '../__fixtures__/plan-initial.ts');

async function checkAfterHandEdit(
  cwd: string,
  env: Record<string, string>,
  alter: (sql: string) => Promise<void>,
) {
  expect((await runCli(['generate', '--plan', plan], { cwd, env })).code).toBe(0);
  expect((await runCli(['migrate', 'up'], { cwd, env })).code).toBe(0);
  const clean = await runCli(['generate', '--plan', plan, '--check'], { cwd, env });
  expect(clean).toMatchObject({ code: 0, stdout: 'Generated files are up to date.\n' });

  await alter('ALTER TABLE raw.events ADD COLUMN hand_made text');
  const check = await runCli(['generate', '--plan', plan, '--check'], { cwd, env });
  expect(check.code).toBe(1);
  expect(check.stdout).toContain(
    'database raw.events.hand_made: in the database (text) but not in the generated types',
  );
  expect(check.stderr).toMatch(/the database differs from the generated types/);
  // --files-only ignores the database.
  expect((await runCli(['generate', '--plan', plan, '--check', '--files-only'], { cwd, env })).code).toBe(0);
}

describe('tributary generate --check against the database', () => {
  it('reports a column added by hand to the embedded database', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'tributary-check-db-'));
    await checkAfterHandEdit(cwd, {}, async (sql) => {
      const db = await connect(undefined, { dataDir: join(cwd, '.tributary/data') });
      try {
        await db.exec(sql);
      } finally {
        await db.close();
      }
    });
  }, 120_000);

  const engine = postgresTestEngine();
  it.skipIf(engine === undefined)(
    'reports a column added by hand on PostgreSQL (needs DATABASE_URL)',
    async () => {
      const database = await freshDatabase(engine!);
      try {
        const cwd = mkdtempSync(join(tmpdir(), 'tributary-check-pg-'));
        await checkAfterHandEdit(cwd, { DATABASE_URL: database.url }, (sql) => database.warehouse.exec(sql));
      } finally {
        await database.dispose();
      }
    },
    120_000,
  );
});
