import { quoteIdentifier } from '../identifiers.js';
import type { EtlPlan } from './etl-plan.js';
import { analyzeStatement, type EtlStatement, STAGE_TABLE, statement } from './etl-statement.js';
import { literal, textLiteral } from './sql-text.js';

const TS = quoteIdentifier('timestamp');
const LOADED = `s.status = 'ok' AND s.type = 'track'`;
const ZONES = 'unnest($1::text[]) AS z(time_zone)';

/**
 * Stage 4: re-cooks what the chunk's rows touch, in every reporting time zone ($1):
 * tracker sessions by id; inactivity sessions of each affected user from the first session the new
 * events can change (earlier sessions keep their numbers); the affected (user, local day) rows of
 * user_days and user_day_dimensions; session_days of the rebuilt sessions; users merged in place.
 */
export function cookStatements(plan: EtlPlan): EtlStatement[] {
  const gap = `interval '${plan.roles.inactivityMinutes} minutes'`;
  const revenueEvent = plan.roles.revenue ? textLiteral(plan.roles.revenue.event) : undefined;
  const isPurchase = (alias: string) => (revenueEvent ? `${alias}.event = ${revenueEvent}` : 'false');
  const installEvent = plan.roles.install !== undefined ? textLiteral(plan.roles.install) : undefined;
  const cook = (name: string, sql: string, params: 'timeZones'[] = []) =>
    statement('cook', name, sql, params);
  const dimensionColumns = plan.roles.dimensions.map((d) => quoteIdentifier(d.column));
  return [
    cook(
      'the new track rows, as loaded',
      `CREATE TEMPORARY TABLE etl_new ON COMMIT DROP AS
SELECT p.*
FROM processed.tracks AS p
JOIN ${STAGE_TABLE} AS s ON s.message_id = p.message_id
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
    cook(
      'drop sessions that are rebuilt',
      `DELETE FROM cooked.sessions AS c
WHERE c.session_key IN (SELECT t.session_key FROM etl_tracker_sessions AS t)
  OR (c.session_number IS NOT NULL AND EXISTS (
    SELECT 1 FROM etl_resession AS r WHERE r.user_key = c.user_key AND c.session_number > r.kept
  ))`,
    ),
    cook(
      `cut sessions by ${plan.roles.inactivityMinutes} minutes of inactivity after the kept ones`,
      `CREATE TEMPORARY TABLE etl_session_events ON COMMIT DROP AS
SELECT e.user_key, e.${TS}, e.kept + sum(e.starts) OVER (PARTITION BY e.user_key ORDER BY e.${TS}, e.seq) AS session_number
FROM (
  SELECT p.user_key, p.${TS}, p.seq, r.kept,
    CASE WHEN p.${TS} - lag(p.${TS}) OVER w <= ${gap} THEN 0 ELSE 1 END AS starts
  FROM etl_resession AS r
  JOIN processed.tracks AS p ON p.user_key = r.user_key AND p.session_id IS NULL
    AND (r.kept_until IS NULL OR p.${TS} > r.kept_until)
  WINDOW w AS (PARTITION BY p.user_key ORDER BY p.${TS}, p.seq)
) AS e`,
    ),
    cook(
      'insert the rebuilt inactivity sessions and the touched tracker sessions',
      `INSERT INTO cooked.sessions (session_key, user_key, started_at, ended_at, events, session_number)
SELECT e.user_key || '#' || e.session_number, e.user_key, min(e.${TS}), max(e.${TS}), count(*)::integer, e.session_number::integer
FROM etl_session_events AS e
GROUP BY e.user_key, e.session_number
UNION ALL
SELECT p.session_id, min(p.user_key), min(p.${TS}), max(p.${TS}), count(*)::integer, NULL
FROM processed.tracks AS p
WHERE p.session_id IN (SELECT t.session_key FROM etl_tracker_sessions AS t)
GROUP BY p.session_id`,
    ),
    cook(
      'session days of the rebuilt sessions, per reporting time zone',
      `INSERT INTO cooked.session_days (time_zone, day, session_key, user_key)
SELECT DISTINCT z.time_zone, (e.${TS} AT TIME ZONE z.time_zone)::date, e.user_key || '#' || e.session_number, e.user_key
FROM etl_session_events AS e CROSS JOIN ${ZONES}
UNION
SELECT DISTINCT z.time_zone, (p.${TS} AT TIME ZONE z.time_zone)::date, p.session_id, c.user_key
FROM processed.tracks AS p
JOIN cooked.sessions AS c ON c.session_key = p.session_id
CROSS JOIN ${ZONES}
WHERE p.session_id IN (SELECT t.session_key FROM etl_tracker_sessions AS t)`,
      ['timeZones'],
    ),
    cook(
      'the (time zone, user, local day) pairs the chunk touches',
      `CREATE TEMPORARY TABLE etl_affected ON COMMIT DROP AS
SELECT DISTINCT z.time_zone, n.user_key, (n.${TS} AT TIME ZONE z.time_zone)::date AS day
FROM etl_new AS n CROSS JOIN ${ZONES}`,
      ['timeZones'],
    ),
    analyzeStatement('cook', 'etl_affected', ['time_zone', 'user_key', 'day']),
    cook(
      'every event of the affected user-days, with its session key',
      `CREATE TEMPORARY TABLE etl_day_events ON COMMIT DROP AS
SELECT a.time_zone, a.day, p.user_key, p.${TS}, p.event, p.revenue,
  coalesce(p.session_id, (
    SELECT c.session_key FROM cooked.sessions AS c
    WHERE c.user_key = p.user_key AND c.session_number IS NOT NULL AND c.started_at <= p.${TS}
    ORDER BY c.started_at DESC
    LIMIT 1
  )) AS session_key${dimensionColumns.map((c) => `,\n  p.${c}`).join('')}
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
    cook(
      'recount the affected user-days',
      `INSERT INTO cooked.user_days (time_zone, day, user_key, events, sessions, revenue, purchases, first_event_at, last_event_at)
SELECT e.time_zone, e.day, e.user_key, count(*)::integer, count(DISTINCT e.session_key)::integer,
  coalesce(sum(e.revenue), 0), (count(*) FILTER (WHERE ${isPurchase('e')}))::integer, min(e.${TS}), max(e.${TS})
FROM etl_day_events AS e
GROUP BY e.time_zone, e.day, e.user_key`,
    ),
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
            `INSERT INTO cooked.user_day_dimensions (time_zone, day, user_key, dimension, value, events, sessions, revenue, purchases)
SELECT e.time_zone, e.day, e.user_key, v.dimension, coalesce(v.value, '(none)'), count(*)::integer,
  count(DISTINCT e.session_key)::integer, coalesce(sum(e.revenue), 0), (count(*) FILTER (WHERE ${isPurchase('e')}))::integer
FROM etl_day_events AS e
CROSS JOIN LATERAL (VALUES ${plan.roles.dimensions
              .map((d) => `(${literal(d.name)}, e.${quoteIdentifier(d.column)}::text)`)
              .join(', ')}) AS v(dimension, value)
GROUP BY e.time_zone, e.day, e.user_key, v.dimension, coalesce(v.value, '(none)')`,
          ),
        ]),
    cook(
      'merge the new events into cooked.users',
      `INSERT INTO cooked.users AS u (time_zone, user_key, user_id, anonymous_id, first_seen_at, last_seen_at, first_day, last_day,
  install_day, install_at, first_purchase_day, first_purchase_at, revenue, events)
SELECT z.time_zone, n.user_key, n.user_id, n.anonymous_id, n.first_seen_at, n.last_seen_at,
  (n.first_seen_at AT TIME ZONE z.time_zone)::date, (n.last_seen_at AT TIME ZONE z.time_zone)::date,
  (n.install_at AT TIME ZONE z.time_zone)::date, n.install_at,
  (n.first_purchase_at AT TIME ZONE z.time_zone)::date, n.first_purchase_at, n.revenue, n.events
FROM (
  SELECT e.user_key, min(e.user_id) AS user_id, min(e.anonymous_id) AS anonymous_id,
    min(e.${TS}) AS first_seen_at, max(e.${TS}) AS last_seen_at,
    ${installEvent ? `min(e.${TS}) FILTER (WHERE e.event = ${installEvent})` : 'NULL::timestamptz'} AS install_at,
    ${revenueEvent ? `min(e.${TS}) FILTER (WHERE e.event = ${revenueEvent})` : 'NULL::timestamptz'} AS first_purchase_at,
    coalesce(sum(e.revenue), 0) AS revenue, count(*) AS events
  FROM etl_new AS e
  GROUP BY e.user_key
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
  events = u.events + excluded.events`,
      ['timeZones'],
    ),
  ];
}
