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

/**
 * Installs (new users) per local day: users whose install day (local day of their first
 * install-role event) is the day; with a breakdown, by the value on their install-day events.
 *
 * @example
 * select s.day, cast(coalesce(installed.installs, 0) as integer) as installs from spine as s left join installed on …
 */
export function installsQuery(spec: ResolvedMetricSpec<'installs'>): MetricQuery {
  const b = breakdownColumn(spec, 'a');
  return {
    columns: withBreakdownColumn(spec, ['day', 'installs']),
    query: sql`with active as not materialized (${activeUserDays(spec, dateParam(spec.from))}),
  spine as (${daySpine(spec)}),
  installed as (
    select a.day${b}, count(*) as installs
    from ${countedTables(spec).units} as u
    join active as a on a.user_key = u.user_key and a.day = u.install_day
    where u.time_zone = ${spec.timeZone}
    group by a.day${b}
  )
select ${keyColumns(spec, 's')}, cast(coalesce(installed.installs, 0) as integer) as installs
from spine as s
left join installed on installed.day = s.day${sameBreakdown(spec, 'installed', 's')}
${orderBySpine(spec)}`,
  };
}
