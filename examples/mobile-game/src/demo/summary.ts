/** The figures that depend on who is counted: persons (stitched) or user keys (raw). */
export interface CountedFigures {
  readonly dau: number;
  readonly mau: number;
  readonly stickiness: number | null;
  /** Installs-weighted mean of DN over cohorts whose day N is complete. */
  readonly d1: number | null;
  readonly d7: number | null;
  readonly arpdau: number | null;
  readonly conversion: number | null;
  readonly installs: number;
}

/** The headline numbers the demo prints, computed from metric rows. */
export interface DemoSummary {
  readonly lastDay: string;
  /** Counted per person: the anonymous ids of a player joined to the user id they signed in as. */
  readonly persons: CountedFigures;
  /** Counted per user key (user id, else anonymous id), as without identity stitching. */
  readonly userKeys: CountedFigures;
  readonly revenue: number;
  /** Totals of the identity graph after the ETL. */
  readonly identity: { readonly links: number; readonly conflicts: number };
}

interface CohortCell {
  readonly installs: number;
  readonly retained: number | null;
}

/** Retention over all complete cohorts: retained users ÷ installs (cohorts with NULL cells left out). */
export function pooledRetention(rows: readonly CohortCell[]): number | null {
  let installs = 0;
  let retained = 0;
  for (const row of rows) {
    if (row.retained === null) continue;
    installs += row.installs;
    retained += row.retained;
  }
  return installs === 0 ? null : retained / installs;
}

/** Sum of numerator ÷ sum of denominator over the days (a period ratio, not a mean of daily ratios). */
export function pooledRatio(rows: readonly { readonly num: number; readonly den: number }[]): number | null {
  const den = rows.reduce((s, r) => s + r.den, 0);
  return den === 0 ? null : rows.reduce((s, r) => s + r.num, 0) / den;
}

const percent = (v: number | null) => (v === null ? 'n/a' : `${(v * 100).toFixed(1)}%`);
const money = (v: number | null) => (v === null ? 'n/a' : `$${v.toFixed(3)}`);

/** The summary as aligned lines: persons (stitched) and user keys (raw) side by side, then the identity totals. */
export function formatSummary(s: DemoSummary): string {
  const both = (figure: (c: CountedFigures) => string): [string, string] => [
    figure(s.persons),
    figure(s.userKeys),
  ];
  const rows: [string, ...string[]][] = [
    ['', 'persons (stitched)', 'user keys (raw)'],
    [`DAU (${s.lastDay})`, ...both((c) => String(c.dau))],
    [`MAU (${s.lastDay})`, ...both((c) => String(c.mau))],
    ['DAU/MAU', ...both((c) => percent(c.stickiness))],
    ['D1 retention', ...both((c) => percent(c.d1))],
    ['D7 retention', ...both((c) => percent(c.d7))],
    ['ARPDAU', ...both((c) => money(c.arpdau))],
    ['Conversion (first purchase ÷ DAU)', ...both((c) => percent(c.conversion))],
    ['Installs', ...both((c) => String(c.installs))],
    ['Revenue', ...both(() => `$${s.revenue.toFixed(2)}`)],
    ['Identity graph', `${s.identity.links} links, ${s.identity.conflicts} conflicts (kept apart)`],
  ];
  // A row's last cell is not padded, so it does not widen its column (the identity line).
  const widths = [0, 1].map((i) =>
    Math.max(...rows.map((r) => (i < r.length - 1 ? (r[i] ?? '').length : 0))),
  );
  return rows
    .map((r) =>
      `  ${r.map((cell, i) => (i < r.length - 1 ? cell.padEnd(widths[i] ?? 0) : cell)).join('  ')}`.trimEnd(),
    )
    .join('\n');
}
