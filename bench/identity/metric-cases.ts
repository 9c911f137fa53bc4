import type { MetricName, MetricSpec } from '@tributary/sql';

/** A metric timed per id (`raw`) and per person (`stitch`), with a one-line summary of its rows. */
export interface MetricCase {
  readonly name: string;
  readonly spec: MetricSpec<MetricName>;
  readonly summary: (rows: readonly Record<string, unknown>[]) => string;
}

const sum = (rows: readonly Record<string, unknown>[], column: string) =>
  rows.reduce((total, row) => total + Number(row[column] ?? 0), 0);
const mean = (rows: readonly Record<string, unknown>[], column: string) =>
  rows.length === 0 ? 0 : sum(rows, column) / rows.length;
const whole = (n: number) => Math.round(n).toLocaleString('en');

/** The metrics the bench compares, over the data set's three weeks in UTC. */
export function metricCases(range: { readonly from: string; readonly to: string }): MetricCase[] {
  const base = { ...range, timeZone: 'UTC' } as const;
  return [
    { name: 'dau', spec: { ...base, metric: 'dau' }, summary: (r) => `mean ${whole(mean(r, 'dau'))}` },
    {
      name: 'dau by country',
      spec: { ...base, metric: 'dau', breakdown: 'country' },
      summary: (r) => `${r.length} rows`,
    },
    {
      name: 'mau',
      spec: { ...base, metric: 'mau' },
      summary: (r) => `max ${whole(Math.max(...r.map((row) => Number(row.mau))))}`,
    },
    {
      name: 'retention D1',
      spec: { ...base, metric: 'retention', days: 1 },
      summary: (r) => `${((100 * sum(r, 'retained')) / Math.max(1, sum(r, 'installs'))).toFixed(1)}%`,
    },
    {
      name: 'retention D0..D14',
      spec: { ...base, metric: 'retention_triangle', maxOffset: 14 },
      summary: (r) => `${r.length} cells`,
    },
    {
      name: 'installs',
      spec: { ...base, metric: 'installs' },
      summary: (r) => `total ${whole(sum(r, 'installs'))}`,
    },
    {
      name: 'revenue',
      spec: { ...base, metric: 'revenue' },
      summary: (r) => `total ${whole(sum(r, 'revenue'))}`,
    },
    {
      name: 'arpdau',
      spec: { ...base, metric: 'arpdau' },
      summary: (r) => `mean ${mean(r, 'arpdau').toFixed(2)}`,
    },
    {
      name: 'sessions',
      spec: { ...base, metric: 'sessions' },
      summary: (r) => `total ${whole(sum(r, 'sessions'))}`,
    },
  ];
}
