import { describe, expect, test } from 'vitest';
import { splitSqlStatements } from './split-sql.js';

describe('splitSqlStatements', () => {
  test('splits at top-level semicolons only', () => {
    const script = [
      '-- header; with a semicolon',
      'create table "a;b" ("x" text check ("x" in (\'1;2\', \'it\'\'s;\')));',
      '/* block; comment */',
      'select $$ a; b $$, $tag$ ; $tag$;',
      'select 1',
    ].join('\n');
    expect(splitSqlStatements(script)).toEqual([
      '-- header; with a semicolon\ncreate table "a;b" ("x" text check ("x" in (\'1;2\', \'it\'\'s;\')))',
      '/* block; comment */\nselect $$ a; b $$, $tag$ ; $tag$',
      'select 1',
    ]);
  });

  test('drops empty and comment-only pieces', () => {
    expect(splitSqlStatements(';;\n-- only a comment\n;  ')).toEqual([]);
  });
});
