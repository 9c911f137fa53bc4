import { type JsonSchema, type ObjectSchema, type PlanDocument, unwrapNullable } from '@tributary/schema';
import type { CheckValue, ColumnModel, ColumnTypeName, TableModel, WarehouseModel } from '../model/types.js';
import { jsonSchemaToTs, tsPropertyKey } from './json-type.js';

/** The schemas whose tables get Kysely types: what users query. */
export const TYPED_SCHEMAS: readonly string[] = ['raw', 'processed', 'cooked'];

/** What one column looks like from TypeScript: the select, insert and update types. */
export interface ColumnTsType {
  readonly select: string;
  readonly insert: string;
  readonly update: string;
}

/** Select / insert types per PostgreSQL type, as `pg` and PGlite return them through @tributary/warehouse. */
const BASE: Readonly<Record<ColumnTypeName, ColumnTsType>> = {
  smallint: { select: 'number', insert: 'number', update: 'number' },
  integer: { select: 'number', insert: 'number', update: 'number' },
  bigint: { select: 'string', insert: 'string | number | bigint', update: 'string | number | bigint' },
  bigserial: { select: 'string', insert: 'string | number | bigint', update: 'string | number | bigint' },
  'double precision': { select: 'number', insert: 'number', update: 'number' },
  numeric: { select: 'string', insert: 'string | number', update: 'string | number' },
  text: { select: 'string', insert: 'string', update: 'string' },
  varchar: { select: 'string', insert: 'string', update: 'string' },
  uuid: { select: 'string', insert: 'string', update: 'string' },
  boolean: { select: 'boolean', insert: 'boolean', update: 'boolean' },
  timestamptz: { select: 'Date', insert: 'Date | string', update: 'Date | string' },
  date: { select: 'string', insert: 'string', update: 'string' },
  jsonb: { select: 'JsonValue', insert: 'string', update: 'string' },
};

/** A table as it appears in the generated `Database` interface. */
export interface TypedTable {
  /** `processed.level_up` */
  readonly key: string;
  readonly interfaceName: string;
  readonly table: TableModel;
  readonly columns: readonly { readonly column: ColumnModel; readonly ts: ColumnTsType }[];
}

/**
 * The TypeScript types of every column of the typed schemas: enums as string-literal unions,
 * jsonb as the JSON type its schema describes, nullable columns `| null`, defaulted and serial
 * columns optional on insert.
 */
export function typedTables(model: WarehouseModel, document: PlanDocument): TypedTable[] {
  const names = new Set<string>();
  return model.tables
    .filter((t) => TYPED_SCHEMAS.includes(t.schema))
    .map((table) => {
      let interfaceName = pascal(`${table.schema}_${table.name}`);
      for (let n = 2; names.has(interfaceName); n++)
        interfaceName = `${pascal(`${table.schema}_${table.name}`)}${n}`;
      names.add(interfaceName);
      return {
        key: `${table.schema}.${table.name}`,
        interfaceName,
        table,
        columns: table.columns.map((column) => ({ column, ts: columnTsType(table, column, document) })),
      };
    });
}

/** The select/insert/update types of one column. */
export function columnTsType(table: TableModel, column: ColumnModel, document: PlanDocument): ColumnTsType {
  let base = BASE[column.type.name];
  const check = table.checks.find((c) => c.column === column.name);
  if (check) {
    const literal = literalUnion(check.values);
    base = { select: literal, insert: literal, update: literal };
  } else if (column.type.name === 'jsonb') {
    const schema = sourceSchema(table, column, document);
    if (schema) base = { ...base, select: jsonSchemaToTs(unwrapNullable(schema)) };
  }
  const nul = column.nullable ? ' | null' : '';
  const optionalOnInsert =
    column.nullable || column.default !== undefined || column.type.name === 'bigserial';
  return {
    select: `${base.select}${nul}`,
    insert: `${base.insert}${nul}${optionalOnInsert ? ' | undefined' : ''}`,
    update: `${base.update}${nul}`,
  };
}

/** The JSON Schema a processed column comes from (its latest version's), when known. */
function sourceSchema(
  table: TableModel,
  column: ColumnModel,
  document: PlanDocument,
): JsonSchema | undefined {
  if (!column.source) return undefined;
  let root: ObjectSchema | undefined;
  if (column.source.from === 'context') root = document.context;
  else if (table.origin.kind === 'event') {
    const origin = table.origin;
    const versions = document.events.filter(
      (e) =>
        e['x-tributary-event'].name === origin.event &&
        origin.versions.includes(e['x-tributary-event'].version),
    );
    root = versions.at(-1);
  }
  let current: JsonSchema | undefined = root;
  for (const key of column.source.path) {
    const inner: JsonSchema | undefined = current ? unwrapNullable(current) : undefined;
    current = inner && 'type' in inner && inner.type === 'object' ? inner.properties[key] : undefined;
  }
  return current;
}

function literalUnion(values: readonly CheckValue[]): string {
  return values.map((v) => (typeof v === 'string' ? JSON.stringify(v) : String(v))).join(' | ');
}

function pascal(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]?.toUpperCase() + part.slice(1))
    .join('');
}

function fieldType(ts: ColumnTsType): string {
  return ts.select === ts.insert && ts.insert === ts.update
    ? ts.select
    : `ColumnType<${ts.select}, ${ts.insert}, ${ts.update}>`;
}

/**
 * Generates a TypeScript module with a Kysely `Database` interface for the raw, processed and
 * cooked tables, so `db.selectFrom('processed.level_up').select(['user_id', 'level'])` is typed.
 *
 * @example
 * export interface ProcessedLevelUp { message_id: string; level: number; character: 'knight' | 'mage'; … }
 * export interface Database { 'processed.level_up': ProcessedLevelUp; … }
 */
export function generateKyselyTypes(model: WarehouseModel, document: PlanDocument): string {
  const tables = typedTables(model, document);
  const out: string[] = [
    `// Generated by Tributary from plan "${document.name}". Do not edit: run \`tributary generate\`.`,
    "import type { ColumnType } from 'kysely';",
    '',
    '/** A JSON value as stored in jsonb columns. */',
    'export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };',
    '',
  ];
  for (const t of tables) {
    out.push(`/** \`${t.key}\` */`, `export interface ${t.interfaceName} {`);
    for (const { column, ts } of t.columns) out.push(`  ${tsPropertyKey(column.name)}: ${fieldType(ts)};`);
    out.push('}', '');
  }
  out.push(
    '/** Every typed warehouse table, by schema-qualified name: pass it to `connect<Database>()`. */',
    'export interface Database {',
  );
  for (const t of tables) out.push(`  ${JSON.stringify(t.key).replaceAll('"', "'")}: ${t.interfaceName};`);
  out.push('}', '');
  return out.join('\n');
}
