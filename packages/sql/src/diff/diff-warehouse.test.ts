import { describe, expect, test } from 'vitest';
import { describeStatement } from '../describe-statement.js';
import { SqlError } from '../errors.js';
import { planToWarehouse } from '../model/plan-to-warehouse.js';
import type { TableModel, WarehouseModel } from '../model/types.js';
import { parseSnapshot, serializeSnapshot, snapshotOf } from '../snapshot.js';
import { renderSql } from '../render-sql.js';
import { isDestructive, type Statement } from '../statements.js';
import { samplePlanSteps } from '../test-fixtures/index.js';
import { type TestEvent, testDocument } from '../test-helpers/plans.js';
import { diffWarehouse } from './diff-warehouse.js';

const model = (events: readonly TestEvent[]) => planToWarehouse(testDocument(events));
const step = (i: number) => planToWarehouse(samplePlanSteps[i]!.document);
const kinds = (statements: readonly Statement[]) => statements.map((s) => s.kind);
const lines = (statements: readonly Statement[]) => statements.map(describeStatement);

/** A copy of a model with one table changed. */
function edit(m: WarehouseModel, name: string, change: (t: TableModel) => TableModel): WarehouseModel {
  return { ...m, tables: m.tables.map((t) => (`${t.schema}.${t.name}` === name ? change(t) : t)) };
}

function refusal(run: () => unknown): SqlError {
  try {
    run();
  } catch (error) {
    if (error instanceof SqlError && error.code === 'destructive_change') return error;
    throw error;
  }
  throw new Error('expected a destructive_change error');
}

describe('diffWarehouse: safe changes', () => {
  test('no change → []', () => {
    expect(diffWarehouse(snapshotOf(step(4)), step(4))).toEqual([]);
    const parsed = JSON.parse(JSON.stringify(snapshotOf(step(2))));
    expect(diffWarehouse(parsed, step(2))).toEqual([]);
    // snapshot.json has sorted keys: key order must not look like a change (e.g. of a primary key).
    expect(diffWarehouse(parseSnapshot(serializeSnapshot(snapshotOf(step(4)))), step(4))).toEqual([]);
  });

  test('from nothing: schemas, then tables, then indexes', () => {
    const statements = diffWarehouse(undefined, step(0));
    const order = kinds(statements);
    expect(order.slice(0, 5)).toEqual(Array(5).fill('create_schema'));
    expect(statements.slice(0, 5).map((s) => (s.kind === 'create_schema' ? s.schema : ''))).toEqual([
      'raw',
      'staging',
      'processed',
      'cooked',
      'tributary',
    ]);
    const firstIndex = order.indexOf('create_index');
    expect(order.slice(5, firstIndex).every((k) => k === 'create_table')).toBe(true);
    expect(order.slice(firstIndex).every((k) => k === 'create_index')).toBe(true);
    // 19 tables of the sample plan and the ETL, 7 of identity resolution.
    expect(order.filter((k) => k === 'create_table')).toHaveLength(26);
  });

  test('sample step 1 → 2 (new event): its table and indexes', () => {
    expect(lines(diffWarehouse(snapshotOf(step(0)), step(1)))).toEqual([
      'table processed.ad_watched created',
      'table processed.ad_watched: index ad_watched_timestamp_idx created on (timestamp)',
      'table processed.ad_watched: index ad_watched_user_id_idx created on (user_id)',
    ]);
  });

  test('sample step 2 → 3 (optional property in a compatible version): add column', () => {
    expect(lines(diffWarehouse(snapshotOf(step(1)), step(2)))).toEqual([
      'table processed.level_up, column "coins" added (bigint)',
    ]);
  });

  test('sample step 3 → 4 (maxLength widened, enum value added): widen varchar, replace the CHECK', () => {
    expect(lines(diffWarehouse(snapshotOf(step(2)), step(3)))).toEqual([
      'table processed.purchase, column "sku": type widened from varchar(32) to varchar(64)',
      `table processed.purchase, column "store": CHECK purchase_store_check widened to also allow 'web_store'`,
    ]);
  });

  test('sample step 4 → 5 (breaking version): the new major line’s table', () => {
    expect(kinds(diffWarehouse(snapshotOf(step(3)), step(4)))).toEqual([
      'create_table',
      'create_index',
      'create_index',
    ]);
  });

  test('integer bound widened → smallint to integer; made optional → drop not null; optional enum added → column then check', () => {
    const before = model([
      {
        name: 'thing',
        version: 1,
        properties: { n: { type: 'integer', minimum: 0, maximum: 100 }, s: { type: 'string' } },
        required: ['n', 's'],
      },
    ]);
    const after = model([
      {
        name: 'thing',
        version: 1,
        properties: { n: { type: 'integer', minimum: 0, maximum: 100 }, s: { type: 'string' } },
        required: ['n', 's'],
      },
      {
        name: 'thing',
        version: 2,
        properties: {
          n: { type: 'integer', minimum: 0, maximum: 100_000 },
          s: { type: 'string' },
          mood: { type: 'string', enum: ['sad', 'glad'] },
        },
        required: ['n'],
      },
    ]);
    expect(lines(diffWarehouse(snapshotOf(before), after))).toEqual([
      'table processed.thing, column "mood" added (text)',
      'table processed.thing, column "n": type widened from smallint to integer',
      'table processed.thing, column "s": NOT NULL dropped (null is now allowed)',
      `table processed.thing, column "mood": CHECK thing_mood_check allows 'glad', 'sad'`,
    ]);
  });

  test('a new required context property adds a nullable column to every processed table (no destructive step)', () => {
    const events = [
      { name: 'a', properties: {} },
      { name: 'b', properties: {} },
    ];
    const before = planToWarehouse(testDocument(events));
    const after = planToWarehouse(
      testDocument(events, { locale: { type: 'string', maxLength: 16 } }, ['locale']),
    );
    expect(lines(diffWarehouse(snapshotOf(before), after))).toEqual([
      'table processed.a, column "context_locale" added (varchar(16))',
      'table processed.b, column "context_locale" added (varchar(16))',
      'table processed.tracks, column "context_locale" added (varchar(16))',
    ]);
  });

  test('enum removed in a compatible version → the CHECK is dropped', () => {
    const before = model([{ name: 'thing', properties: { s: { type: 'string', enum: ['a'] } } }]);
    const after = model([
      { name: 'thing', version: 1, properties: { s: { type: 'string', enum: ['a'] } } },
      { name: 'thing', version: 2, properties: { s: { type: 'string' } } },
    ]);
    expect(lines(diffWarehouse(snapshotOf(before), after))).toEqual([
      'table processed.thing, column "s": CHECK thing_s_check dropped (any value allowed)',
    ]);
  });

  test('defaults and indexes: set / drop default, changed index → drop + create, removed index → drop', () => {
    const base = step(0);
    const next = edit(base, 'raw.events', (t) => ({
      ...t,
      columns: t.columns.map((c) => (c.name === 'received_at' ? { ...c, default: { kind: 'now' } } : c)),
      indexes: [{ name: 'events_event_seq_idx', columns: ['event', 'received_at'] }],
    }));
    const next2 = edit(next, 'raw.rejected', (t) => ({
      ...t,
      columns: t.columns.map(({ default: _d, ...c }) => c),
    }));
    const next3 = edit(next2, 'processed.purchase', (t) => ({ ...t, indexes: t.indexes.slice(0, 1) }));
    expect(lines(diffWarehouse(snapshotOf(base), next3))).toEqual([
      'table raw.events: index events_event_seq_idx dropped',
      'table processed.purchase: index purchase_user_id_idx dropped',
      'table raw.events, column "received_at": default set',
      'table raw.rejected, column "received_at": default dropped',
      'table raw.events: index events_event_seq_idx created on (event, received_at)',
    ]);
  });
});

/**
 * The model as Tributary built it before message ids were deduplicated per source: raw.events
 * unique on message_id alone, processed tables without `source`, keyed by message_id.
 */
function beforePerSource(m: WarehouseModel): WarehouseModel {
  return {
    ...m,
    tables: m.tables.map((t) => {
      if (t.schema === 'raw' && t.name === 'events')
        return { ...t, uniques: [{ name: 'events_message_id_key', columns: ['message_id'] }] };
      if (t.schema !== 'processed') return t;
      return {
        ...t,
        columns: t.columns.filter((c) => c.name !== 'source'),
        primaryKey: { name: `${t.name}_pkey`, columns: ['message_id'] },
      };
    }),
  };
}

describe('diffWarehouse: a warehouse from before per-source message ids', () => {
  const current = step(0);
  const statements = diffWarehouse(snapshotOf(beforePerSource(current)), current);

  test('is upgraded without a destructive statement: widen raw.events and every processed key, fill source from raw.events', () => {
    const processed = current.tables.filter((t) => t.schema === 'processed').map((t) => t.name);
    expect(processed.length).toBeGreaterThan(6);
    expect(lines(statements)).toEqual([
      ...processed.map((t) => `table processed.${t}, column "source" added (text)`),
      ...processed.map(
        (t) =>
          `table processed.${t}, column "source": existing rows filled from raw.events (joined on "seq")`,
      ),
      ...processed.map(
        (t) => `table processed.${t}, column "source": NOT NULL added (every existing row was filled)`,
      ),
      'table raw.events: unique events_message_id_key ("message_id") replaced by events_message_id_source_key ("message_id", "source") (existing rows cannot violate it: it only adds columns)',
      ...processed.map(
        (t) =>
          `table processed.${t}: primary key ${t}_pkey ("message_id") replaced by ${t}_pkey ("message_id", "source") (existing rows cannot violate it: it only adds columns)`,
      ),
    ]);
    expect(statements.filter(isDestructive)).toEqual([]);
  });

  test('the SQL: add nullable, fill by seq, set not null, then swap each key in one ALTER TABLE', () => {
    const sql = renderSql(statements.filter((s) => 'table' in s && s.table === 'tracks') as Statement[]);
    expect(sql).toBe(
      [
        'alter table "processed"."tracks"\nadd column "source" text;\n',
        'update "processed"."tracks" as "t"\nset\n  "source" = "f"."source"\nfrom\n  "raw"."events" as "f"\nwhere\n  "f"."seq" = "t"."seq";\n',
        'alter table "processed"."tracks"\nalter column "source"\nset not null;\n',
        'alter table "processed"."tracks"\ndrop constraint "tracks_pkey",\nadd constraint "tracks_pkey" primary key ("message_id", "source");\n',
      ].join('\n'),
    );
  });

  test('only keys that gain columns are widened; other key changes stay destructive', () => {
    const base = step(0);
    const table = 'processed.purchase';
    const withKey = (primaryKey: readonly string[], uniques: readonly (readonly string[])[]) =>
      edit(base, table, (t) => ({
        ...t,
        primaryKey: { name: 'purchase_pkey', columns: primaryKey },
        uniques: uniques.map((columns) => ({ name: `purchase_${columns.join('_')}_key`, columns })),
      }));
    const from = snapshotOf(withKey(['message_id'], [['sku']]));
    // Gains columns: safe.
    expect(kinds(diffWarehouse(from, withKey(['message_id', 'seq'], [['sku', 'store']])))).toEqual([
      'widen_key',
      'widen_key',
    ]);
    // Loses a column, or a nullable column joins the primary key: drop and add.
    expect(
      kinds(diffWarehouse(from, withKey(['seq'], [['store']]), { allowDestructive: true })).sort(),
    ).toEqual(['add_primary_key', 'add_unique', 'drop_constraint', 'drop_constraint']);
    expect(
      kinds(diffWarehouse(from, withKey(['message_id', 'coupon'], [['sku']]), { allowDestructive: true })),
    ).toEqual(['drop_constraint', 'add_primary_key']);
    // A new NOT NULL column without a known backfill still needs allowDestructive.
    const added = edit(base, table, (t) => ({
      ...t,
      columns: [...t.columns, { name: 'must', type: { name: 'text' }, nullable: false }],
    }));
    expect(kinds(diffWarehouse(snapshotOf(base), added, { allowDestructive: true }))).toEqual([
      'add_column',
      'set_not_null',
    ]);
  });
});

describe('diffWarehouse: destructive changes are refused unless allowDestructive', () => {
  const base = step(4);
  const previous = snapshotOf(base);

  test('the refusal names table, column, the change and the flag (acceptance 5)', () => {
    const narrowed = edit(base, 'processed.purchase', (t) => ({
      ...t,
      columns: t.columns.map((c) => (c.name === 'sku' ? { ...c, type: { name: 'varchar', length: 16 } } : c)),
    }));
    const error = refusal(() => diffWarehouse(previous, narrowed));
    expect(error.message).toBe(
      [
        'Refusing 1 destructive warehouse change:',
        '- table processed.purchase, column "sku": type changed from varchar(64) to varchar(16) (change_column_type; a narrowing or incompatible type change, existing values may not convert)',
        'Existing data could be lost or rejected. Prefer a new event version (a breaking change gets its own table); to apply the change anyway pass allowDestructive: true (CLI: --allow-destructive).',
      ].join('\n'),
    );
    expect(error.details.changes).toEqual([
      {
        kind: 'change_column_type',
        schema: 'processed',
        table: 'purchase',
        column: 'sku',
        from: { name: 'varchar', length: 64 },
        to: { name: 'varchar', length: 16 },
      },
    ]);
    expect(kinds(diffWarehouse(previous, narrowed, { allowDestructive: true }))).toEqual([
      'change_column_type',
    ]);
  });

  test('an event version edited in place (published maxLength narrowed) is refused too', () => {
    const wide = model([{ name: 'thing', properties: { s: { type: 'string', maxLength: 64 } } }]);
    const narrow = model([{ name: 'thing', properties: { s: { type: 'string', maxLength: 8 } } }]);
    expect(refusal(() => diffWarehouse(snapshotOf(wide), narrow)).message).toContain(
      'table processed.thing, column "s": type changed from varchar(64) to varchar(8) (change_column_type;',
    );
  });

  test('every destructive kind is listed, one line each', () => {
    const removedEvent = { ...base, tables: base.tables.filter((t) => t.name !== 'session_start') };
    const changed = edit(removedEvent, 'processed.purchase', (t) => ({
      ...t,
      columns: t.columns
        .filter((c) => c.name !== 'coupon')
        .map((c) =>
          c.name === 'buyer_email'
            ? { ...c, nullable: false }
            : c.name === 'price'
              ? { ...c, type: { name: 'double precision' as const } }
              : c,
        )
        .concat([{ name: 'must', type: { name: 'text' }, nullable: false }]),
      checks: t.checks
        .map((c) => (c.column === 'store' ? { ...c, values: ['app_store'] } : c))
        .concat([{ kind: 'in', name: 'purchase_currency_check', column: 'currency', values: ['EUR'] }]),
      uniques: [{ name: 'purchase_sku_key', columns: ['sku'] }],
      // Not a widening (message_id leaves the key): drop and add.
      primaryKey: { name: 'purchase_pkey', columns: ['seq'] },
    }));
    const error = refusal(() =>
      diffWarehouse(previous, { ...changed, schemas: changed.schemas.filter((s) => s !== 'staging') }),
    );
    expect(error.message.split('\n').slice(1, -1)).toEqual([
      '- table processed.purchase, column(s) "message_id", "source": primary key purchase_pkey dropped (drop_constraint)',
      '- table processed.purchase, column "price": type changed from numeric to double precision (change_column_type; a narrowing or incompatible type change, existing values may not convert)',
      '- table processed.purchase, column "buyer_email": NOT NULL added (set_not_null; existing rows may hold null)',
      '- table processed.purchase, column "must": NOT NULL added (set_not_null; existing rows may hold null)',
      `- table processed.purchase, column "store": CHECK purchase_store_check narrowed from ('app_store', 'play_store', 'web_store') to ('app_store') (narrow_check; existing values may violate it)`,
      '- table processed.purchase, column "currency": CHECK purchase_currency_check added to an existing column (narrow_check; existing values may violate it)',
      '- table processed.purchase, column(s) "seq": primary key purchase_pkey added (add_primary_key; existing rows may violate it)',
      '- table processed.purchase, column(s) "sku": unique constraint purchase_sku_key added (add_unique; existing rows may violate it)',
      '- table processed.purchase, column "coupon": column dropped (drop_column; its data is lost)',
      '- table processed.session_start: table dropped (drop_table; every row is lost)',
      '- schema staging dropped (drop_schema)',
    ]);
    const allowed = diffWarehouse(previous, changed, { allowDestructive: true });
    expect(kinds(allowed)).toEqual([
      'add_column',
      'drop_constraint',
      'change_column_type',
      'set_not_null',
      'set_not_null',
      'narrow_check',
      'narrow_check',
      'add_primary_key',
      'add_unique',
      'drop_column',
      'drop_table',
    ]);
  });
});
