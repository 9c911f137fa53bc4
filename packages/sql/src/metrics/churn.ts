import { sql } from 'kysely';
import {
  activeUserDays,
  breakdownColumn,
  crossBreakdownValues,
  daySpine,
  dateParam,
  intParam,
  keyColumns,
  type MetricQuery,
  markedUserDays,
  orderBySpine,
  perUser,
  sameBreakdown,
  trailingUsers,
  withBreakdownColumn,
} from './metric-sql.js';
import type { ResolvedMetricSpec } from './metric-spec.js';

/**
 * N-day inactivity churn per local day d: users whose last activity is exactly d − N (no activity
 * in d − N + 1 .. d), divided by the users active in the N days ending on d − N
 * ([d − 2N + 1, d − N], which contains them); NULL when that base is 0.
 *
 * @example
 * select s.day, cast(coalesce(churned.users, 0) as integer) as churned, cast(coalesce(base.users, 0) as integer) as base, … as churn
 */
export function inactivityChurnQuery(spec: ResolvedMetricSpec<'inactivity_churn'>): MetricQuery {
  const n = intParam(spec.days);
  const b = breakdownColumn(spec);
  return {
    columns: withBreakdownColumn(spec, ['day', 'churned', 'base', 'churn']),
    query: sql`with active as not materialized (${activeUserDays(spec, sql`${dateParam(spec.from)} - ${intParam(2 * spec.days - 1)}`)}),
  spine as (${daySpine(spec)}),
  marked as (${markedUserDays(spec)}),
  nexts as (select day${b}, lead(day) over (${perUser(spec)} order by day) as next from active),
  churned as (
    select day + ${n} as churn_day${b}, count(*) as users
    from nexts where next is null or next > day + ${n}
    group by churn_day${b}
  ),
  base_days as (select day - ${n} as day${b} from spine),
  ${trailingUsers(spec, 'base', spec.days, 'base_days')}
select ${keyColumns(spec, 's')}, cast(coalesce(churned.users, 0) as integer) as churned,
  cast(coalesce(base.users, 0) as integer) as base,
  cast(coalesce(churned.users, 0) as float8) / nullif(base.users, 0) as churn
from spine as s
left join churned on churned.churn_day = s.day${sameBreakdown(spec, 'churned', 's')}
left join base on base.day = s.day - ${n}${sameBreakdown(spec, 'base', 's')}
${orderBySpine(spec)}`,
  };
}

/**
 * Period churn: for each calendar period p (ISO week from Monday, or month) starting in the range,
 * the users active in p and the share of them not active in p + 1; NULL while p + 1 is not
 * complete (ends after the last complete day) or nobody was active in p.
 *
 * @example
 * select p.period_start, cast(coalesce(counts.active_users, 0) as integer) as active_users, … as churn
 */
export function periodChurnQuery(spec: ResolvedMetricSpec<'period_churn'>): MetricQuery {
  const unit = spec.period;
  const step = `1 ${spec.period}`;
  const first = sql`cast(date_trunc(${unit}, cast(${dateParam(spec.from)} as timestamp)) as date)`;
  const b = breakdownColumn(spec);
  const incomplete = sql`cast(p.period_start + cast(${step} as interval) * 2 as date) > ${dateParam(spec.lastCompleteDay)} + 1`;
  return {
    columns: withBreakdownColumn(spec, ['period_start', 'active_users', 'churned_users', 'churn']),
    query: sql`with active as not materialized (${activeUserDays(spec, first)}),
  periods as (
    select cast(g as date) as period_start${breakdownColumn(spec, 'v')}
    from generate_series(cast(${first} as timestamp), cast(${dateParam(spec.to)} as timestamp), cast(${step} as interval)) as g${crossBreakdownValues(spec)}
  ),
  user_periods as (
    select distinct cast(date_trunc(${unit}, cast(day as timestamp)) as date) as period_start${b}, user_key
    from active
  ),
  counts as (
    select up.period_start${breakdownColumn(spec, 'up')}, count(*) as active_users,
      count(*) filter (where nx.user_key is null) as churned_users
    from user_periods as up
    left join user_periods as nx on nx.user_key = up.user_key${sameBreakdown(spec, 'nx', 'up')}
      and nx.period_start = cast(up.period_start + cast(${step} as interval) as date)
    group by up.period_start${breakdownColumn(spec, 'up')}
  )
select ${keyColumns(spec, 'p', 'period_start')}, cast(coalesce(counts.active_users, 0) as integer) as active_users,
  case when ${incomplete} then null else cast(coalesce(counts.churned_users, 0) as integer) end as churned_users,
  case when ${incomplete} then null
    else cast(counts.churned_users as float8) / nullif(counts.active_users, 0) end as churn
from periods as p
left join counts on counts.period_start = p.period_start${sameBreakdown(spec, 'counts', 'p')}
${orderBySpine(spec, 'p', 'period_start')}`,
  };
}
