import { quoteIdentifier } from '../identifiers.js';
import {
  type CheckOptions,
  isDateTimeSql,
  objectChecks,
  type SqlCheck,
  violationsSql,
} from './json-checks.js';
import { STAGE_ALIAS as S } from './etl-columns.js';
import type { EtlPlan } from './etl-plan.js';
import { type EtlStatement, STAGE_TABLE, statement } from './etl-statement.js';
import { memberColumn, memberColumnsSql, propertyViolationsSql } from './stage-validate.js';
import { literal, textLiteral } from './sql-text.js';

/** Longest user id, anonymous id or alias previous id the ETL accepts, in UTF-8 bytes. */
export const MAX_ID_BYTES = 1024;

/** The Segment message types the ETL loads. */
export const MESSAGE_TYPES = ['track', 'identify', 'page', 'screen', 'group', 'alias'] as const;

/** Envelope keys whose jsonb type the checks read: taken once per row into `"type.<key>"`. */
const TYPED_KEYS = [
  'userId',
  'anonymousId',
  'timestamp',
  'originalTimestamp',
  'sentAt',
  'context',
  'properties',
  'traits',
  'groupId',
  'previousId',
] as const;
type TypedKey = (typeof TYPED_KEYS)[number];
/** Date-time envelope keys, their text taken once per row into `"text.<key>"`. */
const TIME_KEYS = ['timestamp', 'originalTimestamp', 'sentAt'] as const;

const rawTypeOf = (key: string) => `jsonb_typeof(${S}.payload -> ${textLiteral(key)})`;
/** The jsonb type of an envelope key (after the first step of the extract). */
const typeOf = (key: TypedKey) => `${S}.${quoteIdentifier(`type.${key}`)}`;
/** context.eventVersion as jsonb (NULL when absent), taken once per row. */
const EV = `${S}.ev`;

/** A timestamp-like envelope field: a string holding an RFC 3339 date-time when present. */
export function timestampSql(key: (typeof TIME_KEYS)[number]): string {
  const text = `${S}.${quoteIdentifier(`text.${key}`)}`;
  return `CASE WHEN ${typeOf(key)} = 'string' AND ${isDateTimeSql(text)} THEN ${text}::timestamptz END`;
}

function versionSql(plan: EtlPlan): string {
  const given = EV;
  const latest = [...plan.latestVersion].map(
    ([event, version]) => `WHEN ${textLiteral(event)} THEN ${version}`,
  );
  return `CASE
    WHEN jsonb_typeof(${given}) = 'number' THEN CASE WHEN ${given}::numeric % 1 = 0 AND ${given}::numeric BETWEEN 1 AND 2147483647 THEN ${given}::numeric::integer END
    WHEN ${given} IS NULL OR jsonb_typeof(${given}) = 'null' THEN ${latest.length > 0 ? `CASE ${S}.event ${latest.join(' ')} END` : 'NULL'}
  END`;
}

/** Rules every message is checked against, whatever its type (the envelope, context, bots). */
export function envelopeChecks(plan: EtlPlan): SqlCheck[] {
  const check = (
    path: string,
    rule: string,
    expected: string,
    condition: string,
    received = `${S}.payload -> ${textLiteral(path)}`,
  ): SqlCheck => ({
    path,
    rule,
    expected,
    condition,
    received,
  });
  // The staged ts / original_ts / sent_ts are NULL exactly when the string is not a date-time.
  const dateTimes = (
    [
      ['timestamp', 'ts'],
      ['originalTimestamp', 'original_ts'],
      ['sentAt', 'sent_ts'],
    ] as const
  ).flatMap(([key, column]) => [
    check(key, 'type', 'string', `${typeOf(key)} NOT IN ('string', 'null')`),
    check(key, 'format', 'date-time', `${typeOf(key)} = 'string' AND ${S}.${column} IS NULL`),
  ]);
  const known = plan.versions.length > 0;
  const events = [...plan.latestVersion.keys()];
  const versionsOf = [...plan.latestVersion.keys()].map(
    (event) =>
      `WHEN ${textLiteral(event)} THEN ${S}.version <> ALL (ARRAY[${plan.versions
        .filter((v) => v.event === event)
        .map((v) => v.version)
        .join(', ')}])`,
  );
  const ev = EV;
  const options: CheckOptions = { additionalProperties: plan.additionalProperties };
  const context = `${S}.ctx`;
  const isType = (...types: string[]) => `${S}.type IN (${types.map(textLiteral).join(', ')})`;
  const objectWhenPresent = (key: TypedKey, types: string[]) =>
    check(
      key,
      'type',
      'object',
      `${isType(...types)} AND ${typeOf(key)} IS NOT NULL AND ${typeOf(key)} <> 'object'`,
    );
  return [
    check(
      'type',
      'enum',
      `one of ${MESSAGE_TYPES.join(', ')}`,
      `${S}.type <> ALL (ARRAY[${MESSAGE_TYPES.map(textLiteral).join(', ')}])`,
      `${S}.type`,
    ),
    check(
      'messageId',
      'max_length',
      'at most 100 characters',
      `char_length(${S}.message_id) > 100`,
      `${S}.message_id`,
    ),
    check('userId', 'required', 'userId or anonymousId', `${S}.user_key IS NULL`, `${S}.payload -> 'userId'`),
    check('userId', 'type', 'string or number', `${typeOf('userId')} NOT IN ('string', 'number', 'null')`),
    check('anonymousId', 'type', 'string', `${typeOf('anonymousId')} NOT IN ('string', 'null')`),
    // Ids are index keys (processed, cooked and the identity graph): a btree entry holds ~2.7 KB.
    ...(['userId', 'anonymousId', 'previousId'] as const).map((key) =>
      check(
        key,
        'max_length',
        `at most ${MAX_ID_BYTES} bytes`,
        `octet_length(${S}.payload ->> ${textLiteral(key)}) > ${MAX_ID_BYTES}`,
        `to_jsonb(left(${S}.payload ->> ${textLiteral(key)}, 64) || '…')`,
      ),
    ),
    ...dateTimes,
    check('context', 'type', 'object', `${typeOf('context')} NOT IN ('object', 'null')`),
    check(
      'context.eventVersion',
      'integer',
      'a positive integer',
      `CASE WHEN jsonb_typeof(${ev}) = 'number' THEN ${ev}::numeric % 1 <> 0 OR ${ev}::numeric < 1 OR ${ev}::numeric > 2147483647 ELSE jsonb_typeof(${ev}) <> 'null' END`,
      ev,
    ),
    check(
      'event',
      'required',
      'an event name',
      `${S}.type = 'track' AND coalesce(${S}.event, '') = ''`,
      `${S}.payload -> 'event'`,
    ),
    check(
      'event',
      'unknown_event',
      events.length > 0 ? `one of ${events.join(', ')}` : 'an event of the plan',
      `${S}.type = 'track' AND ${S}.event <> ''${known ? ` AND ${S}.event <> ALL (ARRAY[${events.map(textLiteral).join(', ')}])` : ''}`,
      `${S}.event`,
    ),
    ...(known
      ? [
          check(
            'context.eventVersion',
            'unknown_version',
            'a version of the event in the plan',
            `${S}.type = 'track' AND ${S}.version IS NOT NULL AND CASE ${S}.event ${versionsOf.join(' ')} ELSE false END`,
            `${S}.version`,
          ),
        ]
      : []),
    objectWhenPresent('properties', ['track', 'page', 'screen']),
    objectWhenPresent('traits', ['identify', 'group']),
    check(
      'groupId',
      'required',
      'a group id',
      `${isType('group')} AND coalesce(${typeOf('groupId')}, 'missing') NOT IN ('string', 'number')`,
    ),
    check(
      'previousId',
      'required',
      'the previous id',
      `${isType('alias')} AND coalesce(${typeOf('previousId')}, 'missing') NOT IN ('string', 'number')`,
    ),
    ...objectChecks(plan.context, context, 'context', options, true, (key) => memberColumn('ctx', key)),
    ...plan.userAgentPatterns.map((pattern) =>
      check(
        'context.userAgent',
        'bot',
        `a user agent not matching ${pattern}`,
        `(${S}.payload #>> '{context,userAgent}') ~* ${literal(pattern)}`,
        `${S}.payload #> '{context,userAgent}'`,
      ),
    ),
  ];
}

/** A context column of the processed tables, computed once per row in the extract. */
export interface StagedContextColumn {
  /** The processed column (`context_app_major`). */
  readonly name: string;
  /** Its expression over the staged row (reads the payload). */
  readonly expr: string;
  /** The staging column holding its value: its own name, quoted. */
  readonly staged: string;
}

/**
 * Every context column of processed.tracks and of the event tables, once by name: the extract
 * computes each for the valid track rows, and the load copies the values into tracks and the
 * row's event table instead of computing them twice per row, in the load's (serial) part of the chunk.
 */
export function stagedContextColumns(plan: EtlPlan): StagedContextColumn[] {
  const byName = new Map<string, string>();
  for (const column of [...plan.trackContext, ...plan.versions.flatMap((v) => v.context)]) {
    const known = byName.get(column.name);
    if (known !== undefined && known !== column.expr)
      throw new Error(`context column ${column.name} has two different expressions`);
    byName.set(column.name, column.expr);
  }
  // Their own names where they cannot meet a staging column's (none starts with `context_`).
  return [...byName].map(([name, expr], i) => ({
    name,
    expr,
    staged: quoteIdentifier(name.startsWith('context_') ? name : `ctx#${i + 1}`),
  }));
}

function fingerprintSql(): string {
  return `CASE WHEN ${S}.type = 'track' AND ${S}.ts IS NOT NULL THEN md5(${S}.user_key || '|' || ${S}.event || '|' || coalesce(${S}.payload -> 'properties', '{}'::jsonb)::text || '|' || extract(epoch from ${S}.ts)::text) END`;
}

/**
 * Stage 1 (extract) with the checks of stage 2, in one pass: copies raw rows with seq in ($1, $2]
 * into a temporary staging table, resolving the version (context.eventVersion, else the latest),
 * the user key (userId, else anonymousId), the clock-skew corrected timestamp, every envelope
 * violation and the property violations of the row's event version; status is `rejected` when
 * there is one, else `ok`. The context and properties objects are taken out of the payload once
 * (`ctx`, `props`) and every check reads them, instead of navigating the payload again. (`OFFSET 0` keeps PostgreSQL from
 * inlining each step into the next, which would evaluate its expressions once per reference.)
 */
export function extractStatement(plan: EtlPlan): EtlStatement {
  const userId = `CASE ${rawTypeOf('userId')} WHEN 'string' THEN nullif(${S}.payload ->> 'userId', '') WHEN 'number' THEN ${S}.payload ->> 'userId' END`;
  const anonymousId = `CASE ${rawTypeOf('anonymousId')} WHEN 'string' THEN nullif(${S}.payload ->> 'anonymousId', '') END`;
  const reasons = violationsSql(envelopeChecks(plan));
  const sessionId = `CASE WHEN jsonb_typeof(${S}.sid) = 'string' THEN nullif(${S}.sid #>> '{}', '') END`;
  const sql = `CREATE TEMPORARY TABLE ${STAGE_TABLE} ON COMMIT DROP AS
WITH extracted AS (
  SELECT ${S}.seq, ${S}.message_id, ${S}.received_at, ${S}.source, ${S}.type, coalesce(${S}.event, ${S}.payload ->> 'event') AS event, ${S}.payload,
    ${userId} AS user_id,
    ${anonymousId} AS anonymous_id,
    CASE WHEN ${rawTypeOf('context')} = 'object' THEN ${S}.payload -> 'context' ELSE '{}'::jsonb END AS ctx,
    CASE WHEN ${rawTypeOf('properties')} = 'object' THEN ${S}.payload -> 'properties' ELSE '{}'::jsonb END AS props,
    ${S}.payload #> '{context,eventVersion}' AS ev,
    ${S}.payload #> '{context,sessionId}' AS sid,
    ${[
      ...TYPED_KEYS.map((k) => `${rawTypeOf(k)} AS ${quoteIdentifier(`type.${k}`)}`),
      ...TIME_KEYS.map((k) => `${S}.payload ->> ${textLiteral(k)} AS ${quoteIdentifier(`text.${k}`)}`),
    ].join(',\n    ')}
  FROM raw.events AS ${S}
  WHERE ${S}.seq > $1 AND ${S}.seq <= $2
  OFFSET 0
), resolved AS (
  SELECT ${S}.*, coalesce(${S}.user_id, ${S}.anonymous_id) AS user_key,
    ${versionSql(plan)} AS version,
    CASE WHEN ${typeOf('timestamp')} IS NULL OR ${typeOf('timestamp')} = 'null' THEN ${S}.received_at ELSE ${timestampSql('timestamp')} END AS ts,
    ${timestampSql('originalTimestamp')} AS original_ts,
    ${timestampSql('sentAt')} AS sent_ts,
    ${[`${sessionId} AS session_id`, ...memberColumnsSql(plan)].join(',\n    ')}
  FROM extracted AS ${S}
  OFFSET 0
), checked AS (
  SELECT ${S}.*, ${reasons} || ${propertyViolationsSql(plan)} AS reasons
  FROM resolved AS ${S}
  OFFSET 0
)
SELECT ${S}.seq, ${S}.message_id, ${S}.received_at, ${S}.source, ${S}.type, ${S}.event,
  ${S}.user_id, ${S}.anonymous_id, ${S}.user_key, ${S}.version, ${S}.ts, ${S}.original_ts, ${S}.sent_ts,
  ${S}.session_id, ${S}.reasons,
  CASE WHEN ${S}.reasons = '[]'::jsonb THEN 'ok' ELSE 'rejected' END AS status,
  ${[
    `${plan.dedupeByFingerprint ? fingerprintSql() : 'NULL::text'} AS fingerprint`,
    ...stagedContextColumns(plan).map(
      (c) => `CASE WHEN ${S}.type = 'track' AND ${S}.reasons = '[]'::jsonb THEN ${c.expr} END AS ${c.staged}`,
    ),
  ].join(',\n  ')}
FROM checked AS ${S}`;
  return statement(
    'extract',
    'extract raw rows (watermark, high] into staging and validate them (envelope, context, properties)',
    sql,
    ['fromSeq', 'toSeq'],
  );
}
