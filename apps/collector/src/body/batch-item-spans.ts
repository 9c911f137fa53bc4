import { decodeKey, skipString, skipValue, skipWhitespace } from './json-text.js';

/** Where a value is in the body text: `text.slice(start, end)`. */
export interface TextSpan {
  readonly start: number;
  readonly end: number;
}

/**
 * Where each item of the body's `batch` array is in the body text, so a rejected message can be
 * stored as the exact text that arrived (`9007199254740993` and `1e400` survive, which a parse and
 * re-serialisation would turn into `…992` and `null`). `text` must be JSON that parsed to an object;
 * with several `batch` members the last one counts, as in `JSON.parse`. Empty when there is none.
 *
 * @example
 * batchItemSpans('{"batch":[1e400, {"a":1}]}'); // [{ start: 10, end: 15 }, { start: 17, end: 24 }]
 */
export function batchItemSpans(text: string): TextSpan[] {
  let batch: TextSpan | undefined;
  let i = skipWhitespace(text, 0) + 1;
  for (;;) {
    i = skipWhitespace(text, i);
    if (i >= text.length || text[i] === '}') break;
    const keyEnd = skipString(text, i);
    const key = decodeKey(text.slice(i, keyEnd));
    const valueStart = skipWhitespace(text, skipWhitespace(text, keyEnd) + 1);
    const valueEnd = skipValue(text, valueStart);
    if (key === 'batch') batch = { start: valueStart, end: valueEnd };
    i = skipWhitespace(text, valueEnd);
    if (text[i] === ',') i++;
  }
  if (!batch || text[batch.start] !== '[') return [];
  const items: TextSpan[] = [];
  i = batch.start + 1;
  for (;;) {
    i = skipWhitespace(text, i);
    if (i >= batch.end || text[i] === ']') break;
    const end = skipValue(text, i);
    items.push({ start: i, end });
    i = skipWhitespace(text, end);
    if (text[i] === ',') i++;
  }
  return items;
}
