import { sessionKeySql } from './session-key.js';
import { quoteIdentifier } from '../identifiers.js';
import type { EtlPlan } from './etl-plan.js';
import { analyzeStatement, type EtlStatement, STAGE_TABLE, statement } from './etl-statement.js';
import { literal, textLiteral } from './sql-text.js';
import {
  type DayTableWriters,
  IDENTITY_TABLES,
  identityAllStatements,
  identityChunkStatements,
} from './stage-identity.js';

const TS = quoteIdentifier('timestamp');
const LOADED = `s.status = 'ok' AND s.type = 'track'`;
const ZONES = 'unnest($1::text[]) AS z(time_zone)';
/**
 * Sorting and grouping keys of the cook steps compare bytes (`COLLATE "C"`): equality is the same
 * in every deterministic collation, and the database's own collation (often a libc one) makes large
 * sorts several times slower. Columns compared with indexed columns go back to the default.
 */
const C = 'COLLATE "C"';
const DEFAULT = 'COLLATE "default"';

/**
 * Stage 4: re-cooks what the chunk's rows touch, in every reporting time zone ($1):
 * tracker sessions by id; inactivity sessions of each affected user from the first session the new
 * events can change (earlier sessions keep their numbers); the affected (user, local day) rows of
 * user_days and user_day_dimensions; session_days of the rebuilt sessions; users merged in place.
 */
export function cookStatements(plan: EtlPlan): EtlStatement[] {
  const gap = `interval '${plan.roles.inactivityMinutes} minutes'`;
  const cook = (name: string, sql: string, params: 'timeZones'[] = []) =>
    statement('cook', name, sql, params);
  const dimensionColumns = plan.roles.dimensions.map((d) => quoteIdentifier(d.column));
  return [
    cook(
      'the new track rows, as loaded',
      `CREATE TEMPORARY TABLE etl_new ON COMMIT DROP AS
SELECT p.*
FROM processed.tracks AS p
JOIN ${STAGE_TABLE} AS s ON s.message_id = p.message_id AND s.source = p.source
WHERE ${LOADED}`,
    ),
    analyzeStatement('cook', 'etl_new', ['user_key', 'session_id']),
    cook(
      'tracker sessions touched by the chunk',
      `CREATE TEMPORARY TABLE etl_tracker_sessions ON COMMIT DROP AS
SELECT DISTINCT n.session_id AS session_key FROM etl_new AS n WHERE n.session_id IS NOT NULL`,
    ),
    cook(
      'users with new events lacking a session id: the sessions they keep',
      `CREATE TEMPORARY TABLE etl_resession ON COMMIT DROP AS
SELECT u.user_key, k.kept_until, coalesce(k.kept, 0) AS kept
FROM (
  SELECT n.user_key, min(n.${TS}) AS first_new
  FROM etl_new AS n
  WHERE n.session_id IS NULL
  GROUP BY n.user_key
) AS u
CROSS JOIN LATERAL (
  SELECT max(c.ended_at) AS kept_until, count(*)::integer AS kept
  FROM cooked.sessions AS c
  WHERE c.user_key = u.user_key AND c.session_number IS NOT NULL AND c.ended_at < u.first_new - ${gap}
) AS k`,
    ),
    cook(
      'drop session days of sessions that are rebuilt',
      `DELETE FROM cooked.session_days AS d
WHERE d.session_key IN (
  SELECT t.session_key FROM etl_tracker_sessions AS t
  UNION ALL
  SELECT c.session_key FROM cooked.sessions AS c JOIN etl_resession AS r ON r.user_key = c.user_key
  WHERE c.session_number > r.kept
)`,
    ),
    // One IN list, as for session_days above: an OR with a correlated EXISTS is evaluated once per
    // row of cooked.sessions (1–3 s per chunk at 1M events, bench/identity).
    cook(
      'drop sessions that are rebuilt',
      `DELETE FROM cooked.sessions AS c
WHERE c.session_key IN (
  SELECT t.session_key FROM etl_tracker_sessions AS t
  UNION ALL
  SELECT s.session_key FROM cooked.sessions AS s JOIN etl_resession AS r ON r.user_key = s.user_key
  WHERE s.session_number > r.kept
)`,
    ),
    cook(
      `cut sessions by ${plan.roles.inactivityMinutes} minutes of inactivity after the kept ones`,
      `CREATE TEMPORARY TABLE etl_session_events ON COMMIT DROP AS
SELECT e.user_key, e.${TS}, e.kept + sum(e.starts) OVER (PARTITION BY e.user_key ORDER BY e.${TS}, e.seq) AS session_number
FROM (
  SELECT p.user_key ${C} AS user_key, p.${TS}, p.seq, r.kept,
    CASE WHEN p.${TS} - lag(p.${TS}) OVER w <= ${gap} THEN 0 ELSE 1 END AS starts
  FROM etl_resession AS r
  JOIN processed.tracks AS p ON p.user_key = r.user_key AND p.session_id IS NULL
    AND (r.kept_until IS NULL OR p.${TS} > r.kept_until)
  WINDOW w AS (PARTITION BY p.user_key ${C} ORDER BY p.${TS}, p.seq)
) AS e`,
    ),
    cook(
      'insert the rebuilt inactivity sessions and the touched tracker sessions',
      `INSERT INTO cooked.sessions (session_key, user_key, started_at, ended_at, events, session_number)
SELECT e.user_key || '#' || e.session_number, e.user_key, min(e.${TS}), max(e.${TS}), count(*)::integer, e.session_number::integer
FROM etl_session_events AS e
GROUP BY e.user_key, e.session_number
UNION ALL
SELECT p.session_id ${C}, min(p.user_key ${C}), min(p.${TS}), max(p.${TS}), count(*)::integer, NULL
FROM processed.tracks AS p
WHERE p.session_id IN (SELECT t.session_key FROM etl_tracker_sessions AS t)
GROUP BY p.session_id ${C}`,
    ),
    cook(
      'session days of the rebuilt sessions, per reporting time zone',
      `INSERT INTO cooked.session_days (time_zone, day, session_key, user_key)
SELECT z.time_zone ${C}, (e.${TS} AT TIME ZONE z.time_zone)::date, e.user_key || '#' || e.session_number, e.user_key
FROM etl_session_events AS e CROSS JOIN ${ZONES}
UNION
SELECT z.time_zone ${C}, (p.${TS} AT TIME ZONE z.time_zone)::date, p.session_id ${C}, c.user_key ${C}
FROM processed.tracks AS p
JOIN cooked.sessions AS c ON c.session_key = p.session_id
CROSS JOIN ${ZONES}
WHERE p.session_id IN (SELECT t.session_key FROM etl_tracker_sessions AS t)`,
      ['timeZones'],
    ),
    cook(
      'the (time zone, user, local day) pairs the chunk touches',
      `CREATE TEMPORARY TABLE etl_affected ON COMMIT DROP AS
SELECT a.time_zone ${DEFAULT} AS time_zone, a.user_key ${DEFAULT} AS user_key, a.day
FROM (
  SELECT DISTINCT z.time_zone ${C} AS time_zone, n.user_key ${C} AS user_key, (n.${TS} AT TIME ZONE z.time_zone)::date AS day
  FROM etl_new AS n CROSS JOIN ${ZONES}
) AS a`,
      ['timeZones'],
    ),
    analyzeStatement('cook', 'etl_affected', ['time_zone', 'user_key', 'day']),
    cook(
      'every event of the affected user-days, with its session key',
      `CREATE TEMPORARY TABLE etl_day_events ON COMMIT DROP AS
SELECT a.time_zone ${C} AS time_zone, a.day, p.user_key ${C} AS user_key, p.${TS}, p.event, p.revenue,
  ${sessionKeySql()} AS session_key${dimensionColumns.map((c) => `,\n  p.${c}`).join('')}
FROM etl_affected AS a
JOIN processed.tracks AS p ON p.user_key = a.user_key
  AND p.${TS} >= a.day::timestamp AT TIME ZONE a.time_zone
  AND p.${TS} < (a.day + 1)::timestamp AT TIME ZONE a.time_zone`,
    ),
    analyzeStatement('cook', 'etl_day_events', ['time_zone', 'day', 'user_key']),
    cook(
      'drop the affected user-days',
      `DELETE FROM cooked.user_days AS d
USING etl_affected AS a
WHERE d.time_zone = a.time_zone AND d.user_key = a.user_key AND d.day = a.day`,
    ),
    cook('recount the affected user-days', userDaysSql(plan, 'etl_day_events')),
    ...(plan.roles.dimensions.length === 0
      ? []
      : [
          cook(
            'drop the affected user-day dimension rows',
            `DELETE FROM cooked.user_day_dimensions AS d
USING etl_affected AS a
WHERE d.time_zone = a.time_zone AND d.user_key = a.user_key AND d.day = a.day`,
          ),
          cook(
            'recount the affected user-days per dimension value',
            userDayDimensionsSql(plan, 'etl_day_events'),
          ),
        ]),
    cook('merge the new events into cooked.users', usersSql(plan, 'etl_new'), ['timeZones']),
    ...identityChunkStatements(plan, dayTableWriters(plan)),
  ];
}

/** The day-table writers the person tables share with the per-id ones. */
function dayTableWriters(plan: EtlPlan): DayTableWriters {
  return {
    days: (source, table) => userDaysSql(plan, source, table),
    dimensions:
      plan.roles.dimensions.length === 0
        ? undefined
        : (source, table) => userDayDimensionsSql(plan, source, table),
  };
}

const revenueEventOf = (plan: EtlPlan) =>
  plan.roles.revenue ? textLiteral(plan.roles.revenue.event) : undefined;
const isPurchaseOf = (plan: EtlPlan) => (alias: string) => {
  const event = revenueEventOf(plan);
  return event ? `${alias}.event = ${event}` : 'false';
};

/**
 * user_days rows of every (time zone, local day, user) in `source` (one row per event and time
 * zone with its session key): first per session (hash aggregation), then per user-day, which
 * counts distinct sessions without a sort per group. Inserted in (time zone, day, user) order, so
 * the table stays physically ordered the way the metric queries read it.
 */
function userDaysSql(plan: EtlPlan, source: string, table = 'cooked.user_days'): string {
  const isPurchase = isPurchaseOf(plan);
  return `INSERT INTO ${table} (time_zone, day, user_key, events, sessions, revenue, purchases, first_event_at, last_event_at)
SELECT g.time_zone, g.day, g.user_key, sum(g.events)::integer, count(g.session_key)::integer,
  coalesce(sum(g.revenue), 0), sum(g.purchases)::integer, min(g.first_at), max(g.last_at)
FROM (
  SELECT e.user_key, e.day, e.time_zone, e.session_key, count(*) AS events, sum(e.revenue) AS revenue,
    count(*) FILTER (WHERE ${isPurchase('e')}) AS purchases, min(e.${TS}) AS first_at, max(e.${TS}) AS last_at
  FROM ${source} AS e
  GROUP BY e.user_key, e.day, e.time_zone, e.session_key
) AS g
GROUP BY g.user_key, g.day, g.time_zone
ORDER BY g.time_zone, g.day, g.user_key`;
}

/** user_day_dimensions rows of `source`, aggregated the same way per dimension value. */
function userDayDimensionsSql(plan: EtlPlan, source: string, table = 'cooked.user_day_dimensions'): string {
  const isPurchase = isPurchaseOf(plan);
  return `INSERT INTO ${table} (time_zone, day, user_key, dimension, value, events, sessions, revenue, purchases)
SELECT g.time_zone, g.day, g.user_key, g.dimension, g.value, sum(g.events)::integer, count(g.session_key)::integer,
  coalesce(sum(g.revenue), 0), sum(g.purchases)::integer
FROM (
  SELECT e.user_key, e.day, e.time_zone, v.dimension, coalesce(v.value, '(none)') AS value, e.session_key,
    count(*) AS events, sum(e.revenue) AS revenue, count(*) FILTER (WHERE ${isPurchase('e')}) AS purchases
  FROM ${source} AS e
  CROSS JOIN LATERAL (VALUES ${plan.roles.dimensions
    .map((d) => `(${literal(d.name)}, e.${quoteIdentifier(d.column)}::text ${C})`)
    .join(', ')}) AS v(dimension, value)
  GROUP BY e.user_key, e.day, e.time_zone, v.dimension, coalesce(v.value, '(none)'), e.session_key
) AS g
GROUP BY g.user_key, g.day, g.time_zone, g.dimension, g.value
ORDER BY g.time_zone, g.day, g.user_key, g.dimension, g.value`;
}

/** Merges the track rows of `source` into cooked.users in every reporting time zone ($1). */
function usersSql(plan: EtlPlan, source: string): string {
  const revenueEvent = revenueEventOf(plan);
  const installEvent = plan.roles.install !== undefined ? textLiteral(plan.roles.install) : undefined;
  return `INSERT INTO cooked.users AS u (time_zone, user_key, user_id, anonymous_id, first_seen_at, last_seen_at, first_day, last_day,
  install_day, install_at, first_purchase_day, first_purchase_at, revenue, events)
SELECT z.time_zone, n.user_key, n.user_id, n.anonymous_id, n.first_seen_at, n.last_seen_at,
  (n.first_seen_at AT TIME ZONE z.time_zone)::date, (n.last_seen_at AT TIME ZONE z.time_zone)::date,
  (n.install_at AT TIME ZONE z.time_zone)::date, n.install_at,
  (n.first_purchase_at AT TIME ZONE z.time_zone)::date, n.first_purchase_at, n.revenue, n.events
FROM (
  SELECT e.user_key ${C} AS user_key, min(e.user_id) AS user_id, min(e.anonymous_id) AS anonymous_id,
    min(e.${TS}) AS first_seen_at, max(e.${TS}) AS last_seen_at,
    ${installEvent ? `min(e.${TS}) FILTER (WHERE e.event = ${installEvent})` : 'NULL::timestamptz'} AS install_at,
    ${revenueEvent ? `min(e.${TS}) FILTER (WHERE e.event = ${revenueEvent})` : 'NULL::timestamptz'} AS first_purchase_at,
    coalesce(sum(e.revenue), 0) AS revenue, count(*) AS events
  FROM ${source} AS e
  GROUP BY e.user_key ${C}
) AS n
CROSS JOIN ${ZONES}
ON CONFLICT (time_zone, user_key) DO UPDATE SET
  user_id = least(u.user_id, excluded.user_id),
  anonymous_id = least(u.anonymous_id, excluded.anonymous_id),
  first_seen_at = least(u.first_seen_at, excluded.first_seen_at),
  last_seen_at = greatest(u.last_seen_at, excluded.last_seen_at),
  first_day = least(u.first_day, excluded.first_day),
  last_day = greatest(u.last_day, excluded.last_day),
  install_day = least(u.install_day, excluded.install_day),
  install_at = least(u.install_at, excluded.install_at),
  first_purchase_day = least(u.first_purchase_day, excluded.first_purchase_day),
  first_purchase_at = least(u.first_purchase_at, excluded.first_purchase_at),
  revenue = u.revenue + excluded.revenue,
  events = u.events + excluded.events`;
}

/** The cooked tables, emptied before a whole rebuild. */
export const COOKED_TABLES = [
  'user_days',
  'user_day_dimensions',
  'users',
  'sessions',
  'session_days',
] as const;

/**
 * Cooks everything from processed.tracks at once (the end of a `--full` run, or of any run after
 * cooking fell behind): what the per-chunk statements compute for the rows they touch, computed
 * for all rows in one pass each, so a rebuild costs one sessionisation and one aggregation per
 * cooked table instead of one per chunk. Gives the same rows as cooking chunk by chunk.
 */
export function cookAllStatements(plan: EtlPlan): EtlStatement[] {
  const gap = `interval '${plan.roles.inactivityMinutes} minutes'`;
  const cook = (name: string, sql: string, params: 'timeZones'[] = []) =>
    statement('cook', name, sql, params);
  const dimensionColumns = plan.roles.dimensions.map((d) => quoteIdentifier(d.column));
  const carried = [
    'user_id',
    'anonymous_id',
    'event',
    'revenue',
    ...plan.roles.dimensions.map((d) => d.column),
  ]
    .map(quoteIdentifier)
    .map((c) => `p.${c}`)
    .join(', ');
  return [
    cook('empty the cooked tables', `TRUNCATE ${COOKED_TABLES.map((t) => `cooked.${t}`).join(', ')}`),
    cook(
      `every track event with its session: tracker ids, else cut by ${plan.roles.inactivityMinutes} minutes of inactivity`,
      `CREATE TEMPORARY TABLE etl_all ON COMMIT DROP AS
SELECT e.user_key, e.${TS}, e.session_id, e.session_number,
  CASE WHEN e.session_id IS NULL THEN e.user_key || '#' || e.session_number ELSE e.session_id END AS session_key,
  ${['user_id', 'anonymous_id', 'event', 'revenue', ...plan.roles.dimensions.map((d) => d.column)]
    .map((c) => `e.${quoteIdentifier(c)}`)
    .join(', ')}
FROM (
  SELECT s.*, CASE WHEN s.session_id IS NULL THEN sum(s.starts) OVER (PARTITION BY s.user_key, s.session_id IS NULL ORDER BY s.${TS}, s.seq) END AS session_number
  FROM (
    SELECT p.user_key ${C} AS user_key, p.${TS}, p.seq, p.session_id ${C} AS session_id, ${carried},
      CASE WHEN p.${TS} - lag(p.${TS}) OVER w <= ${gap} THEN 0 ELSE 1 END AS starts
    FROM processed.tracks AS p
    WINDOW w AS (PARTITION BY p.user_key ${C}, p.session_id IS NULL ORDER BY p.${TS}, p.seq)
  ) AS s
) AS e`,
    ),
    cook(
      'every session',
      `INSERT INTO cooked.sessions (session_key, user_key, started_at, ended_at, events, session_number)
SELECT min(a.session_key), a.user_key, min(a.${TS}), max(a.${TS}), count(*)::integer, a.session_number::integer
FROM etl_all AS a
WHERE a.session_id IS NULL
GROUP BY a.user_key, a.session_number
UNION ALL
SELECT a.session_id, min(a.user_key), min(a.${TS}), max(a.${TS}), count(*)::integer, NULL
FROM etl_all AS a
WHERE a.session_id IS NOT NULL
GROUP BY a.session_id`,
    ),
    cook(
      'every (time zone, user, local day) event row',
      `CREATE TEMPORARY TABLE etl_day_events ON COMMIT DROP AS
SELECT z.time_zone ${C} AS time_zone, (a.${TS} AT TIME ZONE z.time_zone)::date AS day, a.user_key, a.${TS}, a.event,
  a.revenue, a.session_key${dimensionColumns.map((c) => `, a.${c}`).join('')}
FROM etl_all AS a CROSS JOIN ${ZONES}`,
      ['timeZones'],
    ),
    cook(
      'session days, per reporting time zone',
      `INSERT INTO cooked.session_days (time_zone, day, session_key, user_key)
SELECT d.time_zone, d.day, d.session_key, s.user_key
FROM (SELECT DISTINCT e.time_zone, e.day, e.session_key FROM etl_day_events AS e) AS d
JOIN (SELECT c.session_key ${C} AS session_key, c.user_key FROM cooked.sessions AS c) AS s ON s.session_key = d.session_key`,
    ),
    cook('user-days', userDaysSql(plan, 'etl_day_events')),
    ...(plan.roles.dimensions.length === 0
      ? []
      : [cook('user-days per dimension value', userDayDimensionsSql(plan, 'etl_day_events'))]),
    cook('users', usersSql(plan, 'etl_all'), ['timeZones']),
    ...identityAllStatements(plan, dayTableWriters(plan)),
    cook(
      'fresh planner statistics for the rebuilt tables and the event tables (metric and funnel queries plan on them at once; an embedded database has no autovacuum)',
      `ANALYZE ${[
        'processed.tracks',
        ...[...new Set(plan.lines.map((l) => l.table))].map((t) => `processed.${quoteIdentifier(t)}`),
        ...[...COOKED_TABLES, ...(plan.identityMode === 'stitch' ? IDENTITY_TABLES : [])].map(
          (t) => `cooked.${t}`,
        ),
      ].join(', ')}`,
    ),
  ];
}
