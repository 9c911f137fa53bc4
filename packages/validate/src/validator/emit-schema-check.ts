import type {
  AnyOfSchema,
  ArraySchema,
  JsonSchema,
  NumberSchema,
  ObjectSchema,
  StringSchema,
} from '@tributary/schema';
import { type CodePath, childIndexPath, childKeyPath } from './code-path.js';

/** What to do with undeclared properties of an object: the plan's setting, or `allow` (context root). */
export type ExtraMode = 'reject' | 'flag' | 'allow';

const EXTRA_MODE_CODE: Readonly<Record<ExtraMode, number>> = { allow: 0, reject: 1, flag: 2 };

/** Mutable bookkeeping of one generation run: module-level constants and a counter for unique names. */
export interface EmitState {
  readonly constants: string[];
  next: number;
  /** The plan's `additionalProperties` setting, applied to every nested object. */
  readonly extras: 'reject' | 'flag';
  /** The string limit in UTF-8 bytes: enum members within it need no scan. */
  readonly maxStringBytes: number;
}

/** Where a check writes: the variable holding the validation context (`{ out, fl, n, over }`). */
type Sink = string;

const FORMAT_CHECKS: Readonly<
  Record<NonNullable<StringSchema['format']>, { test: string; expected: string }>
> = {
  'date-time': { test: 'isDateTime', expected: 'an ISO-8601 date-time with a zone (2024-05-01T12:00:00Z)' },
  date: { test: 'isDate', expected: 'an ISO-8601 date (2024-05-01)' },
  email: { test: 'isEmail', expected: 'an email address' },
  uuid: { test: 'isUuid', expected: 'a UUID' },
  uri: { test: 'isUri', expected: 'an absolute URL' },
};

const lit = (value: unknown): string => JSON.stringify(value);

function fresh(state: EmitState, prefix: string): string {
  state.next += 1;
  return `${prefix}${state.next}`;
}

function fail(sink: Sink, path: CodePath, rule: string, expected: string, value: string): string {
  return `fail(${sink}, ${path.code}, ${lit(rule)}, ${lit(expected)}, ${value});`;
}

/**
 * Generates JavaScript statements that check the value in variable `v` against `schema`, pushing
 * every violation to the sink. `depth` is the value's nesting depth in the message (static).
 */
export function emitSchemaCheck(
  schema: JsonSchema,
  v: string,
  path: CodePath,
  depth: number,
  sink: Sink,
  state: EmitState,
): string {
  if ('anyOf' in schema) return emitAnyOf(schema, v, path, depth, sink, state);
  switch (schema.type) {
    case 'string':
      return emitString(schema, v, path, sink, state);
    case 'integer':
    case 'number':
      return emitNumber(schema, v, path, sink, state);
    case 'boolean': {
      const enumCheck = schema.enum
        ? `\nelse if (${schema.enum.map((e) => `${v} !== ${lit(e)}`).join(' && ')}) ${fail(sink, path, 'enum', `one of ${schema.enum.join(', ')}`, v)}`
        : '';
      return `if (typeof ${v} !== "boolean") ${fail(sink, path, 'type', 'a boolean', v)}${enumCheck}`;
    }
    case 'null':
      return `if (${v} !== null) ${fail(sink, path, 'type', 'null', v)}`;
    case 'object':
      return emitObject(schema, v, path, depth, sink, state, state.extras);
    case 'array':
      return emitArray(schema, v, path, depth, sink, state);
  }
}

function enumTest(values: readonly (string | number)[], v: string, state: EmitState): string {
  if (values.length <= 8) return values.map((e) => `${v} === ${lit(e)}`).join(' || ');
  const name = fresh(state, 'ENUM_');
  state.constants.push(`const ${name} = new Set(${lit(values)});`);
  return `${name}.has(${v})`;
}

function describeEnum(values: readonly (string | number)[]): string {
  const shown = values.slice(0, 20).map((e) => lit(e));
  return `one of ${shown.join(', ')}${values.length > shown.length ? `, … (${values.length} values)` : ''}`;
}

/** Formats whose checks accept ASCII text only: a string that passed one needs no NUL / surrogate scan. */
const ASCII_FORMATS: ReadonlySet<string> = new Set(['date-time', 'date', 'uuid']);

const isCleanText = (text: string, maxBytes: number) =>
  !/[\u0000\uD800-\uDFFF]/.test(text) && new TextEncoder().encode(text).length <= maxBytes;

function emitString(schema: StringSchema, v: string, path: CodePath, sink: Sink, state: EmitState): string {
  const checks: string[] = [];
  const textCheck = `if (badText(${v})) checkText(${v}, ${path.code}, ${sink});`;
  // A string equal to a clean enum member, or that passed an ASCII-only format, is known clean: the
  // text scan then runs only on the failure path.
  let scanned = false;
  if (schema.enum) {
    const clean = schema.enum.every((member) => isCleanText(member, state.maxStringBytes));
    const failure = fail(sink, path, 'enum', describeEnum(schema.enum), v);
    checks.push(
      `if (!(${enumTest(schema.enum, v, state)})) ${clean ? `{\n${indent(`${failure}\n${textCheck}`)}\n}` : failure}`,
    );
    scanned = clean;
  }
  if (schema.minLength !== undefined) {
    checks.push(
      `if (${v}.length < ${schema.minLength}) ${fail(sink, path, 'min_length', `at least ${schema.minLength} characters`, v)}`,
    );
  }
  if (schema.maxLength !== undefined) {
    checks.push(
      `if (${v}.length > ${schema.maxLength}) ${fail(sink, path, 'max_length', `at most ${schema.maxLength} characters`, v)}`,
    );
  }
  let patternTest: string | undefined;
  if (schema.pattern !== undefined) {
    const name = fresh(state, 'PATTERN_');
    state.constants.push(`const ${name} = new RegExp(${lit(schema.pattern)}, "u");`);
    patternTest = `if (!${name}.test(${v})) ${fail(sink, path, 'pattern', `text matching /${schema.pattern}/`, v)}`;
  }
  if (schema.format !== undefined) {
    const format = FORMAT_CHECKS[schema.format];
    const ascii = !scanned && ASCII_FORMATS.has(schema.format);
    const failure = fail(sink, path, 'format', format.expected, v);
    // zod exports its format regex as the pattern too: one violation for one mistake (pattern only after the format passed).
    // A value that passed an ASCII-only format has no NUL or surrogate; only its length is left (1 byte per character).
    const lengthCheck = ascii
      ? `\nelse if (${v}.length > LONG_STRING) checkText(${v}, ${path.code}, ${sink});`
      : '';
    checks.push(
      `if (!${format.test}(${v})) ${ascii ? `{\n${indent(`${failure}\n${textCheck}`)}\n}` : failure}${patternTest ? `\nelse ${patternTest}` : ''}${lengthCheck}`,
    );
    scanned ||= ascii;
  } else if (patternTest) {
    checks.push(patternTest);
  }
  if (!scanned) checks.push(textCheck);
  return `if (typeof ${v} === "string") {\n${indent(checks.join('\n'))}\n} else ${fail(sink, path, 'type', 'a string', v)}`;
}

function emitNumber(schema: NumberSchema, v: string, path: CodePath, sink: Sink, state: EmitState): string {
  const checks: string[] = [];
  const integer = schema.type === 'integer';
  if (integer) {
    checks.push(
      `if (!Number.isSafeInteger(${v})) ${fail(sink, path, 'integer', 'an integer from -(2^53-1) to 2^53-1', v)}`,
    );
  }
  if (schema.enum)
    checks.push(
      `if (!(${enumTest(schema.enum, v, state)})) ${fail(sink, path, 'enum', describeEnum(schema.enum), v)}`,
    );
  // Bounds implied by the safe-integer check (z.int() exports them) cost a comparison for nothing.
  const implied = (bound: number | undefined, safe: number) =>
    bound === undefined || (integer && bound === safe);
  if (!implied(schema.minimum, -Number.MAX_SAFE_INTEGER)) {
    checks.push(
      `if (${v} < ${schema.minimum}) ${fail(sink, path, 'minimum', `at least ${schema.minimum}`, v)}`,
    );
  }
  if (!implied(schema.maximum, Number.MAX_SAFE_INTEGER)) {
    checks.push(
      `if (${v} > ${schema.maximum}) ${fail(sink, path, 'maximum', `at most ${schema.maximum}`, v)}`,
    );
  }
  if (schema.exclusiveMinimum !== undefined) {
    checks.push(
      `if (${v} <= ${schema.exclusiveMinimum}) ${fail(sink, path, 'exclusive_minimum', `more than ${schema.exclusiveMinimum}`, v)}`,
    );
  }
  if (schema.exclusiveMaximum !== undefined) {
    checks.push(
      `if (${v} >= ${schema.exclusiveMaximum}) ${fail(sink, path, 'exclusive_maximum', `less than ${schema.exclusiveMaximum}`, v)}`,
    );
  }
  if (schema.multipleOf !== undefined) {
    checks.push(
      `if (!isMultipleOf(${v}, ${schema.multipleOf})) ${fail(sink, path, 'multiple_of', `a multiple of ${schema.multipleOf}`, v)}`,
    );
  }
  const expected = integer ? 'an integer' : 'a finite number';
  const body = checks.length > 0 ? `{\n${indent(checks.join('\n'))}\n}` : '{}';
  return `if (typeof ${v} === "number" && Number.isFinite(${v})) ${body} else ${fail(sink, path, 'type', expected, v)}`;
}

function emitObject(
  schema: ObjectSchema,
  v: string,
  path: CodePath,
  depth: number,
  sink: Sink,
  state: EmitState,
  mode: ExtraMode,
): string {
  const names = Object.keys(schema.properties);
  const required = new Set(schema.required);
  const locals = names.map(() => fresh(state, 'p'));
  const keys = fresh(state, 'k');
  const i = fresh(state, 'i');
  const declared = `no undeclared property (declared: ${names.length > 0 ? names.join(', ') : 'none'})`;
  // Inside a case the key is known to be own, so a load by literal name (fast, monomorphic) reads the own value.
  const cases = names.map((name, n) => `case ${lit(name)}: ${locals[n]} = ${v}[${lit(name)}]; break;`);
  cases.push(
    `default: extra(${v}, ${keys}[${i}], ${path.code}, ${depth + 1}, ${sink}, ${EXTRA_MODE_CODE[mode]}, ${lit(declared)});`,
  );
  const checks = names.map((name, n) => {
    const local = locals[n] as string;
    const at = childKeyPath(path, name);
    const check = emitSchemaCheck(schema.properties[name] as JsonSchema, local, at, depth + 1, sink, state);
    if (!required.has(name)) return `if (${local} !== undefined) {\n${indent(check)}\n}`;
    return `if (${local} === undefined) ${fail(sink, at, 'required', 'a value (the property is required)', 'undefined')}\nelse {\n${indent(check)}\n}`;
  });
  const body = [
    locals.length > 0 ? `let ${locals.join(', ')};` : '',
    `const ${keys} = Object.keys(${v});`,
    `if ((${sink}.n += ${keys}.length) <= MAX_ITEMS_TOTAL || tooMany(${sink}, ${path.code}, ${v})) {`,
    indent(
      `for (let ${i} = 0; ${i} < ${keys}.length; ${i}++) {\n${indent(`switch (${keys}[${i}]) {\n${indent(cases.join('\n'))}\n}`)}\n}`,
    ),
    indent(checks.join('\n')),
    '}',
  ].filter((line) => line !== '');
  return `if (typeof ${v} === "object" && ${v} !== null && !Array.isArray(${v})) {\n${indent(body.join('\n'))}\n} else ${fail(sink, path, 'type', 'an object', v)}`;
}

/** The root of an object schema with a chosen mode for undeclared properties (the context root allows them). */
export function emitObjectCheck(
  schema: ObjectSchema,
  v: string,
  path: CodePath,
  depth: number,
  state: EmitState,
  mode: ExtraMode,
): string {
  return emitObject(schema, v, path, depth, 'c', state, mode);
}

function emitArray(
  schema: ArraySchema,
  v: string,
  path: CodePath,
  depth: number,
  sink: Sink,
  state: EmitState,
): string {
  const i = fresh(state, 'i');
  const item = fresh(state, 'e');
  const checks: string[] = [];
  if (schema.minItems !== undefined) {
    checks.push(
      `if (${v}.length < ${schema.minItems}) ${fail(sink, path, 'min_items', `at least ${schema.minItems} items`, v)}`,
    );
  }
  if (schema.maxItems !== undefined) {
    checks.push(
      `if (${v}.length > ${schema.maxItems}) ${fail(sink, path, 'max_items', `at most ${schema.maxItems} items`, v)}`,
    );
  }
  const itemCheck = emitSchemaCheck(schema.items, item, childIndexPath(path, i), depth + 1, sink, state);
  checks.push(
    `if ((${sink}.n += ${v}.length) <= MAX_ITEMS_TOTAL || tooMany(${sink}, ${path.code}, ${v})) for (let ${i} = 0; ${i} < ${v}.length; ${i}++) {\n${indent(`const ${item} = ${v}[${i}];\n${itemCheck}`)}\n}`,
  );
  return `if (Array.isArray(${v})) {\n${indent(checks.join('\n'))}\n} else ${fail(sink, path, 'type', 'an array', v)}`;
}

function emitAnyOf(
  schema: AnyOfSchema,
  v: string,
  path: CodePath,
  depth: number,
  sink: Sink,
  state: EmitState,
): string {
  const nullable = schema.anyOf.some((m) => 'type' in m && m.type === 'null');
  const members = schema.anyOf.filter((m) => !('type' in m && m.type === 'null'));
  if (members.length === 1) {
    const check = emitSchemaCheck(members[0] as JsonSchema, v, path, depth, sink, state);
    return nullable ? `if (${v} !== null) {\n${indent(check)}\n}` : check;
  }
  // Each member checks into its own arrays; the first member whose only violations are text or size
  // limits (rules beyond the schema) wins and keeps its violations and flags.
  const ok = fresh(state, 'ok');
  const tries = members.map((member) => {
    const branch = fresh(state, 'b');
    const check = emitSchemaCheck(member, v, path, depth, branch, state);
    return `if (!${ok}) {\n${indent(`const ${branch} = { out: null, fl: null, n: ${sink}.n, over: ${sink}.over };\n${check}\nif (onlyLimits(${branch}.out)) { ${ok} = true; merge(${sink}, ${branch}); }`)}\n}`;
  });
  const expected = `one of: ${members.map(summary).join(' | ')}${nullable ? ' | null' : ''}`;
  const body = [
    `let ${ok} = ${nullable ? `${v} === null` : 'false'};`,
    ...tries,
    `if (!${ok}) ${fail(sink, path, 'any_of', expected, v)}`,
  ];
  return `{\n${indent(body.join('\n'))}\n}`;
}

function summary(schema: JsonSchema): string {
  if ('anyOf' in schema) return schema.anyOf.map(summary).join(' | ');
  return schema.type;
}

/** Indents every line of a block by two spaces. */
export function indent(code: string): string {
  return code
    .split('\n')
    .map((line) => (line === '' ? line : `  ${line}`))
    .join('\n');
}
