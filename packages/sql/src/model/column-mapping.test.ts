import { normalizeJsonSchema } from '@tributary/schema';
import { describe, expect, test } from 'vitest';
import { columnTypeSql } from './types.js';
import { mapColumn } from './column-mapping.js';

/** Maps a raw JSON Schema (normalised the way plan documents are) and spells the result. */
function mapped(schema: Record<string, unknown>): string {
  const m = mapColumn(normalizeJsonSchema(schema, 'test'));
  const check = m.allowed ? ` CHECK (${m.allowed.map((v) => JSON.stringify(v)).join(', ')})` : '';
  return `${columnTypeSql(m.type)}${m.nullable ? ' NULL' : ''}${check}`;
}

describe('mapColumn: the JSON Schema → PostgreSQL type table', () => {
  test.each([
    // integers by range
    [{ type: 'integer' }, 'bigint'],
    [{ type: 'integer', minimum: 0 }, 'bigint'],
    [{ type: 'integer', maximum: 10 }, 'bigint'],
    [{ type: 'integer', minimum: -32768, maximum: 32767 }, 'smallint'],
    [{ type: 'integer', minimum: -32769, maximum: 0 }, 'integer'],
    [{ type: 'integer', minimum: 0, maximum: 32768 }, 'integer'],
    [{ type: 'integer', minimum: -2147483648, maximum: 2147483647 }, 'integer'],
    [{ type: 'integer', minimum: 0, maximum: 2147483648 }, 'bigint'],
    [{ type: 'integer', exclusiveMinimum: -32769, exclusiveMaximum: 32768 }, 'smallint'],
    [{ type: 'integer', minimum: -9007199254740991, maximum: 9007199254740991 }, 'bigint'],
    // numbers
    [{ type: 'number' }, 'double precision'],
    [{ type: 'number', minimum: 0, maximum: 1 }, 'double precision'],
    [{ type: 'number', 'x-tributary-money': { unit: 'major' } }, 'numeric'],
    [{ type: 'integer', minimum: 0, maximum: 100, 'x-tributary-money': { unit: 'minor' } }, 'numeric'],
    // enums
    [{ type: 'string', enum: ['b', "it's", 'a'] }, 'text CHECK ("a", "b", "it\'s")'],
    [{ type: 'string', enum: ['x'], maxLength: 3 }, 'text CHECK ("x")'],
    [{ type: 'integer', enum: [10, 1, 5] }, 'smallint CHECK (1, 5, 10)'],
    [{ type: 'integer', enum: [1, 100000] }, 'integer CHECK (1, 100000)'],
    [{ type: 'number', enum: [0.5, 1.5] }, 'double precision CHECK (0.5, 1.5)'],
    [{ type: 'boolean', enum: [true] }, 'boolean CHECK (true)'],
    // strings
    [{ type: 'string' }, 'text'],
    [{ type: 'string', maxLength: 64 }, 'varchar(64)'],
    [{ type: 'string', minLength: 3, maxLength: 3 }, 'varchar(3)'],
    [{ type: 'string', format: 'date-time' }, 'timestamptz'],
    [{ type: 'string', format: 'date' }, 'date'],
    [{ type: 'string', format: 'uuid' }, 'uuid'],
    [{ type: 'string', format: 'email' }, 'text'],
    [{ type: 'string', format: 'email', maxLength: 254 }, 'varchar(254)'],
    [{ type: 'string', format: 'uri' }, 'text'],
    [{ type: 'string', pattern: '^[a-z]+$' }, 'text'],
    // others
    [{ type: 'boolean' }, 'boolean'],
    [{ type: 'array', items: { type: 'string' } }, 'jsonb'],
    [{ type: 'array', items: { type: 'object', properties: { a: { type: 'integer' } } } }, 'jsonb'],
    [{ anyOf: [{ type: 'string' }, { type: 'integer' }] }, 'jsonb'],
    [{ type: 'object', properties: {} }, 'jsonb'],
    // nullable
    [{ anyOf: [{ type: 'string', maxLength: 8 }, { type: 'null' }] }, 'varchar(8) NULL'],
    [{ type: ['integer', 'null'], minimum: 0, maximum: 10 }, 'smallint NULL'],
    [{ anyOf: [{ type: 'string', enum: ['a', 'b'] }, { type: 'null' }] }, 'text NULL CHECK ("a", "b")'],
    [{ anyOf: [{ type: 'string' }, { type: 'integer' }, { type: 'null' }] }, 'jsonb NULL'],
  ])('%j → %s', (schema, expected) => {
    expect(mapped(schema)).toBe(expected);
  });
});
