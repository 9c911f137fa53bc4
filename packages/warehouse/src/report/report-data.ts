import type { PlanDocument } from '@tributary/schema';
import type { ExperimentDefinition, MetricCatalog } from '@tributary/sql';
import { WarehouseError } from '../errors.js';
import type { SqlRunner } from '../warehouse.js';
import { discoverMetricCatalog } from '../metrics/discover-catalog.js';
import { runMetric } from '../metrics/run-metric.js';
import { collectExperimentData, type ReportExperiment } from './experiment-data.js';
import { collectFunnelData, type ReportFunnel, type ReportFunnelSpec } from './funnel-data.js';
import { collectIdentityData, type ReportIdentity } from './identity-data.js';

/** What the report shows, as plain data (embedded in the page as JSON). */
export interface ReportData {
  readonly title: string;
  readonly timeZone: string;
  readonly from: string;
  readonly to: string;
  readonly generatedAt: string;
  /** One entry per local day of the range; every series has the same length as `days`. */
  readonly daily: {
    readonly days: readonly string[];
    readonly dau: readonly number[];
    readonly wau: readonly number[];
    readonly mau: readonly number[];
    readonly stickiness: readonly (number | null)[];
    readonly revenue: readonly number[];
    readonly arpdau: readonly (number | null)[];
  };
  /** The retention cohort triangle: `cells[i][n]` is DN of cohort i (NULL after the last complete day). */
  readonly retention: {
    readonly granularity: 'day' | 'week';
    readonly offsets: readonly number[];
    readonly cohorts: readonly {
      readonly cohort: string;
      readonly installs: number;
      readonly cells: readonly (number | null)[];
    }[];
  };
  /**
   * Users counted per person (stitched) and per user key (raw) side by side, with the identity
   * graph's totals; present when the warehouse keeps person tables (the other sections then count persons).
   */
  readonly identity?: ReportIdentity;
  /** The configured funnels over the report's days (step 1 on those days, in its zone). */
  readonly funnels?: readonly ReportFunnel[];
  /** The configured experiments' readouts over the report's days (exposures on those days). */
  readonly experiments?: readonly ReportExperiment[];
}

/** Options of `collectReportData`. */
export interface ReportOptions {
  readonly from: string;
  readonly to: string;
  readonly timeZone?: string;
  readonly title?: string;
  readonly catalog?: MetricCatalog;
  readonly now?: () => number;
  /** Retention triangle: daily cohorts with offsets 0..14 unless given. */
  readonly retention?: { readonly granularity?: 'day' | 'week'; readonly maxOffset?: number };
  /** The plan, which funnels and experiments are checked against; needed when either is given. */
  readonly document?: PlanDocument;
  /** Funnels to show: specs without a range (the report's days and zone are used). */
  readonly funnels?: readonly ReportFunnelSpec[];
  /** Experiments to read out over the report's days. */
  readonly experiments?: readonly ExperimentDefinition[];
}

/**
 * Runs the report's metrics (DAU, WAU, MAU, stickiness, revenue, ARPDAU, the retention triangle;
 * with person tables also DAU, MAU, installs and retention with and without stitching) over the
 * cooked tables, and the given funnels and experiments, and returns them as plain data.
 *
 * @example
 * const data = await collectReportData(warehouse, { from: '2026-03-01', to: '2026-03-31' });
 * writeFileSync('report.html', renderReportHtml(data));
 */
export async function collectReportData(warehouse: SqlRunner, options: ReportOptions): Promise<ReportData> {
  const document = planOf(options);
  const catalog = options.catalog ?? (await discoverMetricCatalog(warehouse));
  const now = options.now ?? Date.now;
  const run = { catalog, now };
  const base = {
    from: options.from,
    to: options.to,
    ...(options.timeZone ? { timeZone: options.timeZone } : {}),
  };
  const stickiness = await runMetric(warehouse, { ...base, metric: 'stickiness' }, run);
  const wau = await runMetric(warehouse, { ...base, metric: 'wau' }, run);
  const arpdau = await runMetric(warehouse, { ...base, metric: 'arpdau' }, run);
  const granularity = options.retention?.granularity ?? 'day';
  const triangle = await runMetric(
    warehouse,
    {
      ...base,
      metric: 'retention_triangle',
      granularity,
      maxOffset: options.retention?.maxOffset ?? (granularity === 'week' ? 8 : 14),
    },
    run,
  );
  const offsets = [...new Set(triangle.rows.map((r) => r.n))].sort((a, b) => a - b);
  const cohorts = new Map<string, { cohort: string; installs: number; cells: (number | null)[] }>();
  for (const row of triangle.rows) {
    let entry = cohorts.get(row.cohort);
    if (!entry) {
      entry = { cohort: row.cohort, installs: row.installs, cells: offsets.map(() => null) };
      cohorts.set(row.cohort, entry);
    }
    entry.cells[offsets.indexOf(row.n)] = row.retention;
  }
  const identity =
    catalog.identityMode === 'stitch' ? await collectIdentityData(warehouse, base, run) : undefined;
  const analyses = { from: options.from, to: options.to, timeZone: stickiness.query.spec.timeZone };
  const funnels =
    options.funnels?.length && document
      ? await collectFunnelData(warehouse, options.funnels, analyses, document)
      : undefined;
  const experiments =
    options.experiments?.length && document
      ? await collectExperimentData(warehouse, options.experiments, analyses, document)
      : undefined;
  return {
    title: options.title ?? 'Tributary metrics',
    timeZone: stickiness.query.spec.timeZone,
    from: options.from,
    to: options.to,
    generatedAt: new Date(now()).toISOString(),
    daily: {
      days: stickiness.rows.map((r) => r.day),
      dau: stickiness.rows.map((r) => r.dau),
      wau: wau.rows.map((r) => r.wau),
      mau: stickiness.rows.map((r) => r.mau),
      stickiness: stickiness.rows.map((r) => r.stickiness),
      revenue: arpdau.rows.map((r) => r.revenue),
      arpdau: arpdau.rows.map((r) => r.arpdau),
    },
    retention: { granularity, offsets, cohorts: [...cohorts.values()] },
    ...(identity ? { identity } : {}),
    ...(funnels ? { funnels } : {}),
    ...(experiments ? { experiments } : {}),
  };
}

/** The plan document, checked up front: funnels and experiments cannot run without it. */
function planOf(options: ReportOptions): PlanDocument | undefined {
  const sections = [
    options.funnels?.length ? 'funnels' : '',
    options.experiments?.length ? 'experiments' : '',
  ]
    .filter(Boolean)
    .join(' and ');
  if (sections && !options.document)
    throw new WarehouseError(
      'report_needs_plan',
      `collectReportData: ${sections} are checked against the plan; pass the plan document as \`document\` (toPlanDocument(plan)).`,
    );
  return options.document;
}
