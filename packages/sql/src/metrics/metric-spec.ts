import type { PlanDocument } from '@tributary/schema';

/** Every metric the builders compile, in the order the docs and `--help` list them. */
export const METRIC_NAMES = [
  'dau',
  'wau',
  'mau',
  'stickiness',
  'installs',
  'sessions',
  'sessions_per_dau',
  'avg_session_length_seconds',
  'retention',
  'retention_triangle',
  'inactivity_churn',
  'period_churn',
  'revenue',
  'paying_users',
  'arpdau',
  'arppu',
  'conversion',
  'cohort_conversion',
] as const;

/** The name of a metric: `'dau' | 'mau' | 'retention' | …`. */
export type MetricName = (typeof METRIC_NAMES)[number];

/** Keeps only activity whose dimension value is (or is not) one of `values`, before counting. */
export interface MetricFilter {
  readonly dimension: string;
  readonly op: 'in' | 'not_in';
  readonly values: readonly string[];
}

/** What to compute: a metric over local days `from`..`to` (inclusive) of a reporting time zone. */
export interface MetricSpec<M extends MetricName = MetricName> {
  readonly metric: M;
  /** First local day, `YYYY-MM-DD`. */
  readonly from: string;
  /** Last local day, `YYYY-MM-DD` (inclusive). */
  readonly to: string;
  /** One of the plan's `etl.reportingTimeZones` (default: the first of them). */
  readonly timeZone?: string;
  /** A dimension from the plan's `roles.dimensions`: one row per day and value. */
  readonly breakdown?: string;
  readonly filters?: readonly MetricFilter[];
  /** User keys (user id, else anonymous id) left out of every count, e.g. internal testers. */
  readonly excludeUsers?: readonly string[];
  /** N of `retention` (default 1), `inactivity_churn` (default 7) and `cohort_conversion` (default 7). */
  readonly days?: number;
  /** K of `retention_triangle`: offsets 0..K (default 30 for daily, 8 for weekly cohorts). */
  readonly maxOffset?: number;
  /** Cohorts of `retention_triangle` (default `day`). */
  readonly granularity?: 'day' | 'week';
  /** `on`: active on day c+N; `on_or_after`: active on any day ≥ c+N (default `on`). */
  readonly retentionMode?: 'on' | 'on_or_after';
  /** Period of `period_churn` (default `week`, ISO weeks starting Monday). */
  readonly period?: 'week' | 'month';
  /** Cells after this local day are NULL (default: `to`; the runner passes yesterday when `to` is today or later). */
  readonly lastCompleteDay?: string;
  /**
   * Who is counted: `stitch` counts persons (anonymous ids joined to the user ids they signed in
   * as, aliases followed; the default when the plan's `etl.identity.mode` is `stitch`), `raw`
   * counts each user key (userId, else anonymousId) on its own, as before stitching.
   */
  readonly identity?: MetricIdentity;
}

/** `stitch`: count persons; `raw`: count user keys. */
export type MetricIdentity = 'stitch' | 'raw';

/** What the builders need to know about the plan: reporting zones and breakdown dimensions. */
export interface MetricCatalog {
  readonly reportingTimeZones: readonly string[];
  readonly dimensions: readonly string[];
  /** Whether person tables are kept (`stitch`) or not (`none`, also when absent). */
  readonly identityMode?: 'stitch' | 'none';
}

/** The metric catalog of a plan document (`etl.reportingTimeZones`, default `['UTC']`; `roles.dimensions`). */
export function metricCatalogOf(document: Pick<PlanDocument, 'etl' | 'roles'>): MetricCatalog {
  const zones = document.etl?.reportingTimeZones;
  return {
    reportingTimeZones: zones && zones.length > 0 ? zones : ['UTC'],
    dimensions: document.roles?.dimensions ?? [],
    identityMode: document.etl?.identity?.mode ?? 'stitch',
  };
}

/** A spec with every default filled in and every value checked. */
export interface ResolvedMetricSpec<M extends MetricName = MetricName> {
  readonly metric: M;
  readonly from: string;
  readonly to: string;
  readonly timeZone: string;
  readonly breakdown: string | undefined;
  readonly filters: readonly MetricFilter[];
  readonly excludeUsers: readonly string[];
  readonly days: number;
  readonly maxOffset: number;
  readonly granularity: 'day' | 'week';
  readonly retentionMode: 'on' | 'on_or_after';
  readonly period: 'week' | 'month';
  readonly lastCompleteDay: string;
  readonly identity: MetricIdentity;
}
