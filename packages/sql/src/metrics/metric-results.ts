/** A row of a daily metric: the local day, `YYYY-MM-DD`. */
interface DayRow {
  readonly day: string;
}

/** A row of a cohort metric: the cohort's first local day (a Monday for weekly cohorts). */
interface CohortRow {
  readonly cohort: string;
}

/** Retention cell: `retained` and `retention` are NULL after the last complete day. */
export interface RetentionRow extends CohortRow {
  /** Day offset (daily cohorts) or week offset (weekly cohorts). */
  readonly n: number;
  readonly installs: number;
  readonly retained: number | null;
  readonly retention: number | null;
}

/** The row type of each metric (without the `breakdown` column). */
export interface MetricRows {
  readonly dau: DayRow & { readonly dau: number };
  readonly wau: DayRow & { readonly wau: number };
  readonly mau: DayRow & { readonly mau: number };
  readonly stickiness: DayRow & {
    readonly dau: number;
    readonly mau: number;
    readonly stickiness: number | null;
  };
  readonly installs: DayRow & { readonly installs: number };
  readonly sessions: DayRow & { readonly sessions: number };
  readonly sessions_per_dau: DayRow & {
    readonly sessions: number;
    readonly dau: number;
    readonly sessions_per_dau: number | null;
  };
  readonly avg_session_length_seconds: DayRow & { readonly avg_session_length_seconds: number | null };
  readonly retention: RetentionRow;
  readonly retention_triangle: RetentionRow;
  readonly inactivity_churn: DayRow & {
    readonly churned: number;
    readonly base: number;
    readonly churn: number | null;
  };
  readonly period_churn: {
    readonly period_start: string;
    readonly active_users: number;
    readonly churned_users: number | null;
    readonly churn: number | null;
  };
  readonly revenue: DayRow & { readonly revenue: number };
  readonly paying_users: DayRow & { readonly paying_users: number };
  readonly arpdau: DayRow & {
    readonly revenue: number;
    readonly dau: number;
    readonly arpdau: number | null;
  };
  readonly arppu: DayRow & {
    readonly revenue: number;
    readonly paying_users: number;
    readonly arppu: number | null;
  };
  readonly conversion: DayRow & {
    readonly converted: number;
    readonly dau: number;
    readonly conversion: number | null;
  };
  readonly cohort_conversion: CohortRow & {
    readonly installs: number;
    readonly converted: number | null;
    readonly conversion: number | null;
  };
}

/** One result row of metric `M`; `breakdown` holds the dimension value when the spec has a breakdown. */
export type MetricResult<M extends keyof MetricRows> = MetricRows[M] & { readonly breakdown?: string };
