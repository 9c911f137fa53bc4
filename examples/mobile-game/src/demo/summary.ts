/** The headline numbers the demo prints, computed from metric rows. */
export interface DemoSummary {
  readonly lastDay: string;
  readonly dau: number;
  readonly mau: number;
  readonly stickiness: number | null;
  /** Installs-weighted mean of DN over cohorts whose day N is complete. */
  readonly d1: number | null;
  readonly d7: number | null;
  readonly arpdau: number | null;
  readonly conversion: number | null;
  readonly revenue: number;
  readonly installs: number;
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

/** The summary as aligned lines. */
export function formatSummary(s: DemoSummary): string {
  const rows: [string, string][] = [
    [`DAU (${s.lastDay})`, String(s.dau)],
    [`MAU (${s.lastDay})`, String(s.mau)],
    ['DAU/MAU', percent(s.stickiness)],
    ['D1 retention', percent(s.d1)],
    ['D7 retention', percent(s.d7)],
    ['ARPDAU', money(s.arpdau)],
    ['Conversion (first purchase ÷ DAU)', percent(s.conversion)],
    ['Installs', String(s.installs)],
    ['Revenue', `$${s.revenue.toFixed(2)}`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`).join('\n');
}
