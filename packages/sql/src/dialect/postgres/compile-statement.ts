import { type CompiledQuery, sql } from 'kysely';
import type { StatementKind, Statement, StatementOf } from '../../statements.js';
import { checkSql, ddlKysely, defaultSql, typeSql } from './ddl-kysely.js';

/** One SQL statement, unformatted, with every value inlined. */
export interface CompiledSql {
  readonly sql: string;
}

type Handlers = { readonly [K in StatementKind]: (statement: StatementOf<K>) => CompiledSql };

function done(query: { compile(): CompiledQuery } | CompiledQuery): CompiledSql {
  const compiled = 'compile' in query ? query.compile() : query;
  if (compiled.parameters.length > 0) throw new Error(`DDL must not carry parameters: ${compiled.sql}`);
  return { sql: compiled.sql };
}

const schema = () => ddlKysely().schema;
const alter = (s: { schema: string; table: string }) => schema().withSchema(s.schema).alterTable(s.table);
const table = (s: { schema: string; table: string }) => sql.id(s.schema, s.table);

/** One handler per statement kind: a new kind does not compile until it is handled here. */
const handlers: Handlers = {
  create_schema: (s) => done(schema().createSchema(s.schema).ifNotExists()),
  create_table: ({ table: t }) => {
    let builder = schema().withSchema(t.schema).createTable(t.name);
    for (const c of t.columns) {
      builder = builder.addColumn(c.name, typeSql(c.type), (col) => {
        let out = c.default !== undefined ? col.defaultTo(defaultSql(c.default)) : col;
        if (!c.nullable) out = out.notNull();
        return out;
      });
    }
    if (t.primaryKey)
      builder = builder.addPrimaryKeyConstraint(t.primaryKey.name, [...t.primaryKey.columns] as never);
    for (const u of t.uniques) builder = builder.addUniqueConstraint(u.name, [...u.columns] as never);
    for (const c of t.checks) builder = builder.addCheckConstraint(c.name, checkSql(c));
    return done(builder);
  },
  add_column: (s) =>
    done(
      alter(s).addColumn(s.definition.name, typeSql(s.definition.type), (col) => {
        let out = s.definition.default !== undefined ? col.defaultTo(defaultSql(s.definition.default)) : col;
        if (!s.definition.nullable) out = out.notNull();
        return out;
      }),
    ),
  alter_column_type: (s) => done(alter(s).alterColumn(s.column, (c) => c.setDataType(typeSql(s.to)))),
  drop_not_null: (s) => done(alter(s).alterColumn(s.column, (c) => c.dropNotNull())),
  set_default: (s) => done(alter(s).alterColumn(s.column, (c) => c.setDefault(defaultSql(s.value)))),
  drop_default: (s) => done(alter(s).alterColumn(s.column, (c) => c.dropDefault())),
  add_check: (s) => done(alter(s).addCheckConstraint(s.check.name, checkSql(s.check))),
  replace_check: (s) =>
    done(
      sql`alter table ${table(s)} drop constraint ${sql.id(s.from.name)}, add constraint ${sql.id(s.to.name)} check (${checkSql(s.to)})`.compile(
        ddlKysely(),
      ),
    ),
  drop_check: (s) => done(alter(s).dropConstraint(s.check.name)),
  create_index: (s) =>
    done(
      schema()
        .withSchema(s.schema)
        .createIndex(s.index.name)
        .on(s.table)
        .columns([...s.index.columns]),
    ),
  drop_index: (s) => done(schema().withSchema(s.schema).dropIndex(s.index.name)),
  backfill_column: (s) =>
    done(
      sql`update ${table(s)} as "t" set ${sql.id(s.column)} = "f".${sql.id(s.column)} from ${sql.id(s.from.schema, s.from.table)} as "f" where "f".${sql.id(s.from.on)} = "t".${sql.id(s.from.on)}`.compile(
        ddlKysely(),
      ),
    ),
  widen_key: (s) =>
    done(
      sql`alter table ${table(s)} drop constraint ${sql.id(s.from.name)}, add constraint ${sql.id(s.to.name)} ${sql.raw(s.constraint)} (${sql.join(s.to.columns.map((c) => sql.id(c)))})`.compile(
        ddlKysely(),
      ),
    ),
  drop_table: (s) => done(schema().withSchema(s.schema).dropTable(s.table)),
  drop_column: (s) => done(alter(s).dropColumn(s.definition.name)),
  change_column_type: (s) =>
    done(
      sql`alter table ${table(s)} alter column ${sql.id(s.column)} type ${typeSql(s.to)} using ${sql.id(s.column)}::${typeSql(s.to)}`.compile(
        ddlKysely(),
      ),
    ),
  set_not_null: (s) => done(alter(s).alterColumn(s.column, (c) => c.setNotNull())),
  narrow_check: (s) =>
    s.from === undefined
      ? done(alter(s).addCheckConstraint(s.to.name, checkSql(s.to)))
      : done(
          sql`alter table ${table(s)} drop constraint ${sql.id(s.from.name)}, add constraint ${sql.id(s.to.name)} check (${checkSql(s.to)})`.compile(
            ddlKysely(),
          ),
        ),
  add_unique: (s) => done(alter(s).addUniqueConstraint(s.unique.name, [...s.unique.columns] as never)),
  add_primary_key: (s) => done(alter(s).addPrimaryKeyConstraint(s.key.name, [...s.key.columns] as never)),
  drop_constraint: (s) => done(alter(s).dropConstraint(s.key.name)),
  drop_schema: (s) => done(schema().dropSchema(s.schema)),
};

/**
 * Compiles one statement to PostgreSQL with Kysely (no database needed).
 *
 * @example
 * compileStatement({ kind: 'drop_not_null', schema: 'processed', table: 'user', column: 'order' }).sql
 * // → alter table "processed"."user" alter column "order" drop not null
 */
export function compileStatement(statement: Statement): CompiledSql {
  const handler = handlers[statement.kind] as (s: Statement) => CompiledSql;
  return handler(statement);
}
