import { quoteIdentifier } from '../identifiers.js';
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
    ...objectChecks(
      version.definition.properties,
      `${S}.props`,
      'properties',
      { additionalProperties: plan.additionalProperties },
      false,
      (key) => memberColumn('props', key),
    ),
    ...thresholdChecks(version.definition),
  ];
}

/** The staged column holding `<object> -> key`, computed once per row for the checks. */
export function memberColumn(object: 'ctx' | 'props', key: string): string {
  return `${S}.${quoteIdentifier(`${object}.${key}`)}`;
}

/**
 * `<object> -> key AS "<object>.key"` for every declared context key and every top-level property
 * key of any event version: the checks read these columns instead of looking keys up again.
 */
export function memberColumnsSql(plan: EtlPlan): string[] {
  const contextKeys = Object.keys(plan.context.properties);
  const propertyKeys = [
    ...new Set(plan.versions.flatMap((v) => Object.keys(v.definition.properties.properties))),
  ];
  return [
    ...contextKeys.map((k) => `${S}.ctx -> ${textLiteral(k)} AS ${quoteIdentifier(`ctx.${k}`)}`),
    ...propertyKeys.map((k) => `${S}.props -> ${textLiteral(k)} AS ${quoteIdentifier(`props.${k}`)}`),
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
