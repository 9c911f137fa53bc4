import { sql } from 'kysely';
import {
  activeUserDays,
  breakdownColumn,
  daySpine,
  dateParam,
  keyColumns,
  type MetricQuery,
  orderBySpine,
  sameBreakdown,
  withBreakdownColumn,
  countedTables,
} from './metric-sql.js';
import type { ResolvedMetricSpec } from './metric-spec.js';

type MoneyMetric = 'revenue' | 'paying_users' | 'arpdau' | 'arppu' | 'conversion';

/**
 * Daily money metrics over active user-days: revenue (currency units), paying users (revenue > 0),
 * ARPDAU = revenue / DAU and ARPPU = revenue / paying users (NULL when the divisor is 0), and
 * conversion = users whose first-ever purchase is that day / DAU.
 *
 * @example
 * select s.day, cast(coalesce(daily.revenue, 0) as float8) as revenue from spine as s left join daily on …
 */
export function monetisationQuery(spec: ResolvedMetricSpec<MoneyMetric>): MetricQuery {
  const b = breakdownColumn(spec, 'a');
  const revenue = sql`cast(coalesce(daily.revenue, 0) as float8)`;
  const dau = sql`cast(coalesce(daily.users, 0) as integer)`;
  const paying = sql`cast(coalesce(daily.paying, 0) as integer)`;
  const select = {
    revenue: sql`${revenue} as revenue`,
    paying_users: sql`${paying} as paying_users`,
    arpdau: sql`${revenue} as revenue, ${dau} as dau, cast(daily.revenue / nullif(daily.users, 0) as float8) as arpdau`,
    arppu: sql`${revenue} as revenue, ${paying} as paying_users, cast(daily.revenue / nullif(daily.paying, 0) as float8) as arppu`,
    conversion: sql`cast(coalesce(daily.converted, 0) as integer) as converted, ${dau} as dau,
  cast(daily.converted as float8) / nullif(daily.users, 0) as conversion`,
  }[spec.metric];
  const columns = {
    revenue: ['day', 'revenue'],
    paying_users: ['day', 'paying_users'],
    arpdau: ['day', 'revenue', 'dau', 'arpdau'],
    arppu: ['day', 'revenue', 'paying_users', 'arppu'],
    conversion: ['day', 'converted', 'dau', 'conversion'],
  }[spec.metric];
  const converted = spec.metric === 'conversion' ? sql`count(u.user_key) as converted` : sql`0 as converted`;
  const joinUsers =
    spec.metric === 'conversion'
      ? sql`
    left join ${countedTables(spec).units} as u on u.time_zone = ${spec.timeZone} and u.user_key = a.user_key and u.first_purchase_day = a.day`
      : sql``;
  return {
    columns: withBreakdownColumn(spec, columns),
    query: sql`with active as not materialized (${activeUserDays(spec, dateParam(spec.from))}),
  spine as (${daySpine(spec)}),
  daily as (
    select a.day${b}, count(*) as users, sum(a.revenue) as revenue,
      count(*) filter (where a.revenue > 0) as paying, ${converted}
    from active as a${joinUsers}
    group by a.day${b}
  )
select ${keyColumns(spec, 's')}, ${select}
from spine as s
left join daily on daily.day = s.day${sameBreakdown(spec, 'daily', 's')}
${orderBySpine(spec)}`,
  };
}
