import type { ColumnType } from '../model/types.js';

const INTEGER_RANK: Readonly<Record<string, number>> = { smallint: 1, integer: 2, bigint: 3 };

/** True when every value of `from` fits `to` without conversion: longer varchar, varchar → text, wider integers. */
export function isWidening(from: ColumnType, to: ColumnType): boolean {
  if (from.name === 'varchar') {
    if (to.name === 'text') return true;
    return to.name === 'varchar' && to.length > from.length;
  }
  const a = INTEGER_RANK[from.name];
  const b = INTEGER_RANK[to.name];
  return a !== undefined && b !== undefined && b > a;
}

/** Structural equality of two column types. */
export function sameType(a: ColumnType, b: ColumnType): boolean {
  return a.name === b.name && (a.name !== 'varchar' || (b.name === 'varchar' && a.length === b.length));
}
