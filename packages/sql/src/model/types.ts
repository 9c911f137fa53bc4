/** The warehouse schemas, in creation order. */
export const WAREHOUSE_SCHEMAS = ['raw', 'staging', 'processed', 'cooked', 'tributary'] as const;

/** A PostgreSQL column type, as plain data. `varchar` carries its length. */
export type ColumnType =
  | { readonly name: 'varchar'; readonly length: number }
  | {
      readonly name:
        | 'smallint'
        | 'integer'
        | 'bigint'
        | 'bigserial'
        | 'double precision'
        | 'numeric'
        | 'text'
        | 'boolean'
        | 'timestamptz'
        | 'date'
        | 'uuid'
        | 'jsonb';
    };

export type ColumnTypeName = ColumnType['name'];

/** A column default: `now()` or a literal. */
export type ColumnDefault =
  | { readonly kind: 'now' }
  | { readonly kind: 'literal'; readonly value: string | number | boolean };

/** Where a processed column's value comes from in a message: `properties` or `context`, then the path. */
export interface ColumnSource {
  readonly from: 'properties' | 'context';
  /** Property path inside it: `['buyer', 'country']` for column `buyer_country`. */
  readonly path: readonly string[];
}

export interface ColumnModel {
  readonly name: string;
  readonly type: ColumnType;
  readonly nullable: boolean;
  readonly default?: ColumnDefault;
  /** For property and context columns: where the ETL reads the value (names may be shortened). */
  readonly source?: ColumnSource;
}

/** A literal allowed by a CHECK … IN (…) constraint. */
export type CheckValue = string | number | boolean;

/** `CHECK (column IN (values…))`, the only check shape the warehouse needs (enums). */
export interface CheckConstraint {
  readonly kind: 'in';
  readonly name: string;
  readonly column: string;
  readonly values: readonly CheckValue[];
}

export interface KeyConstraint {
  readonly name: string;
  readonly columns: readonly string[];
}

export interface IndexModel {
  readonly name: string;
  readonly columns: readonly string[];
}

/** Where a table comes from: Tributary's own tables, or one major line of an event. */
export type TableOrigin =
  | { readonly kind: 'system' }
  | {
      readonly kind: 'event';
      readonly event: string;
      /** The version that started the line (the table is `<event>_v<major>` unless it is the first line). */
      readonly major: number;
      /** Every version of the event stored in this table, ascending. */
      readonly versions: readonly number[];
    };

export interface TableModel {
  readonly schema: string;
  readonly name: string;
  readonly origin: TableOrigin;
  readonly columns: readonly ColumnModel[];
  readonly primaryKey?: KeyConstraint;
  readonly uniques: readonly KeyConstraint[];
  readonly checks: readonly CheckConstraint[];
  readonly indexes: readonly IndexModel[];
}

/** The whole warehouse a plan needs, as plain readonly data: the input of diff and DDL. */
export interface WarehouseModel {
  /** The plan it was built from. */
  readonly plan: string;
  readonly schemas: readonly string[];
  readonly tables: readonly TableModel[];
}

/** `schema.table`, unquoted: for messages and map keys. */
export function qualifiedName(table: { readonly schema: string; readonly name: string }): string {
  return `${table.schema}.${table.name}`;
}

/** The SQL spelling of a column type: `varchar(64)`, `double precision`, … */
export function columnTypeSql(type: ColumnType): string {
  return type.name === 'varchar' ? `varchar(${type.length})` : type.name;
}
