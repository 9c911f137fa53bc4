// Scanning JSON text without parsing it, to find where values are in the body as received. On
// valid JSON these are exact; on other text they go as far as they can (an unterminated string or
// container runs to the end), which is what the write-key filter needs for bodies that are not JSON.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
/** What ends a number or literal: whitespace, structure and quotes. */
const DELIMITERS = new Set([...' \t\n\r,:[]{}"'].map((c) => c.charCodeAt(0)));

/** The index of the first character at or after `from` that is not JSON whitespace. */
export function skipWhitespace(text: string, from: number): number {
  let i = from;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
  }
  return i;
}

/** `from` is an opening quote: the index after the closing one, or the text's length if there is none. */
export function skipString(text: string, from: number): number {
  for (let i = from + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) i++;
    else if (c === QUOTE) return i + 1;
  }
  return text.length;
}

/**
 * The index after the value that starts at `from` (a string, an object or array with everything
 * in it, or a number/literal up to the next delimiter).
 */
export function skipValue(text: string, from: number): number {
  const first = text[from];
  if (first === '"') return skipString(text, from);
  if (first !== '{' && first !== '[') {
    let i = from;
    while (i < text.length && !DELIMITERS.has(text.charCodeAt(i))) i++;
    return i === from ? Math.min(from + 1, text.length) : i;
  }
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === '"') i = skipString(text, i) - 1;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return text.length;
}

/** What a key token (`"writeKey"`, `"write\u004bey"`) stands for; its raw inside when it cannot be decoded. */
export function decodeKey(token: string): string {
  const inner = token.slice(1, token.endsWith('"') && token.length > 1 ? -1 : undefined);
  if (!inner.includes('\\')) return inner;
  try {
    return JSON.parse(`"${inner}"`) as string;
  } catch {
    return inner;
  }
}
