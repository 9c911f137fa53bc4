import { sessionKeySql } from './session-key.js';
import { quoteIdentifier } from '../identifiers.js';
import type { EtlPlan } from './etl-plan.js';
import { analyzeStatement, type EtlStatement, STAGE_TABLE, statement } from './etl-statement.js';
import { NON_TRACK_TABLES } from './etl-tables.js';

const TS = quoteIdentifier('timestamp');
const C = 'COLLATE "C"';
const ZONES = 'unnest($1::text[]) AS z(time_zone)';

/** The identity graph's tables and the person-level cooked tables, emptied before a whole rebuild. */
export const IDENTITY_TABLES = [
  'identity_links',
  'identity_conflicts',
  'identities',
  'person_days',
  'person_day_dimensions',
  'persons',
  'person_session_days',
] as const;

const cook = (name: string, sql: string, params: 'timeZones'[] = []) => statement('cook', name, sql, params);

/**
 * The rules (documented in the metrics README, "Identity"):
 * - A link is (from id → to id) from a valid, deduplicated message: `anonymousId → userId` of any
 *   message carrying both, and `previousId → userId` of an `alias`. A link of an id to itself is no link.
 * - Each id keeps its **first outgoing link** in ingestion order (raw `seq`): the first user id an
 *   anonymous id is seen with wins. Later links of that id to other targets are kept in
 *   `cooked.identity_conflicts` and counted, never merged.
 * - The person of an id is the end of its chain of links (any length): the user id an anonymous id
 *   signed in as, the id an alias renamed a user to. Ids whose links lead into a loop (a → b → a)
 *   belong to the loop's smallest id (bytewise).
 * Every decision depends only on the set of first links, so chunk by chunk and all at once agree.
 */
function linkStatements(candidatesSql: string): EtlStatement[] {
  return [
    cook(
      'identity link candidates: anonymousId → userId, alias previousId → userId (first occurrence of each)',
      `CREATE TEMPORARY TABLE etl_link_candidates ON COMMIT DROP AS
SELECT DISTINCT ON (c.from_id ${C}, c.to_id ${C}) c.from_id, c.to_id, c.seq, c.linked_at
FROM (
${candidatesSql}
) AS c
WHERE c.from_id <> c.to_id
ORDER BY c.from_id ${C}, c.to_id ${C}, c.seq`,
    ),
    cook(
      "each id's first outgoing link, when it has none yet",
      `CREATE TEMPORARY TABLE etl_new_links ON COMMIT DROP AS
SELECT DISTINCT ON (c.from_id ${C}) c.from_id, c.to_id, c.seq, c.linked_at
FROM etl_link_candidates AS c
WHERE NOT EXISTS (SELECT 1 FROM cooked.identity_links AS l WHERE l.from_id = c.from_id)
ORDER BY c.from_id ${C}, c.seq, c.to_id ${C}`,
    ),
    cook(
      'keep the new links',
      `INSERT INTO cooked.identity_links (from_id, to_id, seq, linked_at)
SELECT n.from_id, n.to_id, n.seq, n.linked_at FROM etl_new_links AS n`,
    ),
    cook(
      'links of an already linked id to another target: conflicts, counted and never merged',
      `INSERT INTO cooked.identity_conflicts (from_id, to_id, seq, linked_at)
SELECT c.from_id, c.to_id, c.seq, c.linked_at
FROM etl_link_candidates AS c
JOIN cooked.identity_links AS l ON l.from_id = c.from_id AND l.to_id <> c.to_id
ON CONFLICT (from_id, to_id) DO NOTHING`,
    ),
    cook(
      'ids whose person can change: the ids of the persons the new links start from, and both ends',
      `CREATE TEMPORARY TABLE etl_identity_scope ON COMMIT DROP AS
SELECT i.id FROM cooked.identities AS i JOIN etl_new_links AS n ON i.person_key = n.from_id
UNION
SELECT n.from_id FROM etl_new_links AS n
UNION
SELECT n.to_id FROM etl_new_links AS n`,
    ),
    // A target out of scope keeps its chain, so its person and its loop flag hold for the ids
    // whose links lead to it (a link into a loop closed in an earlier chunk is looped too).
    cook(
      'their links, marked when the target is in scope too',
      `CREATE TEMPORARY TABLE etl_identity_edges ON COMMIT DROP AS
SELECT s.id, l.to_id, (l.to_id IS NOT NULL AND EXISTS (SELECT 1 FROM etl_identity_scope AS t WHERE t.id = l.to_id)) AS inside,
  CASE WHEN l.to_id IS NULL THEN s.id ELSE coalesce(i.person_key, l.to_id) END AS outside_person,
  l.to_id IS NOT NULL AND coalesce(i.looped, false) AS outside_looped
FROM etl_identity_scope AS s
LEFT JOIN cooked.identity_links AS l ON l.from_id = s.id
LEFT JOIN cooked.identities AS i ON i.id = l.to_id`,
    ),
    cook('index the links by target', 'CREATE INDEX ON etl_identity_edges (to_id) WHERE inside'),
    cook('index the links by id', 'CREATE INDEX ON etl_identity_edges (id)'),
    analyzeStatement('cook', 'etl_identity_edges', ['id', 'to_id', 'inside']),
    cook(
      'persons, walking down from each chain end: one step per link, whatever the chain length',
      `CREATE TEMPORARY TABLE etl_resolved ON COMMIT DROP AS
WITH RECURSIVE down (id, person_key, looped) AS (
  SELECT e.id, e.outside_person, e.outside_looped FROM etl_identity_edges AS e WHERE NOT e.inside
  UNION ALL
  SELECT e.id, d.person_key, d.looped FROM down AS d JOIN etl_identity_edges AS e ON e.inside AND e.to_id = d.id
)
SELECT d.id, d.person_key, d.looped FROM down AS d`,
    ),
    cook(
      "ids no chain end reaches lead into a loop: the loop's smallest id is their person",
      `INSERT INTO etl_resolved (id, person_key, looped)
WITH RECURSIVE walk (start_id, node) AS (
  SELECT e.id, e.id FROM etl_identity_edges AS e
  WHERE NOT EXISTS (SELECT 1 FROM etl_resolved AS r WHERE r.id = e.id)
  UNION
  SELECT w.start_id, e.to_id FROM walk AS w JOIN etl_identity_edges AS e ON e.id = w.node
), on_loop AS (
  SELECT e.id FROM etl_identity_edges AS e JOIN walk AS w ON w.start_id = e.to_id AND w.node = e.id
)
SELECT w.start_id, min(w.node ${C}), true
FROM walk AS w
WHERE w.node IN (SELECT o.id FROM on_loop AS o)
GROUP BY w.start_id`,
    ),
    cook(
      'ids whose person changed (an id not yet mapped was its own person)',
      `CREATE TEMPORARY TABLE etl_identity_changes ON COMMIT DROP AS
SELECT r.id, coalesce(i.person_key, r.id) AS old_person, r.person_key AS new_person
FROM etl_resolved AS r
LEFT JOIN cooked.identities AS i ON i.id = r.id
WHERE coalesce(i.person_key, r.id) <> r.person_key`,
    ),
    cook(
      'map every linked id to its person',
      `INSERT INTO cooked.identities AS i (id, person_key, looped)
SELECT r.id, r.person_key, r.looped FROM etl_resolved AS r
ON CONFLICT (id) DO UPDATE SET person_key = excluded.person_key, looped = excluded.looped
WHERE i.person_key <> excluded.person_key OR i.looped <> excluded.looped`,
    ),
    cook(
      'persons whose ids changed (those that lost ids and those that gained them)',
      `CREATE TEMPORARY TABLE etl_changed_persons ON COMMIT DROP AS
SELECT c.old_person AS person_key FROM etl_identity_changes AS c
UNION
SELECT c.new_person FROM etl_identity_changes AS c`,
    ),
  ];
}

/** Link candidates of the chunk: its loaded messages (every type) and its aliases. */
function chunkCandidatesSql(): string {
  return `  SELECT s.anonymous_id AS from_id, s.user_id AS to_id, s.seq, s.ts AS linked_at
  FROM ${STAGE_TABLE} AS s
  WHERE s.status = 'ok' AND s.anonymous_id IS NOT NULL AND s.user_id IS NOT NULL
  UNION ALL
  SELECT p.previous_id, coalesce(p.user_id, p.anonymous_id), p.seq, p.${TS}
  FROM processed.${NON_TRACK_TABLES.alias} AS p
  JOIN ${STAGE_TABLE} AS s ON s.seq = p.seq
  WHERE s.status = 'ok' AND s.type = 'alias' AND p.previous_id IS NOT NULL`;
}

/** Link candidates of everything processed. */
function allCandidatesSql(): string {
  const tables = ['tracks', ...Object.values(NON_TRACK_TABLES)];
  return [
    ...tables.map(
      (t) => `  SELECT p.anonymous_id AS from_id, p.user_id AS to_id, p.seq, p.${TS} AS linked_at
  FROM processed.${t} AS p
  WHERE p.anonymous_id IS NOT NULL AND p.user_id IS NOT NULL`,
    ),
    `  SELECT p.previous_id, coalesce(p.user_id, p.anonymous_id), p.seq, p.${TS}
  FROM processed.${NON_TRACK_TABLES.alias} AS p
  WHERE p.previous_id IS NOT NULL`,
  ].join('\n  UNION ALL\n');
}

/** The member ids of each person in `persons` (a person key not mapped is its own only member). */
function membersSql(persons: string): string {
  return `CREATE TEMPORARY TABLE etl_person_members ON COMMIT DROP AS
SELECT i.person_key, i.id AS user_key
FROM cooked.identities AS i
WHERE i.person_key IN (SELECT p.person_key FROM ${persons} AS p)
UNION ALL
SELECT p.person_key, p.person_key
FROM ${persons} AS p
WHERE NOT EXISTS (SELECT 1 FROM cooked.identities AS i WHERE i.id = p.person_key)`;
}

/** cooked.persons rows of the persons in etl_person_members, from their ids' cooked.users rows ($1 zones). */
function personsSql(): string {
  return `INSERT INTO cooked.persons (time_zone, user_key, user_id, anonymous_id, first_seen_at, last_seen_at, first_day, last_day,
  install_day, install_at, first_purchase_day, first_purchase_at, revenue, events)
SELECT u.time_zone, m.person_key, min(u.user_id), min(u.anonymous_id), min(u.first_seen_at), max(u.last_seen_at),
  min(u.first_day), max(u.last_day), min(u.install_day), min(u.install_at), min(u.first_purchase_day),
  min(u.first_purchase_at), sum(u.revenue), sum(u.events)
FROM etl_person_members AS m
CROSS JOIN ${ZONES}
JOIN cooked.users AS u ON u.time_zone = z.time_zone AND u.user_key = m.user_key
GROUP BY u.time_zone, m.person_key`;
}

/** The SQL that fills a day table (and its dimension table) from an event source; from stage-cook. */
export interface DayTableWriters {
  readonly days: (source: string, table: string) => string;
  readonly dimensions: ((source: string, table: string) => string) | undefined;
}

function personDayStatements(writers: DayTableWriters): EtlStatement[] {
  return [
    cook('person-days', writers.days('etl_person_day_events', 'cooked.person_days')),
    ...(writers.dimensions
      ? [
          cook(
            'person-days per dimension value',
            writers.dimensions('etl_person_day_events', 'cooked.person_day_dimensions'),
          ),
        ]
      : []),
    cook(
      'person session days',
      `INSERT INTO cooked.person_session_days (time_zone, day, user_key, session_key)
SELECT DISTINCT e.time_zone, e.day, e.user_key, e.session_key
FROM etl_person_day_events AS e
WHERE e.session_key IS NOT NULL`,
    ),
  ];
}

/**
 * Identity resolution for one chunk, after its per-id cook (reads etl_new, etl_affected and the
 * staged rows): new links, the persons they change, then the person tables re-cooked for exactly
 * the persons touched — by new events (their affected days) or by a changed set of ids (all
 * their days, and the rows of persons that were merged away are removed).
 */
export function identityChunkStatements(plan: EtlPlan, writers: DayTableWriters): EtlStatement[] {
  if (plan.identityMode !== 'stitch') return [];
  const dimensionColumns = plan.roles.dimensions.map((d) => quoteIdentifier(d.column));
  const personTables = [
    'person_days',
    'person_session_days',
    ...(writers.dimensions ? ['person_day_dimensions'] : []),
  ];
  return [
    ...linkStatements(chunkCandidatesSql()),
    cook(
      'persons to re-cook: of the new events, and whose ids changed',
      `CREATE TEMPORARY TABLE etl_persons ON COMMIT DROP AS
SELECT coalesce(i.person_key, n.user_key) AS person_key
FROM (SELECT DISTINCT e.user_key FROM etl_new AS e) AS n
LEFT JOIN cooked.identities AS i ON i.id = n.user_key
UNION
SELECT c.person_key FROM etl_changed_persons AS c`,
    ),
    cook('their ids', membersSql('etl_persons')),
    analyzeStatement('cook', 'etl_person_members', ['person_key', 'user_key']),
    cook(
      'the (time zone, person, local day) rows to re-cook: the days of the new events and of the inactivity sessions renumbered for them, every day of a changed person',
      `CREATE TEMPORARY TABLE etl_person_affected ON COMMIT DROP AS
SELECT a.time_zone, coalesce(i.person_key, a.user_key) AS user_key, a.day
FROM etl_affected AS a
LEFT JOIN cooked.identities AS i ON i.id = a.user_key
UNION
SELECT d.time_zone, coalesce(i.person_key, d.user_key), d.day
FROM (SELECT DISTINCT e.user_key || '#' || e.session_number AS session_key FROM etl_session_events AS e) AS r
CROSS JOIN ${ZONES}
JOIN cooked.session_days AS d ON d.time_zone = z.time_zone AND d.session_key = r.session_key
LEFT JOIN cooked.identities AS i ON i.id = d.user_key
UNION
SELECT d.time_zone, m.person_key, d.day
FROM etl_person_members AS m
JOIN etl_changed_persons AS c ON c.person_key = m.person_key
CROSS JOIN ${ZONES}
JOIN cooked.user_days AS d ON d.time_zone = z.time_zone AND d.user_key = m.user_key`,
      ['timeZones'],
    ),
    analyzeStatement('cook', 'etl_person_affected', ['time_zone', 'user_key', 'day']),
    // Each (person, day) reads its ids' events of that day through processed.tracks (user_key,
    // timestamp), fenced by OFFSET 0: a join would hash every track row, so a chunk's cost would
    // grow with the whole history.
    cook(
      'every event of those person-days, with its session key',
      `CREATE TEMPORARY TABLE etl_person_day_events ON COMMIT DROP AS
SELECT a.time_zone ${C} AS time_zone, a.day, a.user_key ${C} AS user_key, p.${TS}, p.event, p.revenue,
  ${sessionKeySql()} AS session_key${dimensionColumns.map((c) => `,\n  p.${c}`).join('')}
FROM etl_person_affected AS a
JOIN etl_person_members AS m ON m.person_key = a.user_key
CROSS JOIN LATERAL (
  SELECT p.* FROM processed.tracks AS p
  WHERE p.user_key = m.user_key
    AND p.${TS} >= a.day::timestamp AT TIME ZONE a.time_zone
    AND p.${TS} < (a.day + 1)::timestamp AT TIME ZONE a.time_zone
  OFFSET 0
) AS p`,
    ),
    ...personTables.map((t) =>
      cook(
        `drop the re-cooked rows of cooked.${t}`,
        `DELETE FROM cooked.${t} AS d
WHERE d.user_key IN (SELECT c.person_key FROM etl_changed_persons AS c)
  OR EXISTS (
    SELECT 1 FROM etl_person_affected AS a
    WHERE a.time_zone = d.time_zone AND a.user_key = d.user_key AND a.day = d.day
  )`,
      ),
    ),
    ...personDayStatements(writers),
    cook(
      'drop the re-cooked persons',
      'DELETE FROM cooked.persons AS p WHERE p.user_key IN (SELECT e.person_key FROM etl_persons AS e)',
    ),
    cook('the re-cooked persons, from their ids', personsSql(), ['timeZones']),
  ];
}

/**
 * Identity resolution over everything processed, after the whole per-id cook (reads
 * etl_day_events): the graph from all links, then every person table.
 */
export function identityAllStatements(plan: EtlPlan, writers: DayTableWriters): EtlStatement[] {
  if (plan.identityMode !== 'stitch') return [];
  const dimensionColumns = plan.roles.dimensions.map((d) => quoteIdentifier(d.column));
  return [
    cook(
      'empty the identity and person tables',
      `TRUNCATE ${IDENTITY_TABLES.map((t) => `cooked.${t}`).join(', ')}`,
    ),
    ...linkStatements(allCandidatesSql()),
    cook(
      'every event row with its person',
      `CREATE TEMPORARY TABLE etl_person_day_events ON COMMIT DROP AS
SELECT e.time_zone, e.day, coalesce(i.person_key, e.user_key) ${C} AS user_key, e.${TS}, e.event, e.revenue, e.session_key${dimensionColumns.map((c) => `, e.${c}`).join('')}
FROM etl_day_events AS e
LEFT JOIN cooked.identities AS i ON i.id = e.user_key`,
    ),
    ...personDayStatements(writers),
    cook(
      'every person',
      `CREATE TEMPORARY TABLE etl_persons ON COMMIT DROP AS
SELECT DISTINCT coalesce(i.person_key, u.user_key) AS person_key
FROM (SELECT DISTINCT u.user_key FROM cooked.users AS u) AS u
LEFT JOIN cooked.identities AS i ON i.id = u.user_key`,
    ),
    cook('their ids', membersSql('etl_persons')),
    cook('persons, from their ids', personsSql(), ['timeZones']),
  ];
}

/** Totals of the identity graph, as `tributary etl` reports them after a run. */
export interface IdentitySummary {
  /** Ids linked to another id (each id's first outgoing link). */
  readonly links: number;
  /** Later links of a linked id to another target: counted, not merged. */
  readonly conflicts: number;
  /** Ids whose links lead into a loop (their person is the loop's smallest id). */
  readonly loopedIds: number;
  /** Aliases of an id to itself (no link). */
  readonly selfAliases: number;
  /** Identify messages with an anonymous id only (no link). */
  readonly identifiesWithoutUserId: number;
}

/** The query of `IdentitySummary` (plan mode `stitch` only: it reads the identity tables). */
export function identitySummarySql(): string {
  return `SELECT (SELECT count(*) FROM cooked.identity_links)::integer AS links,
  (SELECT count(*) FROM cooked.identity_conflicts)::integer AS conflicts,
  (SELECT count(*) FROM cooked.identities WHERE looped)::integer AS "loopedIds",
  (SELECT count(*) FROM processed.${NON_TRACK_TABLES.alias} WHERE previous_id = coalesce(user_id, anonymous_id))::integer AS "selfAliases",
  (SELECT count(*) FROM processed.${NON_TRACK_TABLES.identify} WHERE user_id IS NULL)::integer AS "identifiesWithoutUserId"`;
}
