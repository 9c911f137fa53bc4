import { quoteIdentifier } from '../identifiers.js';

/**
 * A SQL string literal for a value taken from the plan (enum values, messages, paths). The ETL
 * runs with `standard_conforming_strings = on`, so doubling quotes is the whole escaping.
 *
 * @example textLiteral("it's") // → 'it''s'
 */
export function textLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** A SQL literal for a plan constant: text, a finite number or a boolean. */
export function literal(value: string | number | boolean): string {
  if (typeof value === 'string') return textLiteral(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (!Number.isFinite(value)) throw new TypeError(`not a finite number: ${value}`);
  return String(value);
}

/** The `text[]` path literal of a jsonb `#>`/`#>>` lookup: `'{"properties","store","country"}'`. */
export function jsonPathLiteral(keys: readonly string[]): string {
  return textLiteral(
    `{${keys.map((k) => `"${k.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`).join(',')}}`,
  );
}

/** `schema.table`, both quoted. */
export function tableRef(schema: string, table: string): string {
  return `${quoteIdentifier(schema)}.${quoteIdentifier(table)}`;
}

/** A comma-separated list of quoted identifiers. */
export function identList(names: readonly string[]): string {
  return names.map(quoteIdentifier).join(', ');
}

export { quoteIdentifier };
