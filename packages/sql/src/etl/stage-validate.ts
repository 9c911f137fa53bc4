import { thresholdChecks, STAGE_ALIAS as S } from './etl-columns.js';
import type { EtlEventVersion, EtlPlan } from './etl-plan.js';
import { type EtlStatement, STAGE_TABLE, statement } from './etl-statement.js';
import { objectChecks, type SqlCheck, violationsSql } from './json-checks.js';
import { textLiteral } from './sql-text.js';

/** The property checks of one event version: its JSON Schema plus `reject` thresholds. */
export function propertyChecks(plan: EtlPlan, version: EtlEventVersion): SqlCheck[] {
  const properties = `(CASE WHEN jsonb_typeof(${S}.payload -> 'properties') = 'object' THEN ${S}.payload -> 'properties' ELSE '{}'::jsonb END)`;
  return [
    ...objectChecks(version.definition.properties, properties, 'properties', {
      additionalProperties: plan.additionalProperties,
    }),
    ...thresholdChecks(version.definition),
  ];
}

/**
 * Stage 2 for one event version: adds every property violation to the staged rows of that
 * event and version and marks them `rejected`.
 */
export function validateStatement(plan: EtlPlan, version: EtlEventVersion): EtlStatement {
  const checks = propertyChecks(plan, version);
  const sql = `UPDATE ${STAGE_TABLE} AS t
SET status = 'rejected', reasons = t.reasons || v.found
FROM (
  SELECT ${S}.seq, ${violationsSql(checks)} AS found
  FROM ${STAGE_TABLE} AS ${S}
  WHERE ${S}.type = 'track' AND ${S}.event = ${textLiteral(version.event)} AND ${S}.version = ${version.version}
) AS v
WHERE t.seq = v.seq AND v.found <> '[]'::jsonb`;
  return statement('validate', `validate ${version.event} v${version.version}`, sql);
}
