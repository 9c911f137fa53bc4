import { describe, expect, test } from 'vitest';
import { SqlError } from '../errors.js';
import { shortenIdentifier } from '../identifiers.js';
import { compileDdl } from '../render-sql.js';
import { testDocument } from '../test-helpers/plans.js';
import { planToWarehouse } from './plan-to-warehouse.js';

function collision(run: () => unknown): SqlError {
  try {
    run();
  } catch (error) {
    if (error instanceof SqlError) return error;
    throw error;
  }
  throw new Error('expected an identifier_collision error');
}

describe('reserved words as event and property names', () => {
  const document = testDocument([
    {
      name: 'user',
      properties: { order: { type: 'string' }, select: { type: 'integer', minimum: 0, maximum: 9 } },
      required: ['order'],
    },
    {
      name: 'order',
      properties: {
        user: { type: 'string', enum: ['a', "it's"] },
        group: { type: 'object', properties: { from: { type: 'boolean' } } },
      },
    },
    { name: 'select', properties: { where: { type: 'string', format: 'date' } } },
  ]);

  test('are quoted everywhere they appear in the DDL', () => {
    const ddl = compileDdl(planToWarehouse(document));
    expect(ddl).toContain('create table "processed"."user" (');
    expect(ddl).toContain('  "order" text not null,\n  "select" smallint,');
    expect(ddl).toContain('create table "processed"."order" (');
    expect(ddl).toContain('  "group_from" boolean,\n  "user" text,');
    expect(ddl).toContain(`constraint "order_user_check" check ("user" in ('a', 'it''s'))`);
    expect(ddl).toContain('create table "processed"."select" (');
    expect(ddl).toContain('  "where" date,');
    expect(ddl).toContain('create index "user_timestamp_idx" on "processed"."user" ("timestamp");');
    expect(ddl).toContain('create index "select_user_id_idx" on "processed"."select" ("user_id");');
    // No identifier is left unquoted: every word after a column position is quoted.
    expect(ddl).not.toMatch(/\n\s+(order|select|user|where|group_from)\s/);
  });
});

describe('the 63-byte limit', () => {
  const longEvent = `e${'x'.repeat(61)}`; // 62 bytes: a valid event name
  const longProp = `p${'y'.repeat(59)}`; // 60 bytes

  test('a nested path flattened past 63 bytes is shortened with a hash, and its CHECK name too', () => {
    const document = testDocument([
      {
        name: 'nest',
        properties: {
          [longProp]: {
            type: 'object',
            properties: { inner_value: { type: 'string', enum: ['a'] } },
            required: ['inner_value'],
          },
        },
        required: [longProp],
      },
    ]);
    const table = planToWarehouse(document).tables.find((t) => t.name === 'nest');
    const full = `${longProp}_inner_value`;
    const column = table?.columns.at(-1);
    expect(column?.name).toBe(shortenIdentifier(full));
    expect(column?.name).toHaveLength(63);
    expect(column?.name.startsWith(full.slice(0, 54))).toBe(true);
    expect(table?.checks[0]?.name).toBe(shortenIdentifier(`nest_${column?.name}_check`));
    expect(compileDdl(planToWarehouse(document))).toContain(`"${column?.name}" text not null`);
  });

  test('a breaking version of a 62-byte event gets a shortened table name; its constraints and indexes fit too', () => {
    const document = testDocument([
      { name: longEvent, version: 1, properties: { a: { type: 'string' } }, required: ['a'] },
      { name: longEvent, version: 2, properties: { b: { type: 'string' } }, required: ['b'] },
    ]);
    const names = planToWarehouse(document).tables.filter((t) => t.origin.kind === 'event');
    expect(names.map((t) => t.name)).toEqual([longEvent, shortenIdentifier(`${longEvent}_v2`)]);
    for (const table of names) {
      for (const name of [
        table.name,
        table.primaryKey?.name ?? '',
        ...table.indexes.map((i) => i.name),
        ...table.checks.map((c) => c.name),
      ]) {
        expect(Buffer.byteLength(name)).toBeLessThanOrEqual(63);
      }
    }
  });
});

describe('collisions are errors naming both sources', () => {
  test('property "a_b" and nested "a.b" (after flattening)', () => {
    const error = collision(() =>
      planToWarehouse(
        testDocument([
          {
            name: 'thing',
            properties: {
              a_b: { type: 'string' },
              a: { type: 'object', properties: { b: { type: 'string' } } },
            },
          },
        ]),
      ),
    );
    expect(error.code).toBe('identifier_collision');
    expect(error.message).toBe(
      'table processed.thing: property "a.b" of thing v1 and property "a_b" of thing v1 both become column "a_b" after flattening nested objects with "_"; rename one of them.',
    );
  });

  test('a nested property and an envelope column ("session.id" → session_id)', () => {
    const error = collision(() =>
      planToWarehouse(
        testDocument([
          {
            name: 'thing',
            properties: { session: { type: 'object', properties: { id: { type: 'string' } } } },
          },
        ]),
      ),
    );
    expect(error.message).toBe(
      'table processed.thing: envelope column "session_id" and property "session.id" of thing v1 both become column "session_id" after flattening nested objects with "_"; rename one of them.',
    );
  });

  test('two context properties that flatten to the same context_ column', () => {
    const error = collision(() =>
      planToWarehouse(
        testDocument([{ name: 'thing', properties: {} }], {
          device_model: { type: 'string' },
          device: { type: 'object', properties: { model: { type: 'string' } } },
        }),
      ),
    );
    expect(error.message).toBe(
      'table processed.thing: context property "device.model" and context property "device_model" both become column "context_device_model" after flattening nested objects with "_"; rename one of them.',
    );
  });

  test('a property added in a later version colliding with an earlier nested one', () => {
    const error = collision(() =>
      planToWarehouse(
        testDocument([
          {
            name: 'thing',
            version: 1,
            properties: { a: { type: 'object', properties: { b: { type: 'string' } } } },
          },
          {
            name: 'thing',
            version: 2,
            properties: {
              a: { type: 'object', properties: { b: { type: 'string' } } },
              a_b: { type: 'string' },
            },
          },
        ]),
      ),
    );
    expect(error.message).toBe(
      'table processed.thing: property "a.b" of thing v1 and property "a_b" of thing v2 both become column "a_b" after flattening nested objects with "_"; rename one of them.',
    );
  });

  test('two long names that shorten to the same identifier', () => {
    const long = `q${'z'.repeat(70)}`; // the nested path q…z.x flattens to 73 bytes
    const shortened = shortenIdentifier(`${long.slice(0, 40)}_${long.slice(41)}_x`);
    const first = long.slice(0, 40);
    const rest = `${long.slice(41)}_x`;
    // A property literally named like the shortened form of the nested path.
    const error = collision(() =>
      planToWarehouse(
        testDocument([
          {
            name: 'thing',
            properties: {
              [first]: { type: 'object', properties: { [rest]: { type: 'string' } } },
              [shortened]: { type: 'string' },
            },
          },
        ]),
      ),
    );
    expect(error.code).toBe('identifier_collision');
    expect(error.message).toContain(`both become column "${shortened}" after shortening to 63 bytes`);
    expect(error.message).toContain(`property "${first}.${rest}" of thing v1`);
    expect(error.message).toContain(`property "${shortened}" of thing v1`);
  });

  test('an event named like another event’s breaking-version table', () => {
    const error = collision(() =>
      planToWarehouse(
        testDocument([
          { name: 'thing', version: 1, properties: { a: { type: 'string' } }, required: ['a'] },
          { name: 'thing', version: 2, properties: { b: { type: 'string' } }, required: ['b'] },
          { name: 'thing_v2', properties: { c: { type: 'string' } } },
        ]),
      ),
    );
    expect(error.message).toBe(
      'schema processed: event "thing" v2 (breaking change, new table) and event "thing_v2" both become table "thing_v2" as table names; rename one of them.',
    );
  });

  test('an event table named like another table’s index', () => {
    const error = collision(() =>
      planToWarehouse(
        testDocument([
          { name: 'thing', properties: {} },
          { name: 'thing_timestamp_idx', properties: {} },
        ]),
      ),
    );
    expect(error.message).toBe(
      'schema processed: index of processed.thing (timestamp) and table processed.thing_timestamp_idx both become relation "thing_timestamp_idx" as relation names; rename one of them.',
    );
  });
});
