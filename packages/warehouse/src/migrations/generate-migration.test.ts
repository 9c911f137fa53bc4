import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileDdl, planToWarehouse } from '@tributary/sql';
import { samplePlanSteps } from '@tributary/sql/test-fixtures';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { describeEachDatabase } from '../testing/index.js';
import type { SqlRunner, Warehouse } from '../warehouse.js';
import { runEtl } from '../etl/run-etl.js';
import { perSourcePlanDocument } from './__fixtures__/per-source-plan.js';
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

/** What the version before per-source message ids generated for `perSourcePlanDocument`. */
const PRE_PER_SOURCE = join(dirname(fileURLToPath(import.meta.url)), '__fixtures__', 'pre-per-source');

describeEachDatabase('upgrading a warehouse from before per-source message ids', (getDb) => {
  beforeEach(() => resetWarehouse(getDb()));

  it('generate + migrate: raw.events unique on (message_id, source), processed rows keep their source, the ETL loads an id another source used', async () => {
    const db = getDb();
    const dir = emptyDir();
    cpSync(PRE_PER_SOURCE, dir, { recursive: true });
    // The warehouse as the earlier version left it: its migration, raw rows of source web, and
    // their processed rows (as its ETL loaded them: no source column, keyed by message_id).
    expect((await migrate({ db, dir })).applied.map((m) => m.name)).toEqual(['0001_initial.sql']);
    const message = (id: string, level: number) => ({
      type: 'track',
      event: 'level_up',
      messageId: id,
      userId: 'u1',
      timestamp: `2026-03-01T10:0${level}:00.000Z`,
      context: { platform: 'web' },
      properties: { level },
    });
    await db.query(
      `INSERT INTO raw.events (message_id, received_at, source, type, event, payload)
       VALUES ('m-1', '2026-03-01T10:01:01Z', 'web', 'track', 'level_up', $1),
              ('m-2', '2026-03-01T10:02:01Z', 'web', 'track', 'level_up', $2)`,
      [JSON.stringify(message('m-1', 1)), JSON.stringify(message('m-2', 2))],
    );
    await db.exec(
      `INSERT INTO processed.tracks (message_id, seq, event, event_version, user_key, user_id, "timestamp")
       SELECT r.message_id, r.seq, 'level_up', 1, 'u1', 'u1', (r.payload ->> 'timestamp')::timestamptz
       FROM raw.events AS r;
       INSERT INTO processed.level_up (message_id, seq, user_id, "timestamp", received_at, event_version, level)
       SELECT r.message_id, r.seq, 'u1', (r.payload ->> 'timestamp')::timestamptz, r.received_at, 1, r.seq::integer
       FROM raw.events AS r`,
    );
    await db.exec(
      "INSERT INTO tributary.watermarks (name, seq) SELECT n, max(seq) FROM raw.events, (VALUES ('etl'), ('cook')) AS w(n) GROUP BY n",
    );
    // The old unique index: source app cannot store the id web used.
    await expect(
      db.query(
        "INSERT INTO raw.events (message_id, received_at, source, type, payload) VALUES ('m-1', now(), 'app', 'track', '{}')",
      ),
    ).rejects.toMatchObject({ code: '23505' });

    // tributary generate: the next migration, without --allow-destructive.
    const generated = await generateMigration({ document: perSourcePlanDocument, dir });
    expect(generated.fileName).toMatch(/^0002_/);
    expect(generated.changes).toEqual(
      expect.arrayContaining([
        'table processed.tracks, column "source" added (text)',
        'table processed.tracks, column "source": existing rows filled from raw.events (joined on "seq")',
        'table processed.tracks, column "source": NOT NULL added (every existing row was filled)',
        'table raw.events: unique events_message_id_key ("message_id") replaced by events_message_id_source_key ("message_id", "source") (existing rows cannot violate it: it only adds columns)',
        'table processed.level_up: primary key level_up_pkey ("message_id") replaced by level_up_pkey ("message_id", "source") (existing rows cannot violate it: it only adds columns)',
      ]),
    );
    for (const table of ['level_up', 'tracks', 'identifies', 'pages', 'screens', 'groups', 'aliases'])
      expect(generated.changes).toContain(
        `table processed.${table}: primary key ${table}_pkey ("message_id") replaced by ${table}_pkey ("message_id", "source") (existing rows cannot violate it: it only adds columns)`,
      );
    // tributary migrate
    const result = await migrate({ db, dir });
    expect(result.failed).toBeUndefined();
    expect(result.applied.map((m) => m.name)).toEqual([generated.fileName]);
    expect(
      await db.query('SELECT message_id, source, seq::integer AS seq FROM processed.tracks ORDER BY seq'),
    ).toEqual([
      { message_id: 'm-1', source: 'web', seq: 1 },
      { message_id: 'm-2', source: 'web', seq: 2 },
    ]);
    expect(await db.query('SELECT message_id, source FROM processed.level_up ORDER BY seq')).toEqual([
      { message_id: 'm-1', source: 'web' },
      { message_id: 'm-2', source: 'web' },
    ]);
    const migrated = await catalog(db);

    // Now source app stores m-1 (web's id) and the ETL loads it beside web's row; a repeat of
    // (app, m-1) is still refused.
    await db.query(
      `INSERT INTO raw.events (message_id, received_at, source, type, event, payload)
       VALUES ('m-1', '2026-03-01T10:03:01Z', 'app', 'track', 'level_up', $1)`,
      [JSON.stringify({ ...message('m-1', 3), context: { platform: 'ios' } })],
    );
    await expect(
      db.query(
        "INSERT INTO raw.events (message_id, received_at, source, type, payload) VALUES ('m-1', now(), 'app', 'track', '{}')",
      ),
    ).rejects.toMatchObject({ code: '23505' });
    const run = await runEtl({ warehouse: db, document: perSourcePlanDocument, mode: 'incremental' });
    expect(run).toMatchObject({ extracted: 1, loaded: 1, rejected: 0, duplicates: 0 });
    expect(await db.query('SELECT message_id, source, level FROM processed.level_up ORDER BY seq')).toEqual([
      { message_id: 'm-1', source: 'web', level: 1 },
      { message_id: 'm-2', source: 'web', level: 2 },
      { message_id: 'm-1', source: 'app', level: 3 },
    ]);
    expect(await db.query("SELECT events FROM cooked.user_days WHERE user_key = 'u1'")).toEqual([
      { events: 3 },
    ]);

    // The upgraded catalog is the one a new warehouse gets (column order aside).
    await resetWarehouse(db);
    await db.exec(compileDdl(planToWarehouse(perSourcePlanDocument)));
    const direct = await catalog(db);
    expect(migrated.tables).toEqual(direct.tables);
    expect(migrated.columns).toEqual(direct.columns);
    expect(migrated.constraints).toEqual(direct.constraints);
    expect(migrated.indexes).toEqual(direct.indexes);
  });
});
