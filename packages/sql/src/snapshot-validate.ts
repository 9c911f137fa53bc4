/** A structural problem found in a snapshot, with the path to it. */
export interface SnapshotProblem {
  readonly path: string;
  readonly message: string;
}

type Check = (value: unknown, path: string) => SnapshotProblem | undefined;

const fail = (path: string, message: string): SnapshotProblem => ({ path, message });
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const string: Check = (v, p) =>
  typeof v === 'string' && v.length > 0 ? undefined : fail(p, 'expected a non-empty string');
const boolean: Check = (v, p) => (typeof v === 'boolean' ? undefined : fail(p, 'expected a boolean'));
const integer: Check = (v, p) => (Number.isInteger(v) ? undefined : fail(p, 'expected an integer'));
const literal: Check = (v, p) =>
  typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))
    ? undefined
    : fail(p, 'expected a string, number or boolean');

function optional(check: Check): Check {
  return (v, p) => (v === undefined ? undefined : check(v, p));
}

function array(item: Check): Check {
  return (v, p) => {
    if (!Array.isArray(v)) return fail(p, 'expected an array');
    for (const [i, x] of v.entries()) {
      const problem = item(x, `${p}[${i}]`);
      if (problem) return problem;
    }
    return undefined;
  };
}

function object(shape: Record<string, Check>): Check {
  return (v, p) => {
    if (!isObject(v)) return fail(p, 'expected an object');
    for (const [key, check] of Object.entries(shape)) {
      const problem = check(v[key], `${p}.${key}`);
      if (problem) return problem;
    }
    return undefined;
  };
}

function oneOf(values: readonly unknown[]): Check {
  return (v, p) =>
    values.includes(v)
      ? undefined
      : fail(p, `expected one of ${values.map((x) => JSON.stringify(x)).join(', ')}`);
}

function union(tag: string, variants: Record<string, Check>): Check {
  return (v, p) => {
    if (!isObject(v)) return fail(p, 'expected an object');
    const variant = variants[String(v[tag])];
    if (!variant) return fail(`${p}.${tag}`, `expected one of ${Object.keys(variants).join(', ')}`);
    return variant(v, p);
  };
}

const TYPE_NAMES = [
  'smallint',
  'integer',
  'bigint',
  'bigserial',
  'double precision',
  'numeric',
  'text',
  'boolean',
  'timestamptz',
  'date',
  'uuid',
  'jsonb',
];

const columnType: Check = (v, p) => {
  if (isObject(v) && v.name === 'varchar') {
    return Number.isInteger(v.length) && (v.length as number) > 0
      ? undefined
      : fail(`${p}.length`, 'expected a positive integer');
  }
  return object({ name: oneOf(TYPE_NAMES) })(v, p);
};

const key = object({ name: string, columns: array(string) });

const table = object({
  schema: string,
  name: string,
  origin: union('kind', {
    system: object({}),
    event: object({ event: string, major: integer, versions: array(integer) }),
  }),
  columns: array(
    object({
      name: string,
      type: columnType,
      nullable: boolean,
      default: optional(union('kind', { now: object({}), literal: object({ value: literal }) })),
      source: optional(object({ from: oneOf(['properties', 'context']), path: array(string) })),
    }),
  ),
  primaryKey: optional(key),
  uniques: array(key),
  checks: array(object({ kind: oneOf(['in']), name: string, column: string, values: array(literal) })),
  indexes: array(key),
});

/** Validates the shape of a warehouse model read from JSON; the first problem, or undefined. */
export function validateModel(value: unknown, path: string): SnapshotProblem | undefined {
  return object({ plan: string, schemas: array(string), tables: array(table) })(value, path);
}
