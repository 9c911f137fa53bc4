import { isNullable, type JsonSchema, type ObjectSchema, unwrapNullable } from '@tributary/schema';
import { literal, textLiteral } from './sql-text.js';

/** One rule the ETL checks in SQL: `condition` is true when a staged row violates it. */
export interface SqlCheck {
  /** `properties.player.level`, `context.platform`, `timestamp`. */
  readonly path: string;
  /** Stable snake_case rule name, as in @tributary/validate's violations. */
  readonly rule: string;
  readonly expected: string;
  /** Boolean SQL, never raising an error on any jsonb input (casts are guarded by CASE). */
  readonly condition: string;
  /** SQL of the offending value (jsonb or text); NULL reads as `missing`. */
  readonly received: string;
}

/** Options of a walk over a schema. */
export interface CheckOptions {
  /** Undeclared keys of objects: a violation (`reject`) or allowed (`flag`; the collector flags them). */
  readonly additionalProperties: 'reject' | 'flag';
}

const MAX_SAFE = '9007199254740991';

/** `CASE WHEN guard THEN cond ELSE false END`: PostgreSQL does not promise AND evaluates left to right. */
export function guarded(guard: string, condition: string): string {
  return `CASE WHEN ${guard} THEN ${condition} ELSE false END`;
}

/**
 * A jsonb violation object for a check, or NULL when the row passes:
 * `CASE WHEN <violated> THEN '{"path":…,"rule":…}'::jsonb || jsonb_build_object('received', …) END`.
 */
export function violationSql(check: SqlCheck): string {
  const fixed = JSON.stringify({
    expected: check.expected,
    message: `${check.path} must be ${check.expected}`,
    path: check.path,
    rule: check.rule,
  });
  return `CASE WHEN ${check.condition} THEN ${textLiteral(fixed)}::jsonb || jsonb_build_object('received', coalesce(left((${check.received})::text, 200), 'missing')) END`;
}

/**
 * The jsonb array of every violated check: `'[]'` when none is, so valid rows (nearly all) only
 * evaluate the conditions once and never build the array.
 */
export function violationsSql(checks: readonly SqlCheck[]): string {
  if (checks.length === 0) return "'[]'::jsonb";
  return `CASE WHEN ${checks.map((c) => `(${c.condition})`).join('\n  OR ')}
THEN to_jsonb(array_remove(ARRAY[
${checks.map(violationSql).join(',\n')}
]::jsonb[], NULL))
ELSE '[]'::jsonb END`;
}

/**
 * True when a text value is an RFC 3339 date-time PostgreSQL can cast without error: the shape,
 * an offset PostgreSQL accepts (up to ±15:59) and a real calendar day (no 31 April).
 */
export function isDateTimeSql(text: string): string {
  const shape =
    '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[Tt ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\\.[0-9]+)?)?([Zz]|[+-](0[0-9]|1[0-5]):?[0-5][0-9])$';
  // Fast path for the form nearly every SDK sends (`toISOString()`: 2024-03-04T10:00:00.000Z): its
  // shape by translate and its fields by byte comparisons, several times cheaper than the regular
  // expression, which still decides every other form.
  const part = (from: number, length: number) => `substr(${text}, ${from}, ${length}) COLLATE "C"`;
  const iso = `translate(${text}, '0123456789', '0000000000') = '0000-00-00T00:00:00.000Z' COLLATE "C"`;
  const fields = [
    `${part(6, 2)} BETWEEN '01' AND '12'`,
    `${part(9, 2)} BETWEEN '01' AND '31'`,
    `${part(12, 2)} <= '23'`,
    `${part(15, 2)} <= '59'`,
    `${part(18, 2)} <= '59'`,
    `${part(1, 4)} <> '0000'`,
  ].join(' AND ');
  const day = `CASE WHEN ${part(9, 2)} <= '28' THEN true ELSE ${dayFits(text)} END`;
  return `CASE WHEN ${iso} THEN CASE WHEN ${fields} THEN ${day} ELSE false END
    WHEN ${text} ~ ${textLiteral(shape)} AND left(${text}, 4) <> '0000' THEN ${dayFits(text)} ELSE false END`;
}

/** True when a text value is a `YYYY-MM-DD` calendar date. */
export function isDateSql(text: string): string {
  const shape = '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$';
  return `CASE WHEN ${text} ~ ${textLiteral(shape)} AND left(${text}, 4) <> '0000' THEN ${dayFits(text)} ELSE false END`;
}

function dayFits(text: string): string {
  return `substr(${text}, 9, 2)::integer <= extract(day from make_date(left(${text}, 4)::integer, substr(${text}, 6, 2)::integer, 1) + interval '1 month' - interval '1 day')`;
}

const FORMATS: Record<string, (text: string) => string> = {
  'date-time': isDateTimeSql,
  date: isDateSql,
  uuid: (t) => `${t} ~ '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'`,
  email: (t) => `${t} ~ '^[^@[:space:]]+@[^@[:space:]]+\\.[^@[:space:]]+$'`,
  uri: (t) => `${t} ~ '^[A-Za-z][A-Za-z0-9+.-]*:[^[:space:]]*$'`,
};

/**
 * The SQL checks of a JSON Schema applied to a jsonb value: presence, null, jsonb type, integer,
 * bounds, multipleOf, lengths, enums, formats, array lengths, nested objects and undeclared keys.
 * Not checked in SQL (documented): string `pattern` (ECMAScript regex), array items, mixed unions.
 */
export function schemaChecks(
  schema: JsonSchema,
  value: string,
  path: string,
  required: boolean,
  options: CheckOptions,
): SqlCheck[] {
  const checks: SqlCheck[] = [];
  const nullable = isNullable(schema);
  const inner = unwrapNullable(schema);
  const type = `jsonb_typeof(${value})`;
  const add = (rule: string, expected: string, condition: string, received: string = value) =>
    checks.push({ path, rule, expected, condition, received });
  if (required) add('required', 'present', `${value} IS NULL`);
  if (!('type' in inner)) return checks;
  if (!nullable && inner.type !== 'null') add('type', `${inner.type}, not null`, `${type} = 'null'`);
  const jsonType = inner.type === 'integer' ? 'number' : inner.type;
  add('type', inner.type, `${type} NOT IN (${textLiteral(jsonType)}, 'null')`, type);
  const when = (condition: string) => guarded(`${type} = ${textLiteral(jsonType)}`, condition);
  switch (inner.type) {
    case 'string': {
      const text = `(${value} #>> '{}')`;
      if (inner.minLength !== undefined)
        add(
          'min_length',
          `at least ${inner.minLength} characters`,
          when(`char_length(${text}) < ${inner.minLength}`),
        );
      if (inner.maxLength !== undefined)
        add(
          'max_length',
          `at most ${inner.maxLength} characters`,
          when(`char_length(${text}) > ${inner.maxLength}`),
        );
      if (inner.enum !== undefined)
        add(
          'enum',
          `one of ${inner.enum.join(', ')}`,
          when(`${text} <> ALL (ARRAY[${inner.enum.map(textLiteral).join(', ')}]::text[])`),
        );
      const format = inner.format !== undefined ? FORMATS[inner.format] : undefined;
      if (format && inner.format) add('format', inner.format, when(`NOT (${format(text)})`));
      break;
    }
    case 'integer':
    case 'number': {
      const number = `(${value})::numeric`;
      if (inner.type === 'integer')
        add(
          'integer',
          'an integer (safe: at most 2^53 - 1 in magnitude)',
          when(`${number} % 1 <> 0 OR abs(${number}) > ${MAX_SAFE}`),
        );
      else if (inner['x-tributary-money'] === undefined)
        add(
          'range',
          'a finite double precision number',
          when(
            `abs(${number}) > 1.7976931348623157e308 OR (${number} <> 0 AND abs(${number}) < 2.2250738585072014e-308)`,
          ),
        );
      const bound = (rule: string, op: string, limit: number | undefined, expected: string) => {
        if (limit !== undefined) add(rule, `${expected} ${limit}`, when(`${number} ${op} ${literal(limit)}`));
      };
      bound('minimum', '<', inner.minimum, '>=');
      bound('maximum', '>', inner.maximum, '<=');
      bound('exclusive_minimum', '<=', inner.exclusiveMinimum, '>');
      bound('exclusive_maximum', '>=', inner.exclusiveMaximum, '<');
      if (inner.multipleOf !== undefined)
        add(
          'multiple_of',
          `a multiple of ${inner.multipleOf}`,
          when(`${number} % ${literal(inner.multipleOf)} <> 0`),
        );
      if (inner.enum !== undefined)
        add(
          'enum',
          `one of ${inner.enum.join(', ')}`,
          when(`${number} <> ALL (ARRAY[${inner.enum.map(literal).join(', ')}]::numeric[])`),
        );
      break;
    }
    case 'boolean':
      if (inner.enum !== undefined && inner.enum.length === 1)
        add(
          'enum',
          String(inner.enum[0]),
          when(`(${value})::boolean <> ${literal(inner.enum[0] as boolean)}`),
        );
      break;
    case 'array':
      if (inner.minItems !== undefined)
        add(
          'min_items',
          `at least ${inner.minItems} items`,
          when(`jsonb_array_length(${value}) < ${inner.minItems}`),
        );
      if (inner.maxItems !== undefined)
        add(
          'max_items',
          `at most ${inner.maxItems} items`,
          when(`jsonb_array_length(${value}) > ${inner.maxItems}`),
        );
      break;
    case 'object':
      checks.push(...objectChecks(inner, value, path, options));
      break;
    case 'null':
      break;
  }
  return checks;
}

/**
 * Checks of every declared key of an object value, plus undeclared keys when the plan rejects them.
 * `member(key)` may name a column that already holds `value -> key` (computed once per row), which
 * every check of that key then reads instead of looking the key up again.
 */
export function objectChecks(
  schema: ObjectSchema,
  value: string,
  path: string,
  options: CheckOptions,
  allowExtraKeys = false,
  member: (key: string) => string | undefined = () => undefined,
): SqlCheck[] {
  const required = new Set(schema.required);
  const checks = Object.entries(schema.properties).flatMap(([key, child]) =>
    schemaChecks(
      child,
      member(key) ?? `(${value} -> ${textLiteral(key)})`,
      path ? `${path}.${key}` : key,
      required.has(key),
      options,
    ),
  );
  if (options.additionalProperties === 'reject' && !allowExtraKeys) {
    const keys = Object.keys(schema.properties);
    const extra = `SELECT k FROM jsonb_object_keys(${value}) AS k WHERE k <> ALL (ARRAY[${keys.map(textLiteral).join(', ')}]::text[])`;
    // The object without its declared keys is empty unless there is another key (one call per row;
    // the key list itself is read only for the rows that fail).
    checks.push({
      path,
      rule: 'additional_property',
      expected: keys.length > 0 ? `only ${keys.join(', ')}` : 'no properties',
      condition: guarded(
        `jsonb_typeof(${value}) = 'object'`,
        `(${value} - ARRAY[${keys.map(textLiteral).join(', ')}]::text[]) <> '{}'::jsonb`,
      ),
      received: `(SELECT string_agg(k, ', ') FROM (${extra}) AS extra)`,
    });
  }
  return checks;
}
