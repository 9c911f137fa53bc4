import { activeUsersQuery } from './active-users.js';
import { inactivityChurnQuery, periodChurnQuery } from './churn.js';
import { installsQuery } from './installs.js';
import { ddlKysely } from '../dialect/postgres/ddl-kysely.js';
import type { MetricQuery } from './metric-sql.js';
import type { MetricCatalog, MetricName, MetricSpec, ResolvedMetricSpec } from './metric-spec.js';
import { monetisationQuery } from './monetisation.js';
import { resolveMetricSpec } from './resolve-metric-spec.js';
import { cohortConversionQuery, retentionQuery } from './retention.js';
import { sessionsQuery } from './sessions.js';
import { formatSql } from '../format-sql.js';

type Builders = { readonly [M in MetricName]: (spec: ResolvedMetricSpec<M>) => MetricQuery };

/** One builder per metric: a new metric name does not compile until it has one. */
const BUILDERS: Builders = {
  dau: activeUsersQuery,
  wau: activeUsersQuery,
  mau: activeUsersQuery,
  stickiness: activeUsersQuery,
  installs: installsQuery,
  sessions: sessionsQuery,
  sessions_per_dau: sessionsQuery,
  avg_session_length_seconds: sessionsQuery,
  retention: retentionQuery,
  retention_triangle: retentionQuery,
  inactivity_churn: inactivityChurnQuery,
  period_churn: periodChurnQuery,
  revenue: monetisationQuery,
  paying_users: monetisationQuery,
  arpdau: monetisationQuery,
  arppu: monetisationQuery,
  conversion: monetisationQuery,
  cohort_conversion: cohortConversionQuery,
};

/** A metric query ready to run: text with `$n` placeholders, its parameters and its result columns. */
export interface CompiledMetricQuery<M extends MetricName = MetricName> {
  readonly metric: M;
  readonly spec: ResolvedMetricSpec<M>;
  readonly sql: string;
  readonly parameters: readonly unknown[];
  /** Result columns in order (`breakdown` second when the spec has one). */
  readonly columns: readonly string[];
}

/**
 * Compiles a metric spec to PostgreSQL over the cooked tables (Kysely, no connection). Values are
 * bound parameters; the spec is checked against the plan's catalog first (`MetricError`).
 *
 * @example
 * compileMetricQuery({ metric: 'dau', from: '2026-01-01', to: '2026-01-31' }, { reportingTimeZones: ['UTC'], dimensions: [] })
 * // → { sql: 'with active as not materialized (select d.day, d.user_key, … where d.time_zone = $1 …', parameters: ['UTC', …], columns: ['day', 'dau'] }
 */
export function compileMetricQuery<M extends MetricName>(
  spec: MetricSpec<M>,
  catalog: MetricCatalog,
): CompiledMetricQuery<M> {
  const resolved = resolveMetricSpec(spec, catalog);
  const build = BUILDERS[resolved.metric] as (spec: ResolvedMetricSpec<M>) => MetricQuery;
  const { query, columns } = build(resolved);
  const compiled = query.compile(ddlKysely());
  return {
    metric: resolved.metric,
    spec: resolved,
    sql: compiled.sql,
    parameters: compiled.parameters,
    columns,
  };
}

/** The compiled query formatted for people (`tributary metrics --sql`); parameters stay `$n`. */
export function formatMetricQuery(query: Pick<CompiledMetricQuery, 'sql'>): string {
  return formatSql(query.sql);
}
