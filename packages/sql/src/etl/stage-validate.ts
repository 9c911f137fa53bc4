import { thresholdChecks, STAGE_ALIAS as S } from './etl-columns.js';
import type { EtlEventVersion, EtlPlan } from './etl-plan.js';
import { objectChecks, type SqlCheck, violationsSql } from './json-checks.js';
import { textLiteral } from './sql-text.js';

/**
 * The property checks of one event version: its JSON Schema plus `reject` thresholds, on the
 * staged `props` column (the message's properties object, `{}` when it is not an object).
 */
export function propertyChecks(plan: EtlPlan, version: EtlEventVersion): SqlCheck[] {
  return [
    ...objectChecks(version.definition.properties, `${S}.props`, 'properties', {
      additionalProperties: plan.additionalProperties,
    }),
    ...thresholdChecks(version.definition),
  ];
}

/**
 * Stage 2 for track messages: the property violations of the row's event version (a jsonb array,
 * `[]` when there are none or the event or version is unknown, which the envelope checks report).
 * One CASE over (event, version), so every row evaluates only its own version's checks, in the
 * same pass as the envelope checks.
 */
export function propertyViolationsSql(plan: EtlPlan): string {
  if (plan.versions.length === 0) return "'[]'::jsonb";
  const branches = plan.versions.map(
    (version) =>
      `WHEN ${S}.event = ${textLiteral(version.event)} AND ${S}.version = ${version.version} THEN ${violationsSql(propertyChecks(plan, version))}`,
  );
  return `CASE WHEN ${S}.type = 'track' THEN CASE\n${branches.join('\n')}\nELSE '[]'::jsonb END ELSE '[]'::jsonb END`;
}
