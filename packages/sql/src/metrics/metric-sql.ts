import { type RawBuilder, sql } from 'kysely';
import type { ResolvedMetricSpec } from './metric-spec.js';

/** A piece of a metric query; values inside are bound parameters. */
export type Fragment = RawBuilder<unknown>;

/** SQL text written in this folder (never user input), included only when `on`. */
export function when(on: boolean, text: string): Fragment {
  return on ? sql.raw(text) : sql``;
}

/** Static SQL text written in this folder (never user input). */
export const raw = (text: string): Fragment => sql.raw(text);

/** A date parameter. */
export const dateParam = (value: string): Fragment => sql`cast(${value} as date)`;
/** An integer parameter. */
export const intParam = (value: number): Fragment => sql`cast(${value} as integer)`;

/** The cooked tables a spec counts from: per user key (`raw`) or per person (`stitch`). */
export interface CountedTables {
  readonly days: Fragment;
  readonly dayDimensions: Fragment;
  readonly units: Fragment;
  readonly sessionDays: Fragment;
}

const RAW_TABLES: CountedTables = {
  days: raw('cooked.user_days'),
  dayDimensions: raw('cooked.user_day_dimensions'),
  units: raw('cooked.users'),
  sessionDays: raw('cooked.session_days'),
};
const PERSON_TABLES: CountedTables = {
  days: raw('cooked.person_days'),
  dayDimensions: raw('cooked.person_day_dimensions'),
  units: raw('cooked.persons'),
  sessionDays: raw('cooked.person_session_days'),
};

/** The tables of the spec's identity; their columns are the same, `user_key` holding the counted key. */
export function countedTables(spec: Pick<ResolvedMetricSpec, 'identity'>): CountedTables {
  return spec.identity === 'stitch' ? PERSON_TABLES : RAW_TABLES;
}

/** `alias.day` or `alias.day, alias.breakdown`. */
export function keyColumns(spec: ResolvedMetricSpec, alias: string, day = 'day'): Fragment {
  return raw(spec.breakdown ? `${alias}.${day}, ${alias}.breakdown` : `${alias}.${day}`);
}

/** `, breakdown` when the spec has a breakdown. */
export function breakdownColumn(spec: ResolvedMetricSpec, alias?: string): Fragment {
  return when(spec.breakdown !== undefined, alias ? `, ${alias}.breakdown` : ', breakdown');
}

/** `and a.breakdown = b.breakdown` when the spec has a breakdown. */
export function sameBreakdown(spec: ResolvedMetricSpec, a: string, b: string): Fragment {
  return when(spec.breakdown !== undefined, ` and ${a}.breakdown = ${b}.breakdown`);
}

/**
 * The `active` CTE body (declared `not materialized`, so each use is planned into its query and can
 * use the cooked tables' indexes instead of a full copy): the user-days counted by every metric, local days `lower`..`to` of the
 * spec's zone, after filters and excluded users. With a breakdown the rows come from
 * `cooked.user_day_dimensions` (one per user, day and value; counts are those of the events with
 * that value), else from `cooked.user_days`.
 */
export function activeUserDays(spec: ResolvedMetricSpec, lower: Fragment, upper?: Fragment): Fragment {
  const tables = countedTables(spec);
  const source = spec.breakdown
    ? sql`select d.day, d.user_key, d.value as breakdown, d.events, d.sessions, d.revenue, d.purchases
      from ${tables.dayDimensions} as d
      where d.time_zone = ${spec.timeZone} and d.dimension = ${spec.breakdown}`
    : sql`select d.day, d.user_key, d.events, d.sessions, d.revenue, d.purchases
      from ${tables.days} as d
      where d.time_zone = ${spec.timeZone}`;
  // With persons, an excluded id excludes the person it belongs to.
  const excludedKeys =
    spec.identity === 'stitch'
      ? sql`array(select coalesce((select i.person_key from cooked.identities as i where i.id = x.id), x.id)
          from unnest(cast(${spec.excludeUsers} as text[])) as x(id))`
      : sql`cast(${spec.excludeUsers} as text[])`;
  const excluded = spec.excludeUsers.length > 0 ? sql` and not (d.user_key = any(${excludedKeys}))` : sql``;
  const filters = spec.filters.map(
    (filter) => sql` and exists (
      select 1 from ${tables.dayDimensions} as f
      where f.time_zone = d.time_zone and f.day = d.day and f.user_key = d.user_key
        and f.dimension = ${filter.dimension}
        and ${filter.op === 'in' ? sql`` : sql`not `}(f.value = any(cast(${filter.values} as text[]))))`,
  );
  return sql`${source} and d.day between ${lower} and ${upper ?? dateParam(spec.to)}${excluded}${sql.join(filters, sql``)}`;
}

/** ` cross join (the breakdown values of the range's active user-days) as v`, when there is a breakdown. */
export function crossBreakdownValues(spec: ResolvedMetricSpec): Fragment {
  return spec.breakdown
    ? sql` cross join (select distinct breakdown from active where day between ${dateParam(spec.from)} and ${dateParam(spec.to)}) as v`
    : sql``;
}

/** The `spine` CTE body: every local day of the range (times every breakdown value active in the range). */
export function daySpine(spec: ResolvedMetricSpec): Fragment {
  return sql`select ${dateParam(spec.from)} + g as day${breakdownColumn(spec, 'v')}
    from generate_series(0, ${dateParam(spec.to)} - ${dateParam(spec.from)}) as g${crossBreakdownValues(spec)}`;
}

/** `partition by user_key[, breakdown]`. */
export function perUser(spec: ResolvedMetricSpec): Fragment {
  return raw(spec.breakdown ? 'partition by user_key, breakdown' : 'partition by user_key');
}

/**
 * Two CTEs that count distinct active users over a trailing window of `window` days ending on each
 * day of `daysCte` (named `<name>_deltas` and `<name>`), in one pass: each user-day opens the part
 * of its window not already covered by the user's previous active day (`marked.prev`), so a
 * running sum of +1/-1 marks is the distinct count without a range join.
 */
export function trailingUsers(
  spec: ResolvedMetricSpec,
  name: string,
  window: number,
  daysCte: string,
): Fragment {
  const b = breakdownColumn(spec);
  const w = intParam(window);
  return sql`${raw(name)}_deltas as (
    select greatest(day, coalesce(prev + ${w}, day)) as day${b}, 1 as delta from marked
    union all select day + ${w} as day${b}, -1 as delta from marked
    union all select day${b}, 0 as delta from ${raw(daysCte)}
  ),
  ${raw(name)} as (
    select day${b}, sum(sum(delta)) over (${when(spec.breakdown !== undefined, 'partition by breakdown ')}order by day) as users
    from ${raw(name)}_deltas group by day${b}
  )`;
}

/** The `marked` CTE body: each active user-day with the user's previous active day. */
export function markedUserDays(spec: ResolvedMetricSpec): Fragment {
  return sql`select day${breakdownColumn(spec)}, user_key, lag(day) over (${perUser(spec)} order by day) as prev from active`;
}

/** `order by s.day[, s.breakdown]`. */
export function orderBySpine(spec: ResolvedMetricSpec, alias = 's', day = 'day'): Fragment {
  return sql`order by ${keyColumns(spec, alias, day)}`;
}

/** A compiled-to-be metric query and its result columns, in order. */
export interface MetricQuery {
  readonly query: Fragment;
  readonly columns: readonly string[];
}

/** The result columns with `breakdown` after the first (key) column when the spec has one. */
export function withBreakdownColumn(spec: ResolvedMetricSpec, columns: readonly string[]): readonly string[] {
  const [key, ...rest] = columns;
  return spec.breakdown ? [key as string, 'breakdown', ...rest] : columns;
}
