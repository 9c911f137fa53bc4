import { decodeKey, skipString, skipValue, skipWhitespace } from './json-text.js';

/** Text without its `writeKey` members, and the string values those members had. */
export interface StrippedText {
  readonly text: string;
  /** The non-empty string values of the removed members: secrets to redact elsewhere too. */
  readonly removedKeys: readonly string[];
}

/**
 * Removes every `writeKey` member, at any depth, from JSON text as received, together with one
 * comma next to it, and leaves every other character as it was (numbers are not re-serialised,
 * valid JSON stays valid). Keys are compared decoded, so `"write\u004bey"` is one too. Text that
 * is not JSON is scanned the same way as far as it goes: a quoted `writeKey` key followed by `:`
 * loses its value up to the next delimiter (or the end of the text, for an unterminated string).
 *
 * @example
 * stripWriteKeys('{"writeKey":"wk_1","batch":[]}'); // { text: '{"batch":[]}', removedKeys: ['wk_1'] }
 */
export function stripWriteKeys(text: string): StrippedText {
  // Without the name or a \u escape that could spell it there is nothing to remove.
  if (!text.includes('writeKey') && !text.includes('\\u')) return { text, removedKeys: [] };
  const removedKeys: string[] = [];
  let out = '';
  let keptFrom = 0;
  let i = 0;
  while (i < text.length) {
    if (text[i] !== '"') {
      i++;
      continue;
    }
    const keyEnd = skipString(text, i);
    const colon = skipWhitespace(text, keyEnd);
    if (text[colon] !== ':' || decodeKey(text.slice(i, keyEnd)) !== 'writeKey') {
      i = keyEnd;
      continue;
    }
    const valueStart = skipWhitespace(text, colon + 1);
    const valueEnd = skipValue(text, valueStart);
    if (text[valueStart] === '"') {
      const value = decodeKey(text.slice(valueStart, valueEnd));
      if (value !== '') removedKeys.push(value);
    }
    // The comma before the member if it is still there, else the one after it: either way one
    // member and one comma go, so `{"a":1,"writeKey":"x","writeKey":"y"}` becomes `{"a":1}`.
    let start = i;
    let end = valueEnd;
    const previous = lastNonWhitespace(text, i - 1);
    if (previous >= keptFrom && text[previous] === ',') start = previous;
    else {
      const next = skipWhitespace(text, valueEnd);
      if (text[next] === ',') end = skipWhitespace(text, next + 1);
    }
    out += text.slice(keptFrom, start);
    keptFrom = end;
    i = end;
  }
  return { text: keptFrom === 0 ? text : out + text.slice(keptFrom), removedKeys };
}

function lastNonWhitespace(text: string, from: number): number {
  let i = from;
  while (i >= 0 && /\s/.test(text[i] as string)) i--;
  return i;
}
