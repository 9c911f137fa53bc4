import type {
  ColumnTransform,
  EventDefinition,
  MergeSpec,
  ObjectSchema,
  PlanEtl,
  SplitSpec,
  TextNormalization,
} from '@tributary/schema';
import { shortenIdentifier } from '../identifiers.js';
import { type FlatColumn, flattenObject } from '../model/flatten.js';
import type { CheckValue, ColumnSource, ColumnType } from '../model/types.js';
import { guarded, type SqlCheck } from './json-checks.js';
import { jsonPathLiteral, literal } from './sql-text.js';

/** The staged row every ETL expression reads: `s.payload` is the raw message. */
export const STAGE_ALIAS = 's';

/** One column the ETL fills, with the SQL that computes it from the staged row `s`. */
export interface EtlColumn {
  readonly name: string;
  /** The name before shortening to 63 bytes (for collision messages). */
  readonly fullName: string;
  readonly type: ColumnType;
  readonly nullable: boolean;
  readonly allowed?: readonly CheckValue[];
  /** SQL over the staged row `s`. */
  readonly expr: string;
  /** Where it comes from, for collision messages: `property "store.country"`. */
  readonly source: string;
  /** The message value it holds unchanged in type and values (none after a unit conversion, normalisation, split or merge). */
  readonly from?: ColumnSource;
}

const TEXT: ColumnType = { name: 'text' };

/** `s.payload #>> '{…}'` cast to the column type (integers through numeric, so `1.0` loads). */
export function jsonValueSql(keys: readonly string[], type: ColumnType): string {
  const path = jsonPathLiteral(keys);
  const text = `(${STAGE_ALIAS}.payload #>> ${path})`;
  switch (type.name) {
    case 'jsonb':
      return `nullif(${STAGE_ALIAS}.payload #> ${path}, 'null'::jsonb)`;
    case 'text':
    case 'varchar':
      return text;
    case 'smallint':
    case 'integer':
    case 'bigint':
      return `${text}::numeric::${type.name}`;
    case 'bigserial':
      return `${text}::bigint`;
    default:
      return `${text}::${type.name}`;
  }
}

const NORMALIZE_ORDER: readonly TextNormalization[] = ['nfc', 'trim', 'lower'];
/** Characters `trim` removes at both ends: space, tab, LF, CR, FF, VT (as documented). */
export const TRIM_CHARACTERS = ' \t\n\r\f\v';

/** Applies text normalisation in the fixed order NFC, trim, lower-case. */
export function normalizeSql(text: string, steps: readonly TextNormalization[]): string {
  let out = text;
  for (const step of NORMALIZE_ORDER) {
    if (!steps.includes(step)) continue;
    if (step === 'nfc') out = `normalize(${out}, NFC)`;
    if (step === 'trim') out = `btrim(${out}, E' \\t\\n\\r\\f\\x0B')`;
    if (step === 'lower') out = `lower(${out})`;
  }
  return out;
}

/** The same normalisation in TypeScript, for enum CHECK values (and test references). */
export function normalizeText(text: string, steps: readonly TextNormalization[]): string {
  let out = text;
  if (steps.includes('nfc')) out = out.normalize('NFC');
  if (steps.includes('trim')) {
    let start = 0;
    let end = out.length;
    while (start < end && TRIM_CHARACTERS.includes(out[start] as string)) start++;
    while (end > start && TRIM_CHARACTERS.includes(out[end - 1] as string)) end--;
    out = out.slice(start, end);
  }
  if (steps.includes('lower')) out = out.toLowerCase();
  return out;
}

/** The columns of one leaf after its transform: the value (unless dropped by a split) and split parts. */
export function transformedColumns(
  flat: FlatColumn,
  keys: readonly string[],
  transform: ColumnTransform | undefined,
  splitPrefix: string,
): EtlColumn[] {
  const source = `${keys[0] === 'context' ? 'context property' : 'property'} "${flat.path}"`;
  let type = flat.mapping.type;
  let nullable = flat.mapping.nullable;
  let allowed = flat.mapping.allowed;
  let expr = jsonValueSql(keys, type);
  if (transform?.normalize && transform.normalize.length > 0) {
    const steps = transform.normalize;
    expr = normalizeSql(expr, steps);
    if (allowed)
      allowed = [...new Set(allowed.map((v) => (typeof v === 'string' ? normalizeText(v, steps) : v)))];
  }
  if (transform?.threshold?.action === 'null') {
    const number = `${jsonValueSql(keys, { name: 'numeric' })}`;
    expr = `CASE WHEN ${outOfRange(number, transform.threshold.min, transform.threshold.max)} THEN NULL ELSE ${expr} END`;
    nullable = true;
  }
  if (transform?.unit) {
    const op =
      'divideBy' in transform.unit
        ? `/ ${literal(transform.unit.divideBy)}`
        : `* ${literal(transform.unit.multiplyBy)}`;
    // trim_scale (PostgreSQL 13+): 199 / 100 is 1.99, not 1.9900000000000000.
    expr = `trim_scale((${expr})::numeric ${op})`;
    type = { name: 'numeric' };
    allowed = undefined;
  }
  if (transform?.nullDefault !== undefined) expr = `coalesce(${expr}, ${literal(transform.nullDefault)})`;
  const unchanged = !transform?.unit && !(transform?.normalize && transform.normalize.length > 0);
  const from: ColumnSource = { from: keys[0] === 'context' ? 'context' : 'properties', path: keys.slice(1) };
  const value: EtlColumn = {
    name: shortenIdentifier(flat.name),
    fullName: flat.name,
    type,
    nullable,
    ...(allowed !== undefined ? { allowed } : {}),
    expr,
    source,
    ...(unchanged ? { from } : {}),
  };
  if (!transform?.split) return [value];
  const parts = splitColumns(transform.split, expr, splitPrefix, source);
  return transform.keepOriginal === false ? parts : [value, ...parts];
}

function outOfRange(number: string, min: number | undefined, max: number | undefined): string {
  const sides = [
    ...(min !== undefined ? [`${number} < ${literal(min)}`] : []),
    ...(max !== undefined ? [`${number} > ${literal(max)}`] : []),
  ];
  return `(${sides.join(' OR ')})`;
}

/** Split parts: locale → lower-case language and upper-case country; version → integers; separator → text. */
export function splitColumns(split: SplitSpec, text: string, prefix: string, source: string): EtlColumn[] {
  const part = (name: string, type: ColumnType, expr: string): EtlColumn => ({
    name: shortenIdentifier(`${prefix}${name}`),
    fullName: `${prefix}${name}`,
    type,
    nullable: true,
    expr,
    source: `${source} split into "${name}"`,
  });
  switch (split.kind) {
    case 'locale': {
      const dashed = `replace(${text}, '_', '-')`;
      const [language, country] = split.into;
      return [
        part(language, TEXT, `lower(nullif(split_part(${dashed}, '-', 1), ''))`),
        part(country, TEXT, `upper(nullif(split_part(${dashed}, '-', 2), ''))`),
      ];
    }
    case 'version':
      return split.into.map((name, index) => {
        const piece = `split_part(${text}, '.', ${index + 1})`;
        return part(
          name,
          { name: 'integer' },
          `CASE WHEN ${piece} ~ '^[0-9]{1,9}$' THEN ${piece}::integer END`,
        );
      });
    case 'separator':
      return split.into.map((name, index) =>
        part(name, TEXT, `nullif(split_part(${text}, ${literal(split.separator)}, ${index + 1}), '')`),
      );
  }
}

/** A merged text column: the sources' values joined by the separator (default a space), nulls skipped. */
export function mergeColumn(merge: MergeSpec, byPath: ReadonlyMap<string, string>): EtlColumn {
  const parts = merge.from.map((path) => `(${byPath.get(path) ?? 'NULL'})::text`);
  return {
    name: shortenIdentifier(merge.into),
    fullName: merge.into,
    type: TEXT,
    nullable: true,
    expr: `nullif(concat_ws(${literal(merge.separator ?? ' ')}, ${parts.join(', ')}), '')`,
    source: `merge "${merge.into}" of ${merge.from.join(', ')}`,
  };
}

/** The property columns of one event version: filtered by `etl.columns`, transformed, split, merged. */
export function propertyColumns(event: EventDefinition): EtlColumn[] {
  const etl = event.etl;
  const keep = etl?.columns ? new Set(etl.columns) : undefined;
  const byPath = new Map<string, string>();
  const out: EtlColumn[] = [];
  for (const flat of flattenObject(event.properties)) {
    const keys = ['properties', ...flat.path.split('.')];
    const columns = transformedColumns(flat, keys, etl?.transforms?.[flat.path], '');
    const value = columns.find((c) => c.source === `property "${flat.path}"`);
    byPath.set(flat.path, value?.expr ?? jsonValueSql(keys, flat.mapping.type));
    if (keep && !keep.has(flat.path)) continue;
    out.push(...columns);
  }
  for (const merge of etl?.merge ?? []) out.push(mergeColumn(merge, byPath));
  return out;
}

/** The plan's context columns (`context_<field>`, split parts `context_<part>`), optionally only some fields. */
export function contextColumns(
  context: ObjectSchema,
  planEtl: PlanEtl | undefined,
  fields?: readonly string[],
): EtlColumn[] {
  const keep = fields ? new Set(fields) : undefined;
  return flattenObject(context, 'context_').flatMap((flat) => {
    const field = flat.path.replaceAll('.', '_');
    if (keep && !keep.has(field) && !keep.has(flat.path.split('.')[0] as string)) return [];
    return transformedColumns(
      flat,
      ['context', ...flat.path.split('.')],
      planEtl?.context?.[field],
      'context_',
    );
  });
}

/** Threshold checks with action `reject` of an event version's properties. */
export function thresholdChecks(event: EventDefinition): SqlCheck[] {
  return Object.entries(event.etl?.transforms ?? {}).flatMap(([path, transform]) => {
    const threshold = transform.threshold;
    if (threshold?.action !== 'reject') return [];
    const keys = ['properties', ...path.split('.')];
    const value = `(${STAGE_ALIAS}.payload #> ${jsonPathLiteral(keys)})`;
    const expected = [
      ...(threshold.min !== undefined ? [`>= ${threshold.min}`] : []),
      ...(threshold.max !== undefined ? [`<= ${threshold.max}`] : []),
    ].join(' and ');
    return [
      {
        path: `properties.${path}`,
        rule: 'threshold',
        expected,
        condition: guarded(
          `jsonb_typeof(${value}) = 'number'`,
          outOfRange(`(${value})::numeric`, threshold.min, threshold.max),
        ),
        received: value,
      },
    ];
  });
}
