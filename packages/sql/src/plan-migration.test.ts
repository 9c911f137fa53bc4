import { describe, expect, test } from 'vitest';
import { SqlError } from './errors.js';
import { nextMigrationNumber, type PlannedMigration, planMigration, slugify } from './plan-migration.js';
import { compileDdl } from './render-sql.js';
import { planToWarehouse } from './model/plan-to-warehouse.js';
import { serializeSnapshot, type WarehouseSnapshot } from './snapshot.js';
import { splitSqlStatements } from './split-sql.js';
import { samplePlanDocument, samplePlanSteps } from './test-fixtures/index.js';
import { testDocument } from './test-helpers/plans.js';

/** Generates the migrations of the sample plan's evolution, as a migrations directory would see them. */
function evolve(): PlannedMigration[] {
  const out: PlannedMigration[] = [];
  let previous: WarehouseSnapshot | undefined;
  for (const step of samplePlanSteps) {
    const migration = planMigration({
      document: step.document,
      previousSnapshot: previous,
      existingFiles: out.map((m) => m.fileName),
    });
    if (!migration) throw new Error(`step ${step.name} produced no migration`);
    out.push(migration);
    previous = migration.snapshot;
  }
  return out;
}

describe('the sample plan (acceptance 1: exact formatted SQL)', () => {
  test('full DDL', async () => {
    await expect(compileDdl(planToWarehouse(samplePlanDocument))).toMatchFileSnapshot(
      './__snapshots__/sample-plan-ddl.sql',
    );
  });

  test('the five evolution steps give an initial migration and four more, with exact text', async () => {
    const migrations = evolve();
    expect(migrations.map((m) => m.fileName)).toEqual([
      '0001_initial.sql',
      '0002_add_ad_watched.sql',
      '0003_level_up_v2.sql',
      '0004_purchase_v2.sql',
      '0005_add_level_up_v3.sql',
    ]);
    for (const m of migrations)
      await expect(m.sql).toMatchFileSnapshot(`./__snapshots__/sample-migrations/${m.fileName}`);
  });

  test('the last snapshot equals the final model, so the migrations add up to the final DDL', () => {
    const migrations = evolve();
    expect(migrations.at(-1)?.snapshot.model).toEqual(planToWarehouse(samplePlanDocument));
    const statements = migrations.flatMap((m) => splitSqlStatements(m.sql));
    expect(statements.filter((s) => s.includes('create table')).length).toBe(
      splitSqlStatements(compileDdl(planToWarehouse(samplePlanDocument))).filter((s) =>
        s.includes('create table'),
      ).length,
    );
  });
});

describe('planMigration', () => {
  const first = samplePlanSteps[0]!.document;

  test('returns undefined when nothing changed', () => {
    const initial = planMigration({ document: first, previousSnapshot: undefined, existingFiles: [] });
    expect(initial).toBeDefined();
    expect(
      planMigration({
        document: first,
        previousSnapshot: initial?.snapshot,
        existingFiles: ['0001_initial.sql'],
      }),
    ).toBeUndefined();
  });

  test('is deterministic: same inputs, byte-identical file name, SQL and snapshot', () => {
    const a = planMigration({ document: samplePlanDocument, previousSnapshot: undefined, existingFiles: [] });
    const b = planMigration({ document: samplePlanDocument, previousSnapshot: undefined, existingFiles: [] });
    expect(b?.fileName).toBe(a?.fileName);
    expect(b?.sql).toBe(a?.sql);
    expect(serializeSnapshot(b!.snapshot)).toBe(serializeSnapshot(a!.snapshot));
    expect(a?.sql).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
  });

  test('numbers after the highest existing NNNN_ .sql file and ignores other files', () => {
    expect(nextMigrationNumber([])).toBe(1);
    expect(
      nextMigrationNumber([
        '0007_x.sql',
        'migrations/0012_y.sql',
        'README.md',
        'snapshot.json',
        '0099_notes.txt',
        'C:\\m\\0003_z.sql',
      ]),
    ).toBe(13);
    const m = planMigration({
      document: first,
      previousSnapshot: undefined,
      existingFiles: ['0001_a.sql', '0009_b.sql'],
      name: 'Bootstrap the Warehouse!',
    });
    expect(m?.fileName).toBe('0010_bootstrap_the_warehouse.sql');
    expect(m?.sql.split('\n')[0]).toBe(
      '-- Migration 0010_bootstrap_the_warehouse.sql for plan "sample-game".',
    );
  });

  test('slugs: a given name is slugified; one without letters or digits is refused', () => {
    expect(slugify('  Add  purchase v2 ')).toBe('add_purchase_v2');
    expect(slugify('x'.repeat(80))).toHaveLength(60);
    let error: unknown;
    try {
      planMigration({ document: first, previousSnapshot: undefined, existingFiles: [], name: '!!!' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SqlError);
    expect((error as SqlError).code).toBe('invalid_migration_name');
  });

  test('a slug from statements when no event version was added, shortened with _and_more', () => {
    const before = planMigration({
      document: testDocument([{ name: 'thing', properties: { a: { type: 'string' } } }]),
      previousSnapshot: undefined,
      existingFiles: [],
    });
    const after = planMigration({
      document: testDocument([{ name: 'thing', properties: { a: { type: 'string' } } }], {
        locale: { type: 'string' },
        tz: { type: 'string' },
        os: { type: 'string' },
      }),
      previousSnapshot: before?.snapshot,
      existingFiles: ['0001_initial.sql'],
    });
    expect(after?.fileName).toBe('0002_add_thing_context_locale_and_add_thing_context_os_and_more.sql');
    expect(after?.changes).toEqual([
      'table processed.thing, column "context_locale" added (text)',
      'table processed.thing, column "context_os" added (text)',
      'table processed.thing, column "context_tz" added (text)',
      'table processed.tracks, column "context_locale" added (text)',
      'table processed.tracks, column "context_os" added (text)',
      'table processed.tracks, column "context_tz" added (text)',
    ]);
  });

  test('enum values with line breaks cannot escape the header comment', () => {
    const before = planMigration({
      document: testDocument([{ name: 'thing', properties: { s: { type: 'string', enum: ['a'] } } }]),
      previousSnapshot: undefined,
      existingFiles: [],
    });
    const after = planMigration({
      document: testDocument([
        { name: 'thing', version: 1, properties: { s: { type: 'string', enum: ['a'] } } },
        { name: 'thing', version: 2, properties: { s: { type: 'string', enum: ['a', 'b\ndrop table x;'] } } },
      ]),
      previousSnapshot: before?.snapshot,
      existingFiles: ['0001_initial.sql'],
    });
    const header = after?.sql.split('\n\n')[0] ?? '';
    expect(header.split('\n').every((line) => line.startsWith('--'))).toBe(true);
    expect(header).toContain(`widened to also allow 'b\\u000adrop table x;'`);
    expect(splitSqlStatements(after?.sql ?? '')).toHaveLength(1);
    expect(after?.sql).toContain(`'b\ndrop table x;'`);
  });

  test('destructive changes are refused unless allowDestructive', () => {
    const wide = planMigration({
      document: testDocument([{ name: 'thing', properties: { a: { type: 'string', maxLength: 9 } } }]),
      previousSnapshot: undefined,
      existingFiles: [],
    });
    const narrow = testDocument([{ name: 'thing', properties: { a: { type: 'string', maxLength: 3 } } }]);
    expect(() =>
      planMigration({
        document: narrow,
        previousSnapshot: wide?.snapshot,
        existingFiles: ['0001_initial.sql'],
      }),
    ).toThrow(/allowDestructive: true \(CLI: --allow-destructive\)/);
    const forced = planMigration({
      document: narrow,
      previousSnapshot: wide?.snapshot,
      existingFiles: ['0001_initial.sql'],
      allowDestructive: true,
    });
    expect(forced?.sql).toContain('alter column "a" type varchar(3) using "a"::varchar(3);');
  });
});
