/**
 * Splits a PostgreSQL script into statements at top-level `;`, skipping semicolons inside quotes
 * ('…', "…", $tag$…$tag$) and comments (-- …, /* … *\/). Statements are trimmed; comment-only
 * and empty ones are dropped. Lets a runner report which statement of a file failed.
 */
export function splitSqlStatements(script: string): string[] {
  const out: string[] = [];
  let start = 0;
  let i = 0;
  while (i < script.length) {
    const ch = script[i];
    const next = script[i + 1];
    if (ch === "'" || ch === '"') {
      i = skipQuoted(script, i, ch);
    } else if (ch === '-' && next === '-') {
      const end = script.indexOf('\n', i);
      i = end === -1 ? script.length : end + 1;
    } else if (ch === '/' && next === '*') {
      const end = script.indexOf('*/', i + 2);
      i = end === -1 ? script.length : end + 2;
    } else if (ch === '$') {
      const tag = /^\$[A-Za-z_]*\$/.exec(script.slice(i))?.[0];
      if (tag) {
        const end = script.indexOf(tag, i + tag.length);
        i = end === -1 ? script.length : end + tag.length;
      } else i += 1;
    } else if (ch === ';') {
      push(out, script.slice(start, i));
      i += 1;
      start = i;
    } else i += 1;
  }
  push(out, script.slice(start));
  return out;
}

function skipQuoted(script: string, from: number, quote: string): number {
  let i = from + 1;
  while (i < script.length) {
    if (script[i] === quote) {
      if (script[i + 1] === quote) i += 2;
      else return i + 1;
    } else i += 1;
  }
  return i;
}

function push(out: string[], statement: string): void {
  const text = statement.trim();
  const meaningful = text
    .replace(/--[^\n]*\n?/g, '')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .trim();
  if (meaningful.length > 0) out.push(text);
}
