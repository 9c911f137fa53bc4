import { describe, expect, test } from 'vitest';
import { samplePlanDocument } from '../test-fixtures/index.js';
import { testDocument } from '../test-helpers/plans.js';
import { planToWarehouse } from './plan-to-warehouse.js';
import { columnTypeSql, type TableModel } from './types.js';

const columns = (table: TableModel | undefined) =>
  (table?.columns ?? []).map(
    (c) =>
      `${c.name} ${columnTypeSql(c.type)}${c.nullable ? '' : ' not null'}${c.default ? ` default ${c.default.kind === 'now' ? 'now()' : JSON.stringify(c.default.value)}` : ''}`,
  );
const find = (model: ReturnType<typeof planToWarehouse>, name: string) =>
  model.tables.find((t) => `${t.schema}.${t.name}` === name);

describe('planToWarehouse', () => {
  const model = planToWarehouse(samplePlanDocument);

  test('creates the five schemas and the tables of every layer, processed tables per event line', () => {
    expect(model.plan).toBe('sample-game');
    expect(model.schemas).toEqual(['raw', 'staging', 'processed', 'cooked', 'tributary']);
    expect(model.tables.map((t) => `${t.schema}.${t.name}`)).toEqual([
      'raw.events',
      'raw.rejected',
      'processed.ad_watched',
      'processed.app_install',
      'processed.level_up',
      'processed.level_up_v3',
      'processed.purchase',
      'processed.session_start',
      'processed.tracks',
      'processed.identifies',
      'processed.pages',
      'processed.screens',
      'processed.groups',
      'processed.aliases',
      'cooked.user_days',
      'cooked.user_day_dimensions',
      'cooked.users',
      'cooked.sessions',
      'cooked.session_days',
      'cooked.identity_links',
      'cooked.identity_conflicts',
      'cooked.identities',
      'cooked.person_days',
      'cooked.person_day_dimensions',
      'cooked.persons',
      'cooked.person_session_days',
      'tributary.etl_runs',
      'tributary.watermarks',
    ]);
  });

  test('raw.events and raw.rejected have the documented columns, keys, checks and index', () => {
    const events = find(model, 'raw.events');
    expect(columns(events)).toEqual([
      'seq bigserial not null',
      'message_id text not null',
      'received_at timestamptz not null',
      'source text not null',
      'type text not null',
      'event text',
      'payload jsonb not null',
    ]);
    expect(events?.primaryKey).toEqual({ name: 'events_pkey', columns: ['seq'] });
    // A message id is unique per source (message_id first: lookups by id alone use the index).
    expect(events?.uniques).toEqual([
      { name: 'events_message_id_source_key', columns: ['message_id', 'source'] },
    ]);
    expect(events?.indexes).toEqual([{ name: 'events_event_seq_idx', columns: ['event', 'seq'] }]);
    const rejected = find(model, 'raw.rejected');
    expect(columns(rejected)).toEqual([
      'id bigserial not null',
      'received_at timestamptz not null default now()',
      'stage text not null',
      'source text',
      'message_id text',
      'reasons jsonb not null',
      'payload text not null',
    ]);
    expect(rejected?.checks).toEqual([
      { kind: 'in', name: 'rejected_stage_check', column: 'stage', values: ['collector', 'etl'] },
    ]);
  });

  test('bookkeeping and cooked tables', () => {
    expect(columns(find(model, 'tributary.watermarks'))).toEqual([
      'name text not null',
      'seq bigint not null',
      'updated_at timestamptz not null default now()',
    ]);
    expect(find(model, 'tributary.etl_runs')?.columns.map((c) => c.name)).toEqual([
      'id',
      'started_at',
      'finished_at',
      'mode',
      'from_seq',
      'to_seq',
      'extracted',
      'loaded',
      'rejected',
      'duplicates',
      'rejected_by_reason',
      'duration_ms',
    ]);
    expect(find(model, 'cooked.user_days')?.primaryKey?.columns).toEqual(['time_zone', 'user_key', 'day']);
    expect(find(model, 'cooked.users')?.primaryKey?.columns).toEqual(['time_zone', 'user_key']);
    expect(model.tables.some((t) => t.name === 'migrations')).toBe(false);
  });

  test('a processed table: envelope, flattened context, loaded_at, then properties; keyed by (message_id, source) with two indexes', () => {
    const purchase = find(model, 'processed.purchase');
    expect(columns(purchase)).toEqual([
      'message_id text not null',
      'source text not null',
      'seq bigint not null',
      'user_id text',
      'anonymous_id text',
      'timestamp timestamptz not null',
      'original_timestamp timestamptz',
      'sent_at timestamptz',
      'received_at timestamptz not null',
      'event_version integer not null',
      'session_id text',
      'session_index integer',
      'context_app_version varchar(32)',
      'context_device_model varchar(64)',
      'context_device_os_version text',
      'context_platform text',
      'loaded_at timestamptz not null default now()',
      'buyer_country varchar(2)',
      'buyer_email text',
      'coupon varchar(32)',
      'currency varchar(3) not null',
      'items jsonb not null',
      'placed_at timestamptz not null',
      'price numeric not null',
      'sku varchar(64) not null',
      'store text not null',
    ]);
    expect(purchase?.primaryKey).toEqual({ name: 'purchase_pkey', columns: ['message_id', 'source'] });
    for (const name of ['tracks', 'identifies', 'pages', 'screens', 'groups', 'aliases']) {
      const table = find(model, `processed.${name}`);
      expect(table?.columns.slice(0, 3).map((c) => c.name)).toEqual(['message_id', 'source', 'seq']);
      expect(table?.primaryKey?.columns).toEqual(['message_id', 'source']);
    }
    expect(purchase?.indexes).toEqual([
      { name: 'purchase_timestamp_idx', columns: ['timestamp'] },
      { name: 'purchase_user_id_idx', columns: ['user_id'] },
    ]);
    expect(purchase?.origin).toEqual({ kind: 'event', event: 'purchase', major: 1, versions: [1, 2] });
    const sources = Object.fromEntries((purchase?.columns ?? []).map((c) => [c.name, c.source]));
    expect(sources.message_id).toBeUndefined();
    expect(sources.context_device_os_version).toEqual({ from: 'context', path: ['device', 'os_version'] });
    expect(sources.buyer_country).toEqual({ from: 'properties', path: ['buyer', 'country'] });
    expect(sources.items).toEqual({ from: 'properties', path: ['items'] });
  });

  test('a compatible line shares one table (union of columns, latest type); a breaking version gets <event>_v<N>', () => {
    const levelUp = find(model, 'processed.level_up');
    expect(levelUp?.origin).toEqual({ kind: 'event', event: 'level_up', major: 1, versions: [1, 2] });
    expect(columns(levelUp).slice(17)).toEqual([
      'character varchar(32) not null',
      'difficulty text not null',
      'level smallint not null',
      'coins bigint',
    ]);
    const v3 = find(model, 'processed.level_up_v3');
    expect(v3?.origin).toEqual({ kind: 'event', event: 'level_up', major: 3, versions: [3] });
    expect(columns(v3).slice(17)).toEqual([
      'coins bigint',
      'difficulty text not null',
      'hero_class text not null',
      'hero_name varchar(32) not null',
      'level smallint not null',
    ]);
    expect(v3?.checks.map((c) => c.name)).toEqual([
      'level_up_v3_context_platform_check',
      'level_up_v3_difficulty_check',
      'level_up_v3_hero_class_check',
    ]);
  });

  test('nullability: optional or nullable in any version, missing from any version, or under an optional object → nullable', () => {
    const document = testDocument([
      {
        name: 'thing',
        version: 1,
        properties: {
          always: { type: 'string' },
          later_optional: { type: 'string' },
          stays_required: { type: 'string' },
          box: { type: 'object', properties: { inner: { type: 'integer' } }, required: ['inner'] },
          maybe: {
            anyOf: [
              { type: 'object', properties: { x: { type: 'boolean' } }, required: ['x'] },
              { type: 'null' },
            ],
          },
        },
        required: ['always', 'later_optional', 'maybe', 'stays_required'],
      },
      {
        name: 'thing',
        version: 2,
        properties: {
          always: { type: 'string' },
          later_optional: { type: 'string' },
          stays_required: { type: 'string' },
          box: { type: 'object', properties: { inner: { type: 'integer' } }, required: ['inner'] },
          maybe: {
            anyOf: [
              { type: 'object', properties: { x: { type: 'boolean' } }, required: ['x'] },
              { type: 'null' },
            ],
          },
          added: { type: 'string' },
        },
        required: ['always', 'maybe', 'stays_required'],
      },
    ]);
    const table = find(planToWarehouse(document), 'processed.thing');
    expect(table?.origin).toEqual({ kind: 'event', event: 'thing', major: 1, versions: [1, 2] });
    expect(columns(table).slice(13)).toEqual([
      'always text not null',
      'box_inner bigint',
      'later_optional text',
      'maybe_x boolean',
      'stays_required text not null',
      'added text',
    ]);
  });

  test('a required property added in a later version is breaking: new table, and the old table keeps its columns', () => {
    const document = testDocument([
      { name: 'thing', version: 1, properties: { a: { type: 'string' } }, required: ['a'] },
      {
        name: 'thing',
        version: 2,
        properties: { a: { type: 'string' }, b: { type: 'string' } },
        required: ['a', 'b'],
      },
    ]);
    const model = planToWarehouse(document);
    expect(columns(find(model, 'processed.thing')).slice(13)).toEqual(['a text not null']);
    expect(columns(find(model, 'processed.thing_v2')).slice(13)).toEqual([
      'a text not null',
      'b text not null',
    ]);
  });

  test('contextColumns selects which context properties become columns', () => {
    const names = find(
      planToWarehouse(samplePlanDocument, { contextColumns: ['platform'] }),
      'processed.purchase',
    )?.columns.map((c) => c.name);
    expect(names?.filter((n) => n.startsWith('context_'))).toEqual(['context_platform']);
  });

  test('is deterministic and plain data (JSON round trip is identical)', () => {
    const again = planToWarehouse(samplePlanDocument);
    expect(JSON.parse(JSON.stringify(again))).toEqual(model);
  });
});
