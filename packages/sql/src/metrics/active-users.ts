import { sql } from 'kysely';
import {
  activeUserDays,
  breakdownColumn,
  daySpine,
  dateParam,
  intParam,
  keyColumns,
  type MetricQuery,
  markedUserDays,
  orderBySpine,
  sameBreakdown,
  trailingUsers,
  withBreakdownColumn,
} from './metric-sql.js';
import type { ResolvedMetricSpec } from './metric-spec.js';

type ActiveUsersMetric = 'dau' | 'wau' | 'mau' | 'stickiness';

const WINDOW: Readonly<Record<ActiveUsersMetric, number>> = { dau: 1, wau: 7, mau: 30, stickiness: 30 };

/**
 * DAU, WAU (trailing 7 days), MAU (trailing 30 days) or stickiness (DAU / MAU, NULL when MAU is 0),
 * one row per local day.
 *
 * @example
 * -- dau, no breakdown
 * with active as (select d.day, d.user_key, … from cooked.user_days as d where d.time_zone = $1 and d.day between … ),
 *   spine as (select cast($4 as date) + g as day from generate_series(0, …) as g),
 *   daily as (select day, count(*) as users from active group by day)
 * select s.day, cast(coalesce(daily.users, 0) as integer) as dau from spine as s left join daily on daily.day = s.day order by s.day
 */
export function activeUsersQuery(spec: ResolvedMetricSpec<ActiveUsersMetric>): MetricQuery {
  const window = WINDOW[spec.metric];
  const b = breakdownColumn(spec);
  const lower = sql`${dateParam(spec.from)} - ${intParam(window - 1)}`;
  const daily = sql`daily as (select day${b}, count(*) as users from active group by day${b})`;
  const ctes =
    window === 1
      ? daily
      : sql`${daily},
  marked as (${markedUserDays(spec)}),
  ${trailingUsers(spec, 'windowed', window, 'spine')}`;
  const dau = sql`cast(coalesce(daily.users, 0) as integer)`;
  const trailing = sql`cast(coalesce(windowed.users, 0) as integer)`;
  const select = {
    dau: sql`${dau} as dau`,
    wau: sql`${trailing} as wau`,
    mau: sql`${trailing} as mau`,
    stickiness: sql`${dau} as dau, ${trailing} as mau, cast(coalesce(daily.users, 0) as float8) / nullif(windowed.users, 0) as stickiness`,
  }[spec.metric];
  const columns = {
    dau: ['day', 'dau'],
    wau: ['day', 'wau'],
    mau: ['day', 'mau'],
    stickiness: ['day', 'dau', 'mau', 'stickiness'],
  }[spec.metric];
  return {
    columns: withBreakdownColumn(spec, columns),
    query: sql`with active as not materialized (${activeUserDays(spec, lower)}),
  spine as (${daySpine(spec)}),
  ${ctes}
select ${keyColumns(spec, 's')}, ${select}
from spine as s
left join daily on daily.day = s.day${sameBreakdown(spec, 'daily', 's')}${
      window === 1
        ? sql``
        : sql`
left join windowed on windowed.day = s.day${sameBreakdown(spec, 'windowed', 's')}`
    }
${orderBySpine(spec)}`,
  };
}
