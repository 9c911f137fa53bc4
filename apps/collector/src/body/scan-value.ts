import type { Reason } from '../messages/reason.js';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * The deepest nesting of arrays/objects in a parsed JSON value. Recursive, without allocating, and
 * it stops as soon as the depth passes `stopAbove`, so the recursion is at most that deep.
 */
export function nestingDepth(value: unknown, stopAbove: number): number {
  return depthBelow(value, 0, stopAbove);
}

function depthBelow(value: unknown, depth: number, stopAbove: number): number {
  if (typeof value !== 'object' || value === null) return depth;
  const level = depth + 1;
  if (level > stopAbove) return level;
  let deepest = level;
  if (Array.isArray(value)) {
    for (const item of value) {
      if (typeof item !== 'object' || item === null) continue;
      const below = depthBelow(item, level, stopAbove);
      if (below > deepest) deepest = below;
      if (deepest > stopAbove) return deepest;
    }
    return deepest;
  }
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    const child = (value as Record<string, unknown>)[key];
    if (typeof child !== 'object' || child === null) continue;
    const below = depthBelow(child, level, stopAbove);
    if (below > deepest) deepest = below;
    if (deepest > stopAbove) return deepest;
  }
  return deepest;
}

// String.prototype.isWellFormed (ES2024) is in Node 20 but not in the ES2023 lib typings.
const wellFormed = (text: string): boolean => (text as unknown as { isWellFormed(): boolean }).isWellFormed();

/**
 * True when every key and string is storable and every number finite: the fast check run on
 * every message; only when it fails does `findUnstorableValues` build paths and reasons.
 */
export function isStorable(value: unknown): boolean {
  if (typeof value === 'string') return wellFormed(value) && !value.includes('\u0000');
  if (typeof value === 'number') return Number.isFinite(value);
  if (typeof value !== 'object' || value === null) return true;
  if (Array.isArray(value)) {
    for (const item of value) if (!isStorable(item)) return false;
    return true;
  }
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    if (!wellFormed(key) || key.includes('\u0000')) return false;
    if (!isStorable((value as Record<string, unknown>)[key])) return false;
  }
  return true;
}

/**
 * Finds what PostgreSQL `jsonb` cannot store or JSON would silently change: NUL characters and
 * lone UTF-16 surrogates in keys or strings, and non-finite numbers (`1e999` parses to Infinity).
 * Own keys only, so `__proto__` is just a key. Paths look like `properties.items[3].sku`.
 */
export function findUnstorableValues(value: unknown, path = ''): Reason[] {
  const reasons: Reason[] = [];
  const stack: [unknown, string][] = [[value, path]];
  while (stack.length > 0) {
    const [current, at] = stack.pop() as [unknown, string];
    if (typeof current === 'string') checkString(current, at, 'value', reasons);
    else if (typeof current === 'number' && !Number.isFinite(current))
      reasons.push({
        path: at,
        rule: 'non_finite_number',
        expected: 'a finite number',
        received: String(current),
        message: `${at || 'value'} is a number too large to represent (parsed as ${current}).`,
      });
    else if (Array.isArray(current))
      current.forEach((item, index) => {
        stack.push([item, `${at}[${index}]`]);
      });
    else if (typeof current === 'object' && current !== null)
      for (const key of Object.keys(current)) {
        const child = at === '' ? key : `${at}.${key}`;
        checkString(key, child, 'key', reasons);
        stack.push([(current as Record<string, unknown>)[key], child]);
      }
  }
  return reasons;
}

function checkString(text: string, path: string, what: 'key' | 'value', reasons: Reason[]): void {
  if (text.includes('\u0000'))
    reasons.push({
      path,
      rule: 'nul_character',
      expected: `a ${what} without NUL (\\u0000) characters`,
      received: 'a string containing \\u0000',
      message: `The ${what} at ${path || 'the root'} contains a NUL character, which the warehouse cannot store.`,
    });
  if (LONE_SURROGATE.test(text))
    reasons.push({
      path,
      rule: 'lone_surrogate',
      expected: `a ${what} of well-formed UTF-16`,
      received: 'a string with an unpaired surrogate',
      message: `The ${what} at ${path || 'the root'} contains an unpaired UTF-16 surrogate, which is not valid Unicode.`,
    });
}

/**
 * Text that PostgreSQL can store in a `text` column: NUL and lone surrogates are written as the
 * six-character escapes `\u0000` / `\udXXX`, so rejected payloads keep what arrived.
 */
export function storableText(text: string): string {
  return text.replace(
    /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
    (match) => `\\u${match.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
