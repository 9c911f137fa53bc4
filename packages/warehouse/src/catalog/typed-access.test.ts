import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileDdl, generateKyselyTypes, planToWarehouse } from '@tributary/sql';
import { samplePlanDocument } from '@tributary/sql/test-fixtures';
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../testing/index.js';
import type { Warehouse } from '../warehouse.js';
import type { Database } from './__fixtures__/sample-database.js';
import { compareTypesWithDatabase, diffTypesAndCatalog } from './compare-types.js';
import { introspectColumns } from './introspect.js';

const fixture = join(dirname(fileURLToPath(import.meta.url)), '__fixtures__', 'sample-database.ts');
const model = planToWarehouse(samplePlanDocument);

it('the committed Database fixture is exactly what generateKyselyTypes produces for the sample plan', () => {
  const generated = generateKyselyTypes(model, samplePlanDocument);
  if (process.env.TRIBUTARY_UPDATE_FIXTURES === '1') writeFileSync(fixture, generated);
  expect(readFileSync(fixture, 'utf8')).toBe(generated);
  expect(generated).toContain("'processed.level_up_v3': ProcessedLevelUpV3;");
  expect(generated).toMatch(/items: ColumnType<\{ id: string; quantity: number \}\[\], string, string>;/);
  expect(generated).toMatch(/placement: "banner" \| "interstitial" \| "rewarded";/);
  // Identity resolution's tables (plan etl.identity.mode 'stitch', the default) are typed too.
  for (const table of ['identities', 'identity_links', 'identity_conflicts', 'persons', 'person_days'])
    expect(generated).toContain(`'cooked.${table}': Cooked`);
});

describeEachDatabase('generated Kysely types against a migrated database', (getDb) => {
  it('agree with the live catalog for every table and column (types and nullability)', async () => {
    const db = getDb();
    await db.exec(compileDdl(model));
    const live = await introspectColumns(db, ['raw', 'processed', 'cooked']);
    const typedColumns = model.tables
      .filter((t) => ['raw', 'processed', 'cooked'].includes(t.schema))
      .flatMap((t) => t.columns);
    expect(live.length).toBe(typedColumns.length);
    expect(await compareTypesWithDatabase(db, model, samplePlanDocument)).toEqual([]);
  });

  it('run typed queries through connect<Database>()', async () => {
    const db = getDb() as Warehouse<Database>;
    await db.db
      .insertInto('processed.level_up')
      .values({
        message_id: 'm-1',
        source: 'app',
        seq: 1,
        timestamp: new Date('2026-03-01T10:00:00Z'),
        received_at: new Date('2026-03-01T10:00:01Z'),
        event_version: 2,
        level: 3,
        character: 'mage',
        difficulty: 'hard',
        coins: 10,
      })
      .execute();
    const rows = await db.db
      .selectFrom('processed.level_up')
      .select(['user_id', 'level', 'difficulty', 'seq', 'timestamp'])
      .where('level', '>=', 2)
      .execute();
    expect(rows).toEqual([
      { user_id: null, level: 3, difficulty: 'hard', seq: '1', timestamp: new Date('2026-03-01T10:00:00Z') },
    ]);
    const typed: {
      level: number;
      difficulty: 'easy' | 'hard' | 'normal';
      seq: string;
      user_id: string | null;
    }[] = rows;
    expect(typed).toHaveLength(1);
  });

  it('reports a column added by hand, a changed type and a changed nullability', async () => {
    const db = getDb();
    await db.exec('ALTER TABLE processed.level_up ADD COLUMN hand_made text');
    await db.exec('ALTER TABLE processed.level_up ALTER COLUMN coins TYPE integer');
    await db.exec('ALTER TABLE processed.level_up ALTER COLUMN level DROP NOT NULL');
    const differences = await compareTypesWithDatabase(db, model, samplePlanDocument);
    expect(differences.map((d) => `${d.kind} ${d.column}`).sort()).toEqual([
      'missing_in_types processed.level_up.hand_made',
      'nullability_mismatch processed.level_up.level',
      'type_mismatch processed.level_up.coins',
    ]);
    expect(differences.find((d) => d.kind === 'missing_in_types')?.message).toMatch(
      /in the database \(text\) but not in the generated types/,
    );
    expect(differences.find((d) => d.kind === 'type_mismatch')?.message).toMatch(
      /expect bigint, the database has integer/,
    );
  });
});

it('reports tables missing from the database', () => {
  const differences = diffTypesAndCatalog(model, samplePlanDocument, []);
  expect(differences.every((d) => d.kind === 'missing_in_database')).toBe(true);
  expect(differences.length).toBeGreaterThan(50);
});
