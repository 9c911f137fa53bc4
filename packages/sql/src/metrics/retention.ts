import { sql } from 'kysely';
import {
  activeUserDays,
  breakdownColumn,
  crossBreakdownValues,
  dateParam,
  type Fragment,
  intParam,
  type MetricQuery,
  raw,
  sameBreakdown,
  withBreakdownColumn,
  countedTables,
} from './metric-sql.js';
import type { ResolvedMetricSpec } from './metric-spec.js';

/** Monday of the ISO week of a date expression. */
const weekStart = (day: Fragment): Fragment =>
  sql`(${day} - cast(extract(isodow from ${day}) as integer) + 1)`;

/**
 * Retention of install cohorts: `retention` is DN of daily cohorts (N = `days`); `retention_triangle`
 * is N = 0..`maxOffset` for daily cohorts (day offsets) or weekly cohorts (ISO weeks from Monday;
 * week offsets: active on any day of week c+N). `on`: active in bucket c+N; `on_or_after`: active
 * on any day from the start of bucket c+N up to the last complete day. Cells whose bucket ends
 * after the last complete day are NULL, as is the rate of an empty cohort.
 *
 * @example
 * select cells.cohort, cells.n, cast(coalesce(sizes.installs, 0) as integer) as installs,
 *   case when cells.cohort + $u * cells.n + $u - 1 > cast($l as date) then null else … end as retained, …
 */
export function retentionQuery(spec: ResolvedMetricSpec<'retention' | 'retention_triangle'>): MetricQuery {
  const weekly = spec.metric === 'retention_triangle' && spec.granularity === 'week';
  const unit = intParam(weekly ? 7 : 1);
  const [first, last] = spec.metric === 'retention' ? [spec.days, spec.days] : [0, spec.maxOffset];
  const bucket = (day: Fragment): Fragment => (weekly ? weekStart(day) : day);
  const cohortFrom = bucket(dateParam(spec.from));
  const lastComplete = dateParam(spec.lastCompleteDay);
  const b = breakdownColumn(spec);
  const cb = breakdownColumn(spec, 'c');
  // A user has one active row per day (and value), so daily cells count rows; weekly cells count users.
  const retainedCount = weekly ? sql`count(distinct c.user_key)` : sql`count(*)`;
  const joinActivity = sql`join active as a on a.user_key = c.user_key${sameBreakdown(spec, 'a', 'c')}`;
  const hits =
    spec.retentionMode === 'on'
      ? sql`hits as (
    select c.cohort${cb}, (${bucket(raw('a.day'))} - c.cohort) / ${unit} as n, ${retainedCount} as retained
    from cohort_users as c
    ${joinActivity}
      and a.day >= c.cohort + ${unit} * ${intParam(first)}
      and a.day < c.cohort + ${unit} * ${intParam(last + 1)}
      and a.day <= ${lastComplete}
    group by c.cohort${cb}, n
  )`
      : sql`reach as (
    select c.cohort${cb}, c.user_key, (${bucket(raw('max(a.day)'))} - c.cohort) / ${unit} as reach
    from cohort_users as c
    ${joinActivity} and a.day >= c.cohort and a.day <= ${lastComplete}
    group by c.cohort${cb}, c.user_key
  ),
  hits as (
    select r.cohort${breakdownColumn(spec, 'r')}, o.n, count(*) as retained
    from reach as r
    join generate_series(${intParam(first)}, ${intParam(last)}) as o(n) on r.reach >= o.n
    group by r.cohort${breakdownColumn(spec, 'r')}, o.n
  )`;
  const incomplete = sql`cells.cohort + ${unit} * cells.n + ${unit} - 1 > ${lastComplete}`;
  return {
    columns: withBreakdownColumn(spec, ['cohort', 'n', 'installs', 'retained', 'retention']),
    query: sql`with active as not materialized (${activeUserDays(spec, cohortFrom)}),
  cohort_users as (
    select ${bucket(raw('a.day'))} as cohort${breakdownColumn(spec, 'a')}, a.user_key
    from ${countedTables(spec).units} as u
    join active as a on a.user_key = u.user_key and a.day = u.install_day
    where u.time_zone = ${spec.timeZone}
  ),
  sizes as (select cohort${b}, count(*) as installs from cohort_users group by cohort${b}),
  ${hits},
  cells as (
    select ${cohortFrom} + ${unit} * g as cohort${breakdownColumn(spec, 'v')}, o.n
    from generate_series(0, (${dateParam(spec.to)} - ${cohortFrom}) / ${unit}) as g${crossBreakdownValues(spec)}
    cross join generate_series(${intParam(first)}, ${intParam(last)}) as o(n)
  )
select cells.cohort${breakdownColumn(spec, 'cells')}, cells.n, cast(coalesce(sizes.installs, 0) as integer) as installs,
  case when ${incomplete} then null else cast(coalesce(hits.retained, 0) as integer) end as retained,
  case when ${incomplete} then null
    else cast(coalesce(hits.retained, 0) as float8) / nullif(sizes.installs, 0) end as retention
from cells
left join sizes on sizes.cohort = cells.cohort${sameBreakdown(spec, 'sizes', 'cells')}
left join hits on hits.cohort = cells.cohort and hits.n = cells.n${sameBreakdown(spec, 'hits', 'cells')}
order by cells.cohort${breakdownColumn(spec, 'cells')}, cells.n`,
  };
}

/**
 * Install-cohort conversion within N days: users of daily cohort c whose first purchase is on or
 * before c + N, divided by installs(c); NULL when c + N is after the last complete day.
 *
 * @example
 * select s.day as cohort, …, case when s.day + $n > cast($l as date) then null else … end as conversion
 */
export function cohortConversionQuery(spec: ResolvedMetricSpec<'cohort_conversion'>): MetricQuery {
  const b = breakdownColumn(spec);
  const n = intParam(spec.days);
  const incomplete = sql`s.day + ${n} > ${dateParam(spec.lastCompleteDay)}`;
  return {
    columns: withBreakdownColumn(spec, ['cohort', 'installs', 'converted', 'conversion']),
    query: sql`with active as not materialized (${activeUserDays(spec, dateParam(spec.from))}),
  spine as (
    select ${dateParam(spec.from)} + g as day${breakdownColumn(spec, 'v')}
    from generate_series(0, ${dateParam(spec.to)} - ${dateParam(spec.from)}) as g${crossBreakdownValues(spec)}
  ),
  cohort_users as (
    select a.day as cohort${breakdownColumn(spec, 'a')}, a.user_key, u.first_purchase_day
    from ${countedTables(spec).units} as u
    join active as a on a.user_key = u.user_key and a.day = u.install_day
    where u.time_zone = ${spec.timeZone}
  ),
  counts as (
    select cohort${b}, count(*) as installs,
      count(*) filter (where first_purchase_day <= cohort + ${n}) as converted
    from cohort_users group by cohort${b}
  )
select s.day as cohort${breakdownColumn(spec, 's')}, cast(coalesce(counts.installs, 0) as integer) as installs,
  case when ${incomplete} then null else cast(coalesce(counts.converted, 0) as integer) end as converted,
  case when ${incomplete} then null
    else cast(counts.converted as float8) / nullif(counts.installs, 0) end as conversion
from spine as s
left join counts on counts.cohort = s.day${sameBreakdown(spec, 'counts', 's')}
order by s.day${breakdownColumn(spec, 's')}`,
  };
}
