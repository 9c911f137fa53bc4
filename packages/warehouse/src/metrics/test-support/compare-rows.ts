import { expect } from 'vitest';

type Row = Readonly<Record<string, unknown>>;

const sortKey = (row: Row): string =>
  `${String(row.day ?? row.cohort ?? row.period_start)}|${String(row.breakdown ?? '')}|${String(row.n ?? '').padStart(4, '0')}`;

/** Rows sorted by their first column, breakdown and offset (collation-independent). */
export function sortedRows(rows: readonly object[]): Row[] {
  return [...(rows as readonly Row[])].sort((a, b) =>
    sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0,
  );
}

/**
 * Asserts two row sets are equal up to order; non-integer numbers may differ by a relative 1e-9
 * (SQL numeric division and JavaScript floating point round differently in the last bits).
 */
export function expectSameRows(actual: readonly object[], expected: readonly object[]): void {
  const a = sortedRows(actual);
  const e = sortedRows(expected);
  const aligned = a.map((row, i) => {
    const other = e[i];
    if (!other) return row;
    return Object.fromEntries(
      Object.entries(row).map(([key, value]) => {
        const want = other[key];
        const close =
          typeof value === 'number' &&
          typeof want === 'number' &&
          Math.abs(value - want) <= 1e-9 * Math.max(1, Math.abs(want));
        return [key, close ? want : value];
      }),
    );
  });
  expect(aligned).toEqual(e);
}
