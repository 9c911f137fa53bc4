import { describe, expect, it } from 'vitest';
import { splitStatements } from './split-statements.js';

const texts = (script: string) => splitStatements(script).map((s) => s.text);

describe('splitStatements', () => {
  it('splits at top-level semicolons and trims', () => {
    expect(texts('CREATE TABLE a (x int);\n  INSERT INTO a VALUES (1) ;SELECT 1')).toEqual([
      'CREATE TABLE a (x int)',
      'INSERT INTO a VALUES (1)',
      'SELECT 1',
    ]);
  });

  it('keeps semicolons inside single quotes, doubled quotes and E-strings', () => {
    expect(texts("SELECT 'a;b', 'it''s;'; SELECT E'x\\';y'; SELECT 2")).toEqual([
      "SELECT 'a;b', 'it''s;'",
      "SELECT E'x\\';y'",
      'SELECT 2',
    ]);
  });

  it('does not treat a backslash as an escape in standard strings', () => {
    expect(texts("SELECT 'C:\\'; SELECT 2")).toEqual(["SELECT 'C:\\'", 'SELECT 2']);
  });

  it('keeps semicolons inside quoted identifiers', () => {
    expect(texts('CREATE TABLE "we;ird" (x int); SELECT 1')).toEqual([
      'CREATE TABLE "we;ird" (x int)',
      'SELECT 1',
    ]);
  });

  it('keeps dollar-quoted bodies whole, with and without tags', () => {
    const fn =
      'CREATE FUNCTION f() RETURNS int AS $body$ BEGIN PERFORM 1; RETURN $$;$$::int; END $body$ LANGUAGE plpgsql';
    expect(texts(`${fn};\nDO $$ BEGIN NULL; END $$;`)).toEqual([fn, 'DO $$ BEGIN NULL; END $$']);
  });

  it('does not mistake positional parameters or identifiers with $ for dollar quotes', () => {
    expect(texts('PREPARE p AS SELECT $1; SELECT a$b FROM t')).toEqual([
      'PREPARE p AS SELECT $1',
      'SELECT a$b FROM t',
    ]);
  });

  it('ignores semicolons in line and nested block comments and drops comment-only chunks', () => {
    const script =
      '-- header; still a comment\n/* outer; /* inner; */ still; */\nSELECT 1; -- trailing;\n/* only a comment; */';
    expect(texts(script)).toEqual(['-- header; still a comment\n/* outer; /* inner; */ still; */\nSELECT 1']);
  });

  it('reports the line where each statement starts', () => {
    expect(splitStatements('-- c\n\nSELECT 1;\n\nSELECT\n2;').map((s) => s.line)).toEqual([3, 5]);
  });

  it('returns nothing for an empty or comment-only script', () => {
    expect(splitStatements('  \n-- nothing\n/* here */ ;;')).toEqual([]);
  });
});
