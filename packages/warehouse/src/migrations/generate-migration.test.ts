import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileDdl, planToWarehouse } from '@tributary/sql';
import { samplePlanSteps } from '@tributary/sql/test-fixtures';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { describeEachDatabase } from '../testing/index.js';
import type { SqlRunner, Warehouse } from '../warehouse.js';
import { generateMigration, planMigrationFiles, SNAPSHOT_FILE } from './generate-migration.js';
import { migrate } from './migrate.js';

const dirs: string[] = [];
function emptyDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-generate-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const finalStep = samplePlanSteps[samplePlanSteps.length - 1];
if (!finalStep || samplePlanSteps.length < 5) throw new Error('the sample plan needs at least five steps');

/** Generates one migration per step into a fresh directory; returns the directory and the file names. */
async function evolveThroughAllSteps(): Promise<{ dir: string; files: string[] }> {
  const dir = emptyDir();
  const files: string[] = [];
  for (const [index, step] of samplePlanSteps.entries()) {
    const result = await generateMigration({
      document: step.document,
      dir,
      ...(index > 0 ? { name: step.name } : {}),
    });
    if (result.fileName) files.push(result.fileName);
  }
  return { dir, files };
}

describe('generateMigration', () => {
  it('writes NNNN_<slug>.sql and snapshot.json, numbering on from existing files', async () => {
    const { dir, files } = await evolveThroughAllSteps();
    expect(files).toHaveLength(samplePlanSteps.length);
    expect(files.map((name) => name.slice(0, 5))).toEqual(['0001_', '0002_', '0003_', '0004_', '0005_']);
    expect(files[0]).toBe('0001_initial.sql');
    expect(readdirSync(dir).sort()).toEqual([...files, SNAPSHOT_FILE].sort());
    expect(readFileSync(join(dir, files[1] as string), 'utf8')).toMatch(/^-- Migration 0002_/);
  });

  it('writes nothing when the plan did not change, and is deterministic', async () => {
    const { dir } = await evolveThroughAllSteps();
    const before = Object.fromEntries(
      readdirSync(dir).map((name) => [name, readFileSync(join(dir, name), 'utf8')]),
    );
    const again = await generateMigration({ plan: finalStep.plan, dir });
    expect(again).toEqual({ fileName: undefined, changes: [], written: [] });
    expect(
      Object.fromEntries(readdirSync(dir).map((name) => [name, readFileSync(join(dir, name), 'utf8')])),
    ).toEqual(before);
    const second = await evolveThroughAllSteps();
    for (const [name, content] of Object.entries(before))
      expect(readFileSync(join(second.dir, name), 'utf8')).toBe(content);
  });

  it('plans without writing, and accepts a plan as well as a document', () => {
    const dir = emptyDir();
    const planned = planMigrationFiles({
      plan: samplePlanSteps[0]?.plan as NonNullable<(typeof samplePlanSteps)[0]>['plan'],
      dir,
    });
    expect(planned?.files.map((file) => file.path)).toEqual([
      join(dir, '0001_initial.sql'),
      join(dir, SNAPSHOT_FILE),
    ]);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses to guess when migrations exist but the snapshot is gone', async () => {
    const { dir } = await evolveThroughAllSteps();
    rmSync(join(dir, SNAPSHOT_FILE));
    await expect(generateMigration({ plan: finalStep.plan, dir })).rejects.toMatchObject({
      code: 'invalid_snapshot',
      message: expect.stringContaining('Restore'),
    });
  });

  it('reports a corrupt snapshot', async () => {
    const { dir } = await evolveThroughAllSteps();
    writeFileSync(join(dir, SNAPSHOT_FILE), '{"format":"nope"}');
    await expect(generateMigration({ plan: finalStep.plan, dir })).rejects.toMatchObject({
      code: 'invalid_snapshot',
    });
  });
});

const WAREHOUSE_SCHEMAS = "('raw', 'staging', 'processed', 'cooked', 'tributary')";
const NOT_BOOKKEEPING = "NOT (n.nspname = 'tributary' AND c.relname = 'migrations')";

/**
 * The catalog of the warehouse schemas, as comparable rows. Column order is not compared
 * (ALTER TABLE … ADD COLUMN appends; a fresh CREATE TABLE may order columns differently).
 * The runner's own `tributary.migrations` table is left out.
 */
async function catalog(db: SqlRunner) {
  const tables = await db.query(
    `SELECT table_schema, table_name, table_type FROM information_schema.tables
     WHERE table_schema IN ${WAREHOUSE_SCHEMAS} AND NOT (table_schema = 'tributary' AND table_name = 'migrations')
     ORDER BY 1, 2`,
  );
  const columns = await db.query(
    `SELECT table_schema, table_name, column_name, data_type, udt_name, character_maximum_length,
            numeric_precision, numeric_scale, is_nullable, column_default
     FROM information_schema.columns
     WHERE table_schema IN ${WAREHOUSE_SCHEMAS} AND NOT (table_schema = 'tributary' AND table_name = 'migrations')
     ORDER BY 1, 2, 3`,
  );
  const constraints = await db.query(
    `SELECT n.nspname AS schema, c.relname AS table, k.conname AS name, k.contype AS type, pg_get_constraintdef(k.oid) AS definition
     FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname IN ${WAREHOUSE_SCHEMAS} AND ${NOT_BOOKKEEPING}
     ORDER BY 1, 2, 3`,
  );
  const indexes = await db.query(
    `SELECT schemaname, tablename, indexname, indexdef FROM pg_indexes
     WHERE schemaname IN ${WAREHOUSE_SCHEMAS} AND NOT (schemaname = 'tributary' AND tablename = 'migrations')
     ORDER BY 1, 2, 3`,
  );
  return { tables, columns, constraints, indexes };
}

async function resetWarehouse(db: Warehouse): Promise<void> {
  await db.exec('DROP SCHEMA IF EXISTS raw, staging, processed, cooked, tributary CASCADE');
}

describeEachDatabase('generated migrations on a database', (getDb) => {
  beforeEach(() => resetWarehouse(getDb()));

  it('acceptance 1: the final sample plan DDL applies cleanly', async () => {
    const ddl = compileDdl(planToWarehouse(finalStep.document));
    await getDb().exec(ddl);
    const { tables } = await catalog(getDb());
    const names = tables.map((t) => `${t.table_schema}.${t.table_name}`);
    expect(names).toEqual(expect.arrayContaining(['raw.events', 'raw.rejected', 'tributary.etl_runs']));
    expect(names.filter((name) => name.startsWith('processed.')).length).toBeGreaterThanOrEqual(5);
  });

  it('acceptance 2: the evolution migrations applied in order give the same catalog as the final DDL', async () => {
    const { dir, files } = await evolveThroughAllSteps();
    expect(files.length).toBeGreaterThanOrEqual(5); // the initial migration + four evolution steps
    const result = await migrate({ db: getDb(), dir });
    expect(result.failed).toBeUndefined();
    expect(result.applied.map((m) => m.name)).toEqual(files);
    const migrated = await catalog(getDb());

    await resetWarehouse(getDb());
    await getDb().exec(compileDdl(planToWarehouse(finalStep.document)));
    const direct = await catalog(getDb());

    expect(migrated.tables.length).toBeGreaterThan(0);
    expect(migrated.constraints.some((c) => c.type === 'c')).toBe(true);
    expect(migrated.tables).toEqual(direct.tables);
    expect(migrated.columns).toEqual(direct.columns);
    expect(migrated.constraints).toEqual(direct.constraints);
    expect(migrated.indexes).toEqual(direct.indexes);
  });

  it('each intermediate step: migrations up to step N equal the DDL of step N', async () => {
    const { dir, files } = await evolveThroughAllSteps();
    for (const [index, step] of samplePlanSteps.entries()) {
      await resetWarehouse(getDb());
      const result = await migrate({ db: getDb(), dir, target: files[index] as string });
      expect(result.outcome).toBe('ok');
      const migrated = await catalog(getDb());
      await resetWarehouse(getDb());
      await getDb().exec(compileDdl(planToWarehouse(step.document)));
      expect(migrated, `after ${files[index]}`).toEqual(await catalog(getDb()));
    }
  });
});
