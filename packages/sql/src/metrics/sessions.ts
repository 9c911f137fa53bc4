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

type SessionMetric = 'sessions' | 'sessions_per_dau' | 'avg_session_length_seconds';

/**
 * Sessions per local day (distinct sessions with an event that day: the sum of the user-days'
 * session counts), sessions per DAU (NULL when DAU is 0) and the average session length in seconds
 * (mean of last − first event over the sessions of the day's active user-days; NULL when none).
 *
 * @example
 * select s.day, cast(coalesce(daily.sessions, 0) as integer) as sessions from spine as s left join daily on …
 */
export function sessionsQuery(spec: ResolvedMetricSpec<SessionMetric>): MetricQuery {
  const b = breakdownColumn(spec);
  const daily = sql`daily as (select day${b}, count(*) as users, sum(sessions) as sessions from active group by day${b})`;
  if (spec.metric === 'avg_session_length_seconds') {
    const ab = breakdownColumn(spec, 'a');
    return {
      columns: withBreakdownColumn(spec, ['day', 'avg_session_length_seconds']),
      query: sql`with active as not materialized (${activeUserDays(spec, dateParam(spec.from))}),
  spine as (${daySpine(spec)}),
  lengths as (
    select a.day${ab}, avg(extract(epoch from (x.ended_at - x.started_at))) as seconds
    from active as a
    join ${countedTables(spec).sessionDays} as sd on sd.time_zone = ${spec.timeZone} and sd.user_key = a.user_key and sd.day = a.day
    join cooked.sessions as x on x.session_key = sd.session_key
    group by a.day${ab}
  )
select ${keyColumns(spec, 's')}, cast(lengths.seconds as float8) as avg_session_length_seconds
from spine as s
left join lengths on lengths.day = s.day${sameBreakdown(spec, 'lengths', 's')}
${orderBySpine(spec)}`,
    };
  }
  const sessions = sql`cast(coalesce(daily.sessions, 0) as integer)`;
  const select =
    spec.metric === 'sessions'
      ? sql`${sessions} as sessions`
      : sql`${sessions} as sessions, cast(coalesce(daily.users, 0) as integer) as dau,
  cast(daily.sessions as float8) / nullif(daily.users, 0) as sessions_per_dau`;
  return {
    columns: withBreakdownColumn(
      spec,
      spec.metric === 'sessions' ? ['day', 'sessions'] : ['day', 'sessions', 'dau', 'sessions_per_dau'],
    ),
    query: sql`with active as not materialized (${activeUserDays(spec, dateParam(spec.from))}),
  spine as (${daySpine(spec)}),
  ${daily}
select ${keyColumns(spec, 's')}, ${select}
from spine as s
left join daily on daily.day = s.day${sameBreakdown(spec, 'daily', 's')}
${orderBySpine(spec)}`,
  };
}
