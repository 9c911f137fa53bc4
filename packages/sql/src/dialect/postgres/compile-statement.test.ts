import { describe, expect, test } from 'vitest';
import { formatSql } from '../../format-sql.js';
import type { CheckConstraint, ColumnModel, TableModel } from '../../model/types.js';
import type { StatementKind, StatementOf } from '../../statements.js';
import { compileStatement } from './compile-statement.js';

const on = { schema: 'processed', table: 'user' } as const;
const orderColumn: ColumnModel = { name: 'order', type: { name: 'varchar', length: 64 }, nullable: true };
const oldCheck: CheckConstraint = {
  kind: 'in',
  name: 'user_select_check',
  column: 'select',
  values: ['a', "it's"],
};
const newCheck: CheckConstraint = { ...oldCheck, values: ['a', "it's", 'semi;colon -- not a comment'] };
const table: TableModel = {
  schema: 'processed',
  name: 'user',
  origin: { kind: 'system' },
  columns: [
    { name: 'id', type: { name: 'bigserial' }, nullable: false },
    {
      name: 'order',
      type: { name: 'varchar', length: 64 },
      nullable: true,
      default: { kind: 'literal', value: "o'clock" },
    },
    { name: 'select', type: { name: 'text' }, nullable: false },
    { name: 'n', type: { name: 'smallint' }, nullable: false, default: { kind: 'literal', value: -1 } },
    { name: 'at', type: { name: 'timestamptz' }, nullable: false, default: { kind: 'now' } },
  ],
  primaryKey: { name: 'user_pkey', columns: ['id'] },
  uniques: [{ name: 'user_order_select_key', columns: ['order', 'select'] }],
  checks: [oldCheck, { kind: 'in', name: 'user_n_check', column: 'n', values: [-1, 2.5] }],
  indexes: [{ name: 'user_at_idx', columns: ['at'] }],
};

/** One example per statement kind: a kind missing here fails to compile. */
const examples: { readonly [K in StatementKind]: readonly [StatementOf<K>, string] } = {
  create_schema: [{ kind: 'create_schema', schema: 'select' }, 'create schema if not exists "select"'],
  create_table: [
    { kind: 'create_table', table },
    [
      'create table "processed"."user" (',
      '  "id" bigserial not null,',
      `  "order" varchar(64) default 'o''clock',`,
      '  "select" text not null,',
      '  "n" smallint default -1 not null,',
      '  "at" timestamptz default now() not null,',
      '  constraint "user_pkey" primary key ("id"),',
      '  constraint "user_order_select_key" unique ("order", "select"),',
      `  constraint "user_select_check" check ("select" in ('a', 'it''s')),`,
      '  constraint "user_n_check" check ("n" in (-1, 2.5))',
      ')',
    ].join('\n'),
  ],
  add_column: [
    { kind: 'add_column', ...on, definition: orderColumn },
    'alter table "processed"."user"\nadd column "order" varchar(64)',
  ],
  alter_column_type: [
    {
      kind: 'alter_column_type',
      ...on,
      column: 'order',
      from: { name: 'varchar', length: 32 },
      to: { name: 'varchar', length: 64 },
    },
    'alter table "processed"."user"\nalter column "order" type varchar(64)',
  ],
  drop_not_null: [
    { kind: 'drop_not_null', ...on, column: 'order' },
    'alter table "processed"."user"\nalter column "order"\ndrop not null',
  ],
  set_default: [
    { kind: 'set_default', ...on, column: 'order', value: { kind: 'now' } },
    'alter table "processed"."user"\nalter column "order"\nset default now()',
  ],
  drop_default: [
    { kind: 'drop_default', ...on, column: 'order' },
    'alter table "processed"."user"\nalter column "order"\ndrop default',
  ],
  add_check: [
    { kind: 'add_check', ...on, check: oldCheck },
    `alter table "processed"."user"\nadd constraint "user_select_check" check ("select" in ('a', 'it''s'))`,
  ],
  replace_check: [
    { kind: 'replace_check', ...on, from: oldCheck, to: newCheck },
    [
      'alter table "processed"."user"',
      'drop constraint "user_select_check",',
      'add constraint "user_select_check" check (',
      `  "select" in ('a', 'it''s', 'semi;colon -- not a comment')`,
      ')',
    ].join('\n'),
  ],
  drop_check: [
    { kind: 'drop_check', ...on, check: oldCheck },
    'alter table "processed"."user"\ndrop constraint "user_select_check"',
  ],
  create_index: [
    { kind: 'create_index', ...on, index: { name: 'user_order_idx', columns: ['order', 'select'] } },
    'create index "user_order_idx" on "processed"."user" ("order", "select")',
  ],
  drop_index: [
    { kind: 'drop_index', ...on, index: { name: 'user_order_idx', columns: ['order'] } },
    'drop index "processed"."user_order_idx"',
  ],
  backfill_column: [
    {
      kind: 'backfill_column',
      ...on,
      column: 'order',
      from: { schema: 'raw', table: 'events', on: 'select' },
    },
    [
      'update "processed"."user" as "t"',
      'set',
      '  "order" = "f"."order"',
      'from',
      '  "raw"."events" as "f"',
      'where',
      '  "f"."select" = "t"."select"',
    ].join('\n'),
  ],
  widen_key: [
    {
      kind: 'widen_key',
      ...on,
      constraint: 'unique',
      from: { name: 'user_order_key', columns: ['order'] },
      to: { name: 'user_order_select_key', columns: ['order', 'select'] },
    },
    [
      'alter table "processed"."user"',
      'drop constraint "user_order_key",',
      'add constraint "user_order_select_key" unique ("order", "select")',
    ].join('\n'),
  ],
  drop_table: [{ kind: 'drop_table', ...on }, 'drop table "processed"."user"'],
  drop_column: [
    { kind: 'drop_column', ...on, definition: orderColumn },
    'alter table "processed"."user"\ndrop column "order"',
  ],
  change_column_type: [
    { kind: 'change_column_type', ...on, column: 'order', from: { name: 'text' }, to: { name: 'integer' } },
    'alter table "processed"."user"\nalter column "order" type integer using "order"::integer',
  ],
  set_not_null: [
    { kind: 'set_not_null', ...on, column: 'order' },
    'alter table "processed"."user"\nalter column "order"\nset not null',
  ],
  narrow_check: [
    { kind: 'narrow_check', ...on, from: newCheck, to: oldCheck },
    [
      'alter table "processed"."user"',
      'drop constraint "user_select_check",',
      `add constraint "user_select_check" check ("select" in ('a', 'it''s'))`,
    ].join('\n'),
  ],
  add_unique: [
    { kind: 'add_unique', ...on, unique: { name: 'user_order_key', columns: ['order'] } },
    'alter table "processed"."user"\nadd constraint "user_order_key" unique ("order")',
  ],
  add_primary_key: [
    { kind: 'add_primary_key', ...on, key: { name: 'user_pkey', columns: ['order', 'select'] } },
    'alter table "processed"."user"\nadd constraint "user_pkey" primary key ("order", "select")',
  ],
  drop_constraint: [
    {
      kind: 'drop_constraint',
      ...on,
      constraint: 'primary key',
      key: { name: 'user_pkey', columns: ['id'] },
    },
    'alter table "processed"."user"\ndrop constraint "user_pkey"',
  ],
  drop_schema: [{ kind: 'drop_schema', schema: 'select' }, 'drop schema "select"'],
};

describe('compileStatement (PostgreSQL, formatted)', () => {
  test.each(Object.entries(examples))('%s', (_kind, [statement, expected]) => {
    expect(formatSql(compileStatement(statement).sql)).toBe(expected);
  });

  test('a check added to an existing column without a previous check is a plain add constraint', () => {
    expect(compileStatement({ kind: 'narrow_check', ...on, to: oldCheck }).sql).toBe(
      `alter table "processed"."user" add constraint "user_select_check" check ("select" in ('a', 'it''s'))`,
    );
  });

  test('identifiers with quotes are escaped by doubling', () => {
    expect(
      compileStatement({ kind: 'drop_not_null', schema: 'processed', table: 'we"ird', column: 'c"ol' }).sql,
    ).toBe('alter table "processed"."we""ird" alter column "c""ol" drop not null');
  });

  test('backslashes in CHECK values stay literal (standard_conforming_strings)', () => {
    const check: CheckConstraint = {
      kind: 'in',
      name: 'c',
      column: 'v',
      values: ['a\\b', "'; drop table x; --"],
    };
    expect(compileStatement({ kind: 'add_check', ...on, check }).sql).toBe(
      `alter table "processed"."user" add constraint "c" check ("v" in ('a\\b', '''; drop table x; --'))`,
    );
  });
});
