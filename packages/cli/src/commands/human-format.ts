/** A share as a percentage with one decimal (`0.4` → `40.0%`); null → empty. */
export function formatPercent(value: number | null): string {
  return value === null ? '' : `${(value * 100).toFixed(1)}%`;
}

/** Seconds for people, two units at most: `45s`, `12m 5s`, `3h 24m`, `2d 4h`; null → empty. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null) return '';
  const s = Math.round(seconds);
  const parts: [number, string][] =
    s < 60
      ? [[s, 's']]
      : s < 3600
        ? [
            [Math.floor(s / 60), 'm'],
            [s % 60, 's'],
          ]
        : s < 86_400
          ? [
              [Math.floor(s / 3600), 'h'],
              [Math.floor((s % 3600) / 60), 'm'],
            ]
          : [
              [Math.floor(s / 86_400), 'd'],
              [Math.floor((s % 86_400) / 3600), 'h'],
            ];
  const shown = parts.filter(([n], i) => i === 0 || n > 0);
  return shown.map(([n, unit]) => `${n}${unit}`).join(' ');
}

/** A CSV cell: null → empty, quoted when it holds a quote, comma or newline. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Rows of cells as an aligned table: the columns in `leftAligned` (indexes) to the left, the rest to the right. */
export function alignTable(
  rows: readonly (readonly string[])[],
  leftAligned: readonly number[] = [],
): string[] {
  const columns = Math.max(0, ...rows.map((row) => row.length));
  const widths = Array.from({ length: columns }, (_, i) =>
    Math.max(0, ...rows.map((row) => row[i]?.length ?? 0)),
  );
  return rows.map((row) =>
    row
      .map((cell, i) =>
        leftAligned.includes(i) ? cell.padEnd(widths[i] as number) : cell.padStart(widths[i] as number),
      )
      .join('  ')
      .trimEnd(),
  );
}
