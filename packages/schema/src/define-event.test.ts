import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SchemaDefinitionError, TributaryError } from './errors.js';
import { defineEvent, zodSchemaOf } from './event.js';
import { definePlan } from './plan.js';
import { purchase, testPlan } from './test-plan.js';

function errorOf(fn: () => unknown): SchemaDefinitionError {
  try {
    fn();
  } catch (error) {
    if (error instanceof SchemaDefinitionError) return error;
    throw error;
  }
  throw new Error('expected a SchemaDefinitionError');
}

const event =
  (properties: z.ZodObject, name = 'some_event') =>
  () =>
    defineEvent({ name, version: 1, properties });

describe('defineEvent', () => {
  it('produces normalised JSON Schema for every supported kind', () => {
    expect(purchase.properties).toEqual({
      type: 'object',
      additionalProperties: false,
      required: ['currency', 'items', 'placed_at', 'price_cents', 'sku', 'store'],
      properties: {
        coupon: { anyOf: [{ type: 'string' }, { type: 'null' }] },
        currency: { type: 'string', minLength: 3, maxLength: 3 },
        items: {
          type: 'array',
          maxItems: 50,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['id', 'quantity'],
            properties: {
              id: { type: 'string' },
              quantity: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
            },
          },
        },
        placed_at: expect.objectContaining({ type: 'string', format: 'date-time' }),
        price_cents: {
          type: 'integer',
          minimum: 0,
          maximum: Number.MAX_SAFE_INTEGER,
          'x-tributary-money': { unit: 'minor' },
        },
        sku: { type: 'string', minLength: 1, maxLength: 64 },
        store: {
          type: 'object',
          additionalProperties: false,
          required: ['country', 'name'],
          properties: {
            country: { anyOf: [{ type: 'string' }, { type: 'null' }] },
            name: { type: 'string' },
          },
        },
      },
    });
    expect(purchase.priority).toBe('critical');
    expect(zodSchemaOf(purchase)).toBeInstanceOf(z.ZodObject);
  });

  it('turns literal unions into enums and keeps formats', () => {
    const e = defineEvent({
      name: 'formats',
      version: 1,
      properties: z.object({
        kind: z.union([z.literal('a'), z.literal('b')]),
        small: z.union([z.literal(1), z.literal(2)]),
        flag: z.literal(true),
        id: z.uuid(),
        mail: z.email(),
        link: z.url(),
        day: z.iso.date(),
        mixed: z.union([z.string(), z.number()]),
      }),
    });
    const p = e.properties.properties;
    expect(p.kind).toEqual({ type: 'string', enum: ['a', 'b'] });
    expect(p.small).toEqual({ type: 'number', enum: [1, 2] });
    expect(p.flag).toEqual({ type: 'boolean', enum: [true] });
    expect(p.id).toMatchObject({ type: 'string', format: 'uuid' });
    expect(p.mail).toMatchObject({ type: 'string', format: 'email' });
    expect(p.link).toEqual({ type: 'string', format: 'uri' });
    expect(p.day).toMatchObject({ type: 'string', format: 'date' });
    expect(p.mixed).toEqual({ anyOf: [{ type: 'string' }, { type: 'number' }] });
  });

  describe('names', () => {
    it.each([
      ['LevelUp', /event name "LevelUp" must match .*try "level_up"/],
      ['level-up', /event name "level-up" must match/],
      ['1st_event', /must match/],
      ['a'.repeat(64), /is 64 bytes long; the limit is 63 bytes/],
    ])('refuses event name %j', (name, message) => {
      const error = errorOf(event(z.object({ x: z.string() }), name));
      expect(error.code).toBe('invalid_name');
      expect(error.message).toMatch(message);
    });

    it('refuses reserved envelope names at the top level, naming event and path', () => {
      for (const reserved of [
        'message_id',
        'user_id',
        'timestamp',
        'event',
        'session_id',
        'context_platform',
      ]) {
        const error = errorOf(event(z.object({ [reserved]: z.string() })));
        expect(error.code).toBe('reserved_name');
        expect(error.message).toContain(`event "some_event" v1: ${reserved}`);
      }
    });

    it('allows envelope names inside nested objects', () => {
      expect(() =>
        event(z.object({ last_login: z.object({ timestamp: z.iso.datetime() }) }))(),
      ).not.toThrow();
    });

    it('refuses a bad nested property name with its full path', () => {
      const error = errorOf(event(z.object({ player: z.object({ stats: z.object({ maxHP: z.int() }) }) })));
      expect(error.message).toContain('player.stats.maxHP');
      expect(error.message).toContain('try "max_hp"');
    });

    it('refuses a duplicate event version in a plan', () => {
      const a = defineEvent({ name: 'dup', version: 1, properties: z.object({ a: z.string() }) });
      const b = defineEvent({ name: 'dup', version: 1, properties: z.object({ b: z.string() }) });
      const error = errorOf(() => definePlan({ name: 'p', events: [a, b] }));
      expect(error.code).toBe('duplicate_name');
      expect(error.message).toMatch(/event "dup" version 1 is defined twice/);
    });

    it('refuses invalid versions and priorities', () => {
      expect(errorOf(() => defineEvent({ name: 'e', version: 0, properties: z.object({}) })).message).toMatch(
        /version must be an integer from 1/,
      );
      expect(
        errorOf(() => defineEvent({ name: 'e', version: 1.5, properties: z.object({}) })).message,
      ).toMatch(/version/);
      expect(
        errorOf(() =>
          defineEvent({ name: 'e', version: 1, properties: z.object({}), priority: 'urgent' as never }),
        ).message,
      ).toMatch(/priority must be one of critical, normal, low/);
    });
  });

  describe('unsupported constructs are refused with what to use instead', () => {
    it.each([
      [
        'transform',
        z.object({ a: z.string().transform((s) => s.length) }),
        /a: z.transform\/pipe\(\) is not supported: .*track the raw value/,
      ],
      [
        'refine',
        z.object({ a: z.string().refine((s) => s.length > 2) }),
        /a: .refine\(\)\/.check\(\) is not supported/,
      ],
      [
        'map',
        z.object({ a: z.map(z.string(), z.string()) }),
        /a: z.map\(\) is not supported: .*array of \{ key, value \}/,
      ],
      ['set', z.object({ a: z.set(z.string()) }), /z.set\(\) is not supported: .*use an array/],
      ['record', z.object({ a: z.record(z.string(), z.int()) }), /z.record\(\) is not supported/],
      ['date', z.object({ a: z.date() }), /z.date\(\) is not supported: .*z.iso.datetime\(\)/],
      ['bigint', z.object({ a: z.bigint() }), /z.bigint\(\) is not supported/],
      ['any', z.object({ a: z.any() }), /z.any\(\) is not supported/],
      ['unknown', z.object({ a: z.unknown() }), /z.unknown\(\) is not supported/],
      ['tuple', z.object({ a: z.tuple([z.string(), z.int()]) }), /z.tuple\(\) is not supported/],
      ['default', z.object({ a: z.string().default('x') }), /z.default\(\) is not supported: .*optional/],
      ['catch', z.object({ a: z.string().catch('x') }), /z.catch\(\) is not supported/],
      ['trim', z.object({ a: z.string().trim() }), /value-changing check .* normalise text in the ETL/],
      [
        'intersection',
        z.object({ a: z.intersection(z.object({ x: z.string() }), z.object({ y: z.string() })) }),
        /intersection/,
      ],
      ['loose object', z.looseObject({ a: z.string() }), /open objects/],
      [
        'nested in array',
        z.object({ list: z.array(z.object({ when: z.date() })) }),
        /list\[\]\.when: z.date\(\)/,
      ],
    ])('%s', (_label, properties, message) => {
      const error = errorOf(event(properties as z.ZodObject));
      expect(error.code).toBe('unsupported_construct');
      expect(error.message).toMatch(message);
      expect(TributaryError.isInstance(error)).toBe(true);
    });

    it('refuses recursion', () => {
      interface Node {
        children: Node[];
      }
      const node: z.ZodType<Node> = z.lazy(() => z.object({ children: z.array(node) }));
      const error = errorOf(event(z.object({ tree: node as never })));
      expect(error.message).toMatch(/tree: z.lazy\(\) is not supported: recursive/);
    });
  });

  it('keeps the zod schema of each event in a registry, not on the data', () => {
    expect(Object.keys(testPlan.events[0] ?? {})).not.toContain('zod');
    for (const e of testPlan.events) expect(zodSchemaOf(e)).toBeDefined();
  });
});
