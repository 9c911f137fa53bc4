import { quoteIdentifier } from '../identifiers.js';
import { STAGE_ALIAS as S } from './etl-columns.js';
import type { EtlColumn } from './etl-columns.js';
import type { EtlEventVersion, EtlPlan } from './etl-plan.js';
import { stagedContextColumns } from './stage-extract.js';
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
    { column: 'source', expr: `${S}.source` },
    { column: 'seq', expr: `${S}.seq` },
    { column: 'user_id', expr: `${S}.user_id` },
    { column: 'anonymous_id', expr: `${S}.anonymous_id` },
    { column: 'timestamp', expr: `${S}.ts` },
    { column: 'original_timestamp', expr: `${S}.original_ts` },
    { column: 'sent_at', expr: `${S}.sent_ts` },
    { column: 'received_at', expr: `${S}.received_at` },
  ];
}

/** `<name> AS (INSERT INTO table (…) SELECT … FROM s WHERE … RETURNING 1)`, one CTE of the load. */
function insertCte(name: string, table: string, assignments: readonly Assignment[], where: string): string {
  return `${name} AS (
  INSERT INTO ${table} (${identList(assignments.map((a) => a.column))})
  SELECT
    ${assignments.map((a) => `${a.expr} AS ${quoteIdentifier(a.column)}`).join(',\n    ')}
  FROM ${S}
  WHERE ${where}
  RETURNING 1
)`;
}

const sessionIndex = `CASE WHEN jsonb_typeof(${S}.payload #> '{context,sessionIndex}') = 'number' AND (${S}.payload #> '{context,sessionIndex}')::numeric BETWEEN 0 AND 2147483647 AND (${S}.payload #> '{context,sessionIndex}')::numeric % 1 = 0 THEN (${S}.payload #>> '{context,sessionIndex}')::integer END`;

/** Processed column name → the staging column the extract computed it into. */
type StagedContext = ReadonlyMap<string, string>;

/** Context columns read from the staging table, where the extract computed them. */
function stagedContext(staged: StagedContext, columns: readonly EtlColumn[]): Assignment[] {
  return columns.map((c) => {
    const column = staged.get(c.name);
    if (column === undefined) throw new Error(`context column ${c.name} is not staged`);
    return { column: c.name, expr: `${S}.${column}` };
  });
}

/** The columns of one event version's processed table. */
function eventAssignments(staged: StagedContext, version: EtlEventVersion): Assignment[] {
  return [
    ...messageEnvelope(),
    { column: 'event_version', expr: `${S}.version` },
    { column: 'session_id', expr: `${S}.session_id` },
    { column: 'session_index', expr: sessionIndex },
    ...stagedContext(staged, version.context),
    ...version.properties.map((c) => ({ column: c.name, expr: c.expr })),
  ];
}

/** The columns of processed.tracks (the cooking source). */
function tracksAssignments(plan: EtlPlan, staged: StagedContext): Assignment[] {
  const revenue = plan.roles.revenue;
  const isRevenue = revenue ? `${S}.event = ${textLiteral(revenue.event)}` : 'false';
  return [
    { column: 'message_id', expr: `${S}.message_id` },
    { column: 'source', expr: `${S}.source` },
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
    ...stagedContext(staged, plan.trackContext),
    { column: 'user_agent', expr: `(${S}.payload #>> '{context,userAgent}')` },
  ];
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

/**
 * Stage 3 as ONE statement: the valid staged rows joined once with their raw payload (`s`), then
 * every valid track row into processed.tracks (the cooking source), each event version's rows into
 * its line's table, and identify, page, screen, group and alias messages into theirs; returns how
 * many rows went into tracks, into the event tables and into the message tables, which the runner
 * reconciles. No `ON CONFLICT`: classify has already set aside every row whose (message id,
 * source) is loaded, so a conflict means a row was loaded outside the ETL, and the unique violation fails the
 * chunk (the runner reports it as a reconciliation error); speculative insertion would cost about
 * half as much again as the inserts.
 */
export function loadStatement(plan: EtlPlan): EtlStatement {
  const staged: StagedContext = new Map(stagedContextColumns(plan).map((c) => [c.name, c.staged]));
  const events = plan.versions.map((version, i) =>
    insertCte(
      `e${i + 1}`,
      tableRef('processed', version.table),
      eventAssignments(staged, version),
      `${S}.type = 'track' AND ${S}.event = ${textLiteral(version.event)} AND ${S}.version = ${version.version}`,
    ),
  );
  const types = Object.keys(NON_TRACK_TABLES) as (keyof typeof NON_TRACK_TABLES)[];
  const messages = types.map((type) =>
    insertCte(
      `m_${type}`,
      tableRef('processed', NON_TRACK_TABLES[type]),
      [...messageEnvelope(), ...NON_TRACK_COLUMNS[type]],
      `${S}.type = ${textLiteral(type)}`,
    ),
  );
  const sum = (names: string[]) =>
    names.length === 0 ? '0' : names.map((n) => `(SELECT count(*) FROM ${n})`).join(' + ');
  const sql = `WITH ${S} AS MATERIALIZED (
  SELECT t.*, r.payload
  FROM ${STAGE_TABLE} AS t
  JOIN raw.events AS r ON r.seq = t.seq
  WHERE t.status = 'ok' AND r.seq > $1 AND r.seq <= $2
), ${[
    insertCte(
      'tracks',
      tableRef('processed', 'tracks'),
      tracksAssignments(plan, staged),
      `${S}.type = 'track'`,
    ),
    ...events,
    ...messages,
  ].join(', ')}
SELECT (${sum(['tracks'])})::integer AS tracks,
  (${sum(events.map((_, i) => `e${i + 1}`))})::integer AS event,
  (${sum(types.map((t) => `m_${t}`))})::integer AS message`;
  return statement(
    'load',
    'load the valid rows into processed.tracks, the event tables and the message tables',
    sql,
    ['fromSeq', 'toSeq'],
    { kind: 'loaded' },
  );
}

/** Stage 3: rejected rows into raw.rejected with stage 'etl', their reasons and the raw payload text. */
export function rejectStatement(): EtlStatement {
  return statement(
    'load',
    "rejected rows into raw.rejected (stage 'etl')",
    `INSERT INTO raw.rejected (received_at, stage, source, message_id, reasons, payload)
SELECT ${S}.received_at, 'etl', ${S}.source, ${S}.message_id, ${S}.reasons, r.payload::text
FROM ${STAGE_TABLE} AS ${S}
JOIN raw.events AS r ON r.seq = ${S}.seq
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
