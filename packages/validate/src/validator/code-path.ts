/**
 * A violation path in generated code: a JavaScript expression that evaluates to the path string,
 * plus the text itself while the path is static (no array index yet).
 */
export interface CodePath {
  readonly code: string;
  readonly text?: string;
}

const SIMPLE_KEY = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** The path segment for a key: `.key` for identifier-like keys, `["key"]` otherwise (always JSON-escaped). */
export function keySegment(base: string, key: string): string {
  if (SIMPLE_KEY.test(key)) return base === '' ? key : `${base}.${key}`;
  return `${base}[${JSON.stringify(key)}]`;
}

/** A static path. */
export function staticPath(text: string): CodePath {
  return { code: JSON.stringify(text), text };
}

/** The path of a property of the value at `path`. */
export function childKeyPath(path: CodePath, key: string): CodePath {
  if (path.text !== undefined) return staticPath(keySegment(path.text, key));
  return { code: `${path.code} + ${JSON.stringify(keySegment('', key).replace(/^(?=[A-Za-z_$])/, '.'))}` };
}

/** The path of an array item whose index is in the variable `index`. */
export function childIndexPath(path: CodePath, index: string): CodePath {
  return { code: `${path.code} + "[" + ${index} + "]"` };
}
