import { compileStatement } from './dialect/postgres/compile-statement.js';
import { formatSql } from './format-sql.js';
import type { WarehouseModel } from './model/types.js';
import type { Statement } from './statements.js';
import { diffWarehouse } from './diff/diff-warehouse.js';

/** Each statement compiled and formatted, without the trailing semicolon. */
export function formatStatements(statements: readonly Statement[]): string[] {
  return statements.map((s) => formatSql(compileStatement(s).sql));
}

/** A SQL script: formatted statements, each ending in `;`, separated by blank lines; '' for none. */
export function renderSql(statements: readonly Statement[]): string {
  return formatStatements(statements)
    .map((s) => `${s};\n`)
    .join('\n');
}

/**
 * The full DDL of a model (the diff from an empty database), formatted.
 *
 * @example
 * compileDdl(planToWarehouse(document))
 * // CREATE SCHEMA IF NOT EXISTS "raw";
 * // …
 * // CREATE TABLE "raw"."events" ("seq" bigserial NOT NULL, …);
 */
export function compileDdl(model: WarehouseModel): string {
  return renderSql(diffWarehouse(undefined, model));
}
