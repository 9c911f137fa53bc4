const SPECIAL = /[\\\t\n\r]/;
const SPECIALS = /[\\\t\n\r]/g;
const ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/**
 * A field in PostgreSQL's COPY text format: backslash, tab, newline and carriage return escaped
 * (NUL cannot occur: the collector rejects it before a row exists); `null` is `\N`.
 *
 * @example
 * copyField('a\tb\\c'); // 'a\\tb\\\\c'
 */
export function copyField(value: string | null): string {
  if (value === null) return '\\N';
  return SPECIAL.test(value) ? value.replace(SPECIALS, (c) => ESCAPES[c] as string) : value;
}

/**
 * `copyField` for JSON text from `JSON.stringify`, which escapes every control character, so only
 * a backslash can need escaping.
 */
export function copyJsonField(json: string): string {
  return json.includes('\\') ? json.replaceAll('\\', '\\\\') : json;
}
