import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type RawBuilder,
  sql,
} from 'kysely';
import type { CheckConstraint, ColumnDefault, ColumnType } from '../../model/types.js';
import { columnTypeSql } from '../../model/types.js';

let instance: Kysely<unknown> | undefined;

/** A Kysely instance that only compiles PostgreSQL (DummyDriver): no connection, no I/O. */
export function ddlKysely(): Kysely<unknown> {
  instance ??= new Kysely<unknown>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => new PostgresIntrospector(db),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  });
  return instance;
}

/** A column type as a raw SQL fragment; the spelling comes from a closed set, never from user input. */
export function typeSql(type: ColumnType): RawBuilder<unknown> {
  return sql.raw(columnTypeSql(type));
}

/** `now()` or a literal, inlined (never a parameter: DDL has none). */
export function defaultSql(value: ColumnDefault): RawBuilder<unknown> {
  return value.kind === 'now' ? sql`now()` : sql.lit(value.value);
}

/** `"column" in ('a', 'it''s')`: values are inlined as safely quoted literals. */
export function checkSql(check: CheckConstraint): RawBuilder<unknown> {
  return sql`${sql.id(check.column)} in (${sql.join(check.values.map((v) => sql.lit(v)))})`;
}
