import { shortenIdentifier } from '../identifiers.js';
import { checkName, indexName, primaryKeyName, uniqueName } from './names.js';
import type {
  CheckValue,
  ColumnDefault,
  ColumnModel,
  ColumnSource,
  ColumnType,
  TableModel,
  TableOrigin,
} from './types.js';

/** A column as written in a table definition: its allowed values become a named CHECK. */
export interface ColumnSpec {
  readonly name: string;
  readonly type: ColumnType;
  readonly nullable: boolean;
  readonly default?: ColumnDefault;
  readonly allowed?: readonly CheckValue[];
  readonly source?: ColumnSource;
}

export interface TableSpec {
  readonly schema: string;
  readonly name: string;
  readonly origin?: TableOrigin;
  readonly columns: readonly ColumnSpec[];
  readonly primaryKey?: readonly string[];
  readonly unique?: readonly (readonly string[])[];
  readonly indexes?: readonly (readonly string[])[];
}

/** Builds a table model, naming its constraints and indexes deterministically (`<table>_<column>_check`, …). */
export function buildTable(spec: TableSpec): TableModel {
  const name = shortenIdentifier(spec.name);
  const columns: ColumnModel[] = spec.columns.map((c) => ({
    name: c.name,
    type: c.type,
    nullable: c.nullable,
    ...(c.default !== undefined ? { default: c.default } : {}),
    ...(c.source !== undefined ? { source: c.source } : {}),
  }));
  return {
    schema: spec.schema,
    name,
    origin: spec.origin ?? { kind: 'system' },
    columns,
    ...(spec.primaryKey ? { primaryKey: { name: primaryKeyName(name), columns: spec.primaryKey } } : {}),
    uniques: (spec.unique ?? []).map((cols) => ({ name: uniqueName(name, cols), columns: cols })),
    checks: spec.columns.flatMap((c) =>
      c.allowed === undefined
        ? []
        : [{ kind: 'in' as const, name: checkName(name, c.name), column: c.name, values: c.allowed }],
    ),
    indexes: (spec.indexes ?? []).map((cols) => ({ name: indexName(name, cols), columns: cols })),
  };
}

/** Shorthand for a column spec. */
export function column(
  name: string,
  type: ColumnType['name'] extends infer T ? Exclude<T, 'varchar'> : never,
  options: { notNull?: boolean; default?: ColumnDefault; allowed?: readonly CheckValue[] } = {},
): ColumnSpec {
  return {
    name,
    type: { name: type } as ColumnType,
    nullable: options.notNull !== true,
    ...(options.default !== undefined ? { default: options.default } : {}),
    ...(options.allowed !== undefined ? { allowed: options.allowed } : {}),
  };
}

export const NOW: ColumnDefault = { kind: 'now' };
