/** One statement of a SQL script, with its 1-based line. */
export interface ScriptStatement {
  readonly text: string;
  readonly line: number;
}

/**
 * Splits a PostgreSQL script at top-level semicolons. Quotes ('…', E'…' with backslash escapes,
 * "…"), dollar quotes ($$…$$, $tag$…$tag$), line comments and nested block comments are kept
 * intact; chunks that hold only comments or whitespace are dropped.
 */
export function splitStatements(script: string): ScriptStatement[] {
  const statements: ScriptStatement[] = [];
  let start = 0;
  let hasCode = false;
  let firstCodeAt = 0;
  let i = 0;
  const push = (end: number) => {
    if (hasCode) {
      const raw = script.slice(start, end);
      const text = raw.trim();
      statements.push({ text, line: lineAt(script, firstCodeAt) });
    }
    start = end + 1;
    hasCode = false;
  };
  const markCode = (at: number) => {
    if (!hasCode) {
      hasCode = true;
      firstCodeAt = at;
    }
  };
  while (i < script.length) {
    const ch = script[i] as string;
    const next = script[i + 1];
    if (ch === '-' && next === '-') {
      const end = script.indexOf('\n', i);
      i = end === -1 ? script.length : end + 1;
    } else if (ch === '/' && next === '*') {
      i = skipBlockComment(script, i);
    } else if (ch === "'") {
      markCode(i);
      const escaped = i > 0 && /[eE]/.test(script[i - 1] as string) && !isIdentifierChar(script[i - 2]);
      i = skipQuoted(script, i, "'", escaped);
    } else if (ch === '"') {
      markCode(i);
      i = skipQuoted(script, i, '"', false);
    } else if (ch === '$' && !isIdentifierChar(script[i - 1])) {
      markCode(i);
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(script.slice(i, i + 64));
      if (tag) {
        const close = script.indexOf(tag[0], i + tag[0].length);
        i = close === -1 ? script.length : close + tag[0].length;
      } else {
        i++;
      }
    } else if (ch === ';') {
      push(i);
      i++;
    } else {
      if (!/\s/.test(ch)) markCode(i);
      i++;
    }
  }
  push(script.length);
  return statements;
}

function skipBlockComment(script: string, from: number): number {
  let depth = 0;
  let i = from;
  while (i < script.length) {
    if (script[i] === '/' && script[i + 1] === '*') {
      depth++;
      i += 2;
    } else if (script[i] === '*' && script[i + 1] === '/') {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else {
      i++;
    }
  }
  return i;
}

function skipQuoted(script: string, from: number, quote: string, backslashEscapes: boolean): number {
  let i = from + 1;
  while (i < script.length) {
    const ch = script[i];
    if (backslashEscapes && ch === '\\') {
      i += 2;
    } else if (ch === quote) {
      if (script[i + 1] === quote) i += 2;
      else return i + 1;
    } else {
      i++;
    }
  }
  return i;
}

function isIdentifierChar(ch: string | undefined): boolean {
  return ch !== undefined && /[A-Za-z0-9_$]/.test(ch);
}

function lineAt(script: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (script.charCodeAt(i) === 10) line++;
  return line;
}
