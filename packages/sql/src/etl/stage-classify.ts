import { quoteIdentifier } from '../identifiers.js';
import { STAGE_ALIAS as S } from './etl-columns.js';
import type { EtlPlan } from './etl-plan.js';
import { type EtlStatement, STAGE_TABLE, statement } from './etl-statement.js';
import { NON_TRACK_TABLES } from './etl-tables.js';
import { literal, tableRef, textLiteral } from './sql-text.js';

/**
 * The rest of stage 2: duplicates and spam, in this order. A valid row whose message id is
 * already loaded for its source is a duplicate (ids are unique per source: another source may use
 * the same id); with fingerprint dedupe, so is a valid track row whose
 * fingerprint was loaded before or appears earlier (lower seq) in the chunk. Then, with a spam
 * limit, a user's valid rows in one UTC minute beyond the limit (ranked by seq, counting rows
 * already loaded for that user-minute, so chunk size does not change the outcome) are rejected.
 */
export function classifyStatements(plan: EtlPlan): EtlStatement[] {
  const byType = [['track', 'tracks'] as const, ...Object.entries(NON_TRACK_TABLES)];
  // One pass over the staged rows, one key lookup in the type's table per valid row.
  const byMessageId = statement(
    'classify',
    `message id of the same source already in its processed table (${byType.map(([, t]) => t).join(', ')}) → duplicate`,
    `UPDATE ${STAGE_TABLE} AS ${S}
SET status = 'duplicate'
WHERE ${S}.status = 'ok' AND CASE ${S}.type
  ${byType
    .map(
      ([type, table]) =>
        `WHEN ${textLiteral(type)} THEN EXISTS (SELECT 1 FROM ${tableRef('processed', table)} AS p WHERE p.message_id = ${S}.message_id AND p.source = ${S}.source)`,
    )
    .join('\n  ')}
  ELSE false
END`,
  );
  const fingerprint = plan.dedupeByFingerprint
    ? [
        statement(
          'classify',
          'same fingerprint earlier in the chunk, or already loaded → duplicate',
          `UPDATE ${STAGE_TABLE} AS t
SET status = 'duplicate'
FROM (
  SELECT ${S}.seq, ${S}.fingerprint, row_number() OVER (PARTITION BY ${S}.fingerprint COLLATE "C" ORDER BY ${S}.seq) AS rank
  FROM ${STAGE_TABLE} AS ${S}
  WHERE ${S}.status = 'ok' AND ${S}.type = 'track'
) AS d
WHERE d.seq = t.seq
  AND (d.rank > 1 OR EXISTS (SELECT 1 FROM processed.tracks AS p WHERE p.fingerprint = d.fingerprint))`,
        ),
      ]
    : [];
  const max = plan.maxEventsPerUserPerMinute;
  const spam =
    max === undefined
      ? []
      : [
          statement(
            'classify',
            `more than ${max} events of a user in one minute → rejected (spam)`,
            `WITH candidates AS (
  SELECT ${S}.seq, ${S}.user_key, date_trunc('minute', ${S}.ts) AS minute,
    row_number() OVER (PARTITION BY ${S}.user_key COLLATE "C", date_trunc('minute', ${S}.ts) ORDER BY ${S}.seq) AS rank
  FROM ${STAGE_TABLE} AS ${S}
  WHERE ${S}.status = 'ok' AND ${S}.type = 'track'
), loaded AS (
  SELECT m.user_key, m.minute, count(*) AS events
  FROM (SELECT DISTINCT user_key, minute FROM candidates) AS m
  JOIN processed.tracks AS p ON p.user_key = m.user_key AND p.${quoteIdentifier('timestamp')} >= m.minute AND p.${quoteIdentifier('timestamp')} < m.minute + interval '1 minute'
  GROUP BY m.user_key, m.minute
)
UPDATE ${STAGE_TABLE} AS t
SET status = 'rejected', reasons = t.reasons || jsonb_build_array(${textLiteral(
              JSON.stringify({
                expected: `at most ${max} events per user per minute`,
                message: `userId must send at most ${max} events per minute (spam)`,
                path: 'userId',
                rule: 'spam',
              }),
            )}::jsonb || jsonb_build_object('received', (c.rank + coalesce(l.events, 0))::text))
FROM candidates AS c
LEFT JOIN loaded AS l ON l.user_key = c.user_key AND l.minute = c.minute
WHERE t.seq = c.seq AND c.rank + coalesce(l.events, 0) > ${literal(max)}`,
          ),
        ];
  return [byMessageId, ...fingerprint, ...spam];
}
