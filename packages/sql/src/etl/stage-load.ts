import { quoteIdentifier } from '../identifiers.js';
import { STAGE_ALIAS as S } from './etl-columns.js';
import type { EtlEventVersion, EtlPlan } from './etl-plan.js';
import { type EtlStatement, STAGE_TABLE, statement } from './etl-statement.js';
import { NON_TRACK_TABLES } from './etl-tables.js';
import { identList, tableRef, textLiteral } from './sql-text.js';

interface Assignment {
  readonly column: string;
  readonly expr: string;
}

function messageEnvelope(): Assignment[] {
  return [
    { column: 'message_id', expr: `${S}.message_id` },
    { column: 'seq', expr: `${S}.seq` },
    { column: 'user_id', expr: `${S}.user_id` },
    { column: 'anonymous_id', expr: `${S}.anonymous_id` },
    { column: 'timestamp', expr: `${S}.ts` },
    { column: 'original_timestamp', expr: `${S}.original_ts` },
    { column: 'sent_at', expr: `${S}.sent_ts` },
    { column: 'received_at', expr: `${S}.received_at` },
  ];
}

/**
 * `WITH loaded AS (INSERT … RETURNING 1) SELECT count(*)`: the runner reconciles what was really
 * inserted. No `ON CONFLICT`: classify has already set aside every row whose message id is loaded,
 * so a conflict means a row was loaded outside the ETL, and the unique violation fails the chunk
 * (the runner reports it as a reconciliation error). Speculative insertion would cost about half as
 * much again as the insert itself.
 */
function countedInsert(table: string, assignments: readonly Assignment[], where: string): string {
  return `WITH loaded AS (
  INSERT INTO ${table} (${identList(assignments.map((a) => a.column))})
  SELECT
    ${assignments.map((a) => `${a.expr} AS ${quoteIdentifier(a.column)}`).join(',\n    ')}
  FROM ${STAGE_TABLE} AS ${S}
  WHERE ${where}
  RETURNING 1
)
SELECT count(*)::integer AS loaded FROM loaded`;
}

const sessionIndex = `CASE WHEN jsonb_typeof(${S}.payload #> '{context,sessionIndex}') = 'number' AND (${S}.payload #> '{context,sessionIndex}')::numeric BETWEEN 0 AND 2147483647 AND (${S}.payload #> '{context,sessionIndex}')::numeric % 1 = 0 THEN (${S}.payload #>> '{context,sessionIndex}')::integer END`;

/** Stage 3 for one event version: transformed columns into its line's processed table. */
export function loadEventStatement(version: EtlEventVersion): EtlStatement {
  const assignments: Assignment[] = [
    ...messageEnvelope(),
    { column: 'event_version', expr: `${S}.version` },
    { column: 'session_id', expr: `${S}.session_id` },
    { column: 'session_index', expr: sessionIndex },
    ...version.context.map((c) => ({ column: c.name, expr: c.expr })),
    ...version.properties.map((c) => ({ column: c.name, expr: c.expr })),
  ];
  return statement(
    'load',
    `load ${version.event} v${version.version} into processed.${version.table}`,
    countedInsert(
      tableRef('processed', version.table),
      assignments,
      `${S}.status = 'ok' AND ${S}.type = 'track' AND ${S}.event = ${textLiteral(version.event)} AND ${S}.version = ${version.version}`,
    ),
    [],
    { kind: 'loaded', target: 'event' },
  );
}

/** Stage 3: every valid track row into `processed.tracks` (the cooking source). */
export function loadTracksStatement(plan: EtlPlan): EtlStatement {
  const revenue = plan.roles.revenue;
  const isRevenue = revenue ? `${S}.event = ${textLiteral(revenue.event)}` : 'false';
  const assignments: Assignment[] = [
    { column: 'message_id', expr: `${S}.message_id` },
    { column: 'seq', expr: `${S}.seq` },
    { column: 'event', expr: `${S}.event` },
    { column: 'event_version', expr: `${S}.version` },
    { column: 'user_key', expr: `${S}.user_key` },
    { column: 'user_id', expr: `${S}.user_id` },
    { column: 'anonymous_id', expr: `${S}.anonymous_id` },
    { column: 'timestamp', expr: `${S}.ts` },
    { column: 'session_id', expr: `${S}.session_id` },
    { column: 'fingerprint', expr: `${S}.fingerprint` },
    {
      column: 'revenue',
      expr: revenue ? `CASE WHEN ${isRevenue} THEN ${revenue.amount} END` : 'NULL::numeric',
    },
    {
      column: 'currency',
      expr: revenue ? `CASE WHEN ${isRevenue} THEN ${revenue.currency} END` : 'NULL::text',
    },
    ...plan.trackContext.map((c) => ({ column: c.name, expr: c.expr })),
    { column: 'user_agent', expr: `(${S}.payload #>> '{context,userAgent}')` },
  ];
  return statement(
    'load',
    'load every valid track event into processed.tracks',
    countedInsert(tableRef('processed', 'tracks'), assignments, `${S}.status = 'ok' AND ${S}.type = 'track'`),
    [],
    { kind: 'loaded', target: 'tracks' },
  );
}

const jsonObject = (key: string) =>
  `CASE WHEN jsonb_typeof(${S}.payload -> ${textLiteral(key)}) = 'object' THEN ${S}.payload -> ${textLiteral(key)} END`;
const idText = (key: string) => `(${S}.payload ->> ${textLiteral(key)})`;

const NON_TRACK_COLUMNS: Record<keyof typeof NON_TRACK_TABLES, Assignment[]> = {
  identify: [{ column: 'traits', expr: jsonObject('traits') }],
  page: [
    { column: 'name', expr: idText('name') },
    { column: 'properties', expr: jsonObject('properties') },
  ],
  screen: [
    { column: 'name', expr: idText('name') },
    { column: 'properties', expr: jsonObject('properties') },
  ],
  group: [
    { column: 'group_id', expr: idText('groupId') },
    { column: 'traits', expr: jsonObject('traits') },
  ],
  alias: [{ column: 'previous_id', expr: idText('previousId') }],
};

/** Stage 3: identify, page, screen, group and alias messages into their processed tables. */
export function loadMessageStatements(): EtlStatement[] {
  return (Object.keys(NON_TRACK_TABLES) as (keyof typeof NON_TRACK_TABLES)[]).map((type) =>
    statement(
      'load',
      `load ${type} messages into processed.${NON_TRACK_TABLES[type]}`,
      countedInsert(
        tableRef('processed', NON_TRACK_TABLES[type]),
        [...messageEnvelope(), ...NON_TRACK_COLUMNS[type]],
        `${S}.status = 'ok' AND ${S}.type = ${textLiteral(type)}`,
      ),
      [],
      { kind: 'loaded', target: 'message' },
    ),
  );
}

/** Stage 3: rejected rows into raw.rejected with stage 'etl', their reasons and the raw payload text. */
export function rejectStatement(): EtlStatement {
  return statement(
    'load',
    "rejected rows into raw.rejected (stage 'etl')",
    `INSERT INTO raw.rejected (received_at, stage, source, message_id, reasons, payload)
SELECT ${S}.received_at, 'etl', ${S}.source, ${S}.message_id, ${S}.reasons, ${S}.payload::text
FROM ${STAGE_TABLE} AS ${S}
WHERE ${S}.status = 'rejected'
ORDER BY ${S}.seq`,
  );
}

/** The chunk's reconciliation counts: extracted, ok, rejected, duplicates and rejections per rule. */
export function countsStatement(): EtlStatement {
  return statement(
    'load',
    'count the chunk for reconciliation',
    `SELECT
  count(*)::integer AS extracted,
  (count(*) FILTER (WHERE ${S}.status = 'ok'))::integer AS ok,
  (count(*) FILTER (WHERE ${S}.status = 'rejected'))::integer AS rejected,
  (count(*) FILTER (WHERE ${S}.status = 'duplicate'))::integer AS duplicates,
  (count(*) FILTER (WHERE ${S}.status NOT IN ('ok', 'rejected', 'duplicate')))::integer AS unclassified,
  (
    SELECT coalesce(jsonb_object_agg(r.rule, r.rows), '{}'::jsonb)
    FROM (
      SELECT reason ->> 'rule' AS rule, count(DISTINCT x.seq) AS rows
      FROM ${STAGE_TABLE} AS x, jsonb_array_elements(x.reasons) AS reason
      WHERE x.status = 'rejected'
      GROUP BY reason ->> 'rule'
    ) AS r
  ) AS rejected_by_reason
FROM ${STAGE_TABLE} AS ${S}`,
    [],
    { kind: 'counts' },
  );
}
