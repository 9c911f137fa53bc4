import { type IdentitySummary, identitySummarySql, type MetricSpec } from '@tributary/sql';
import type { SqlRunner } from '../warehouse.js';
import { type RunMetricOptions, runMetric } from '../metrics/run-metric.js';

/** One row of the side-by-side table: a figure counted per person (stitched) and per user key (raw). */
export interface IdentityComparison {
  readonly key: 'dau' | 'mau' | 'installs' | 'd1' | 'd7';
  readonly label: string;
  /** `count`: a number of users; `ratio`: a share in 0..1. */
  readonly kind: 'count' | 'ratio';
  readonly persons: number | null;
  readonly userKeys: number | null;
}

/** The report's identity section: users counted with and without identity stitching. */
export interface ReportIdentity {
  /** Daily series over the report's days, counted both ways. */
  readonly daily: {
    readonly dauPersons: readonly number[];
    readonly dauUserKeys: readonly number[];
    readonly mauPersons: readonly number[];
    readonly mauUserKeys: readonly number[];
  };
  /** Last day's DAU and MAU, installs over the range, D1 and D7 retention pooled over complete cohorts. */
  readonly compared: readonly IdentityComparison[];
  /** Totals of the identity graph (the whole warehouse, not only the range). */
  readonly graph: IdentitySummary;
}

type Range = Pick<MetricSpec, 'from' | 'to' | 'timeZone'>;
type MetricIdentity = NonNullable<MetricSpec['identity']>;

/** Retained ÷ installs over the cohorts whose day N is complete (NULL cells left out); NULL without any. */
function pooledRetention(
  rows: readonly { readonly installs: number; readonly retained: number | null }[],
): number | null {
  const complete = rows.filter((r) => r.retained !== null);
  const installs = complete.reduce((sum, r) => sum + r.installs, 0);
  return installs === 0 ? null : complete.reduce((sum, r) => sum + (r.retained ?? 0), 0) / installs;
}

/**
 * Runs DAU/MAU, installs and D1/D7 retention once per person (`identity: 'stitch'`) and once per
 * user key (`identity: 'raw'`), and reads the identity graph's totals. Needs the person tables
 * (plan `etl.identity.mode` = `stitch`).
 */
export async function collectIdentityData(
  warehouse: SqlRunner,
  range: Range,
  run: RunMetricOptions,
): Promise<ReportIdentity> {
  const both = async (metric: (identity: MetricIdentity) => Promise<number | null>) => ({
    persons: await metric('stitch'),
    userKeys: await metric('raw'),
  });
  const stickiness = {
    stitch: (await runMetric(warehouse, { ...range, metric: 'stickiness', identity: 'stitch' }, run)).rows,
    raw: (await runMetric(warehouse, { ...range, metric: 'stickiness', identity: 'raw' }, run)).rows,
  };
  const last = (identity: MetricIdentity) => stickiness[identity].at(-1);
  const installs = (identity: MetricIdentity) =>
    runMetric(warehouse, { ...range, metric: 'installs', identity }, run).then((r) =>
      r.rows.reduce((sum, row) => sum + row.installs, 0),
    );
  const retention = (days: number) => (identity: MetricIdentity) =>
    runMetric(warehouse, { ...range, metric: 'retention', days, identity }, run).then((r) =>
      pooledRetention(r.rows),
    );
  const lastDay = range.to;
  const compared: IdentityComparison[] = [
    { key: 'dau', label: `DAU (${lastDay})`, kind: 'count', ...(await both(async (i) => last(i)?.dau ?? 0)) },
    { key: 'mau', label: `MAU (${lastDay})`, kind: 'count', ...(await both(async (i) => last(i)?.mau ?? 0)) },
    { key: 'installs', label: 'Installs', kind: 'count', ...(await both(installs)) },
    { key: 'd1', label: 'D1 retention', kind: 'ratio', ...(await both(retention(1))) },
    { key: 'd7', label: 'D7 retention', kind: 'ratio', ...(await both(retention(7))) },
  ];
  // One row of scalar subqueries, always.
  const graph = (await warehouse.query<IdentitySummary>(identitySummarySql()))[0] as IdentitySummary;
  return {
    daily: {
      dauPersons: stickiness.stitch.map((r) => r.dau),
      dauUserKeys: stickiness.raw.map((r) => r.dau),
      mauPersons: stickiness.stitch.map((r) => r.mau),
      mauUserKeys: stickiness.raw.map((r) => r.mau),
    },
    compared,
    graph,
  };
}
