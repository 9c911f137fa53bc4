import { defineEvent, definePlan, toPlanDocument } from '@tributary/schema';
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { flagPlan, strictPlan } from '../test-fixtures/fixture-plan.js';
import type { MessageValidation } from '../violation.js';
import { compileValidators } from './compile-validators.js';
import { DEFAULT_LIMITS } from './limits.js';

const strict = compileValidators(toPlanDocument(strictPlan));
const flag = compileValidators(toPlanDocument(flagPlan));

const track = (properties: unknown, extra: Record<string, unknown> = {}) => ({
  type: 'track',
  event: 'level_up',
  anonymousId: 'anon-1',
  context: { platform: 'web', app_version: '1.0.0', eventVersion: 1 },
  properties,
  ...extra,
});

const rules = (r: MessageValidation) => r.violations.map((v) => `${v.path}:${v.rule}`);

/** Every text a violation carries must be storable in jsonb: no NUL, no lone surrogate. */
function assertStorable(r: MessageValidation) {
  const json = JSON.stringify(r);
  expect(json.includes('\u0000')).toBe(false);
  expect((json as unknown as { isWellFormed(): boolean }).isWellFormed()).toBe(true);
}

describe('prototype keys', () => {
  test('an own __proto__ key (as JSON.parse makes it) is an undeclared property, and nothing is polluted', () => {
    const message = JSON.parse(
      '{"type":"track","event":"level_up","anonymousId":"a","context":{"platform":"web","app_version":"1","__proto__":{"polluted":1}},"properties":{"level":2,"character":"mage","__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}}',
    );
    const r = strict.validateMessage(message);
    expect(rules(r)).toEqual([
      'properties.__proto__:additional_property',
      'properties.constructor:additional_property',
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    const flagged = flag.validateMessage(message);
    expect(flagged.valid).toBe(true);
    expect(flagged.flags.map((f) => f.path)).toEqual(['properties.__proto__', 'properties.constructor']);
  });

  test('a declared property named like an Object.prototype member is read as an own property only', () => {
    const event = defineEvent({
      name: 'odd',
      version: 1,
      properties: z.object({ constructor: z.string(), value_of: z.int().optional() }),
    });
    const v = compileValidators(toPlanDocument(definePlan({ name: 'odd', events: [event] })));
    expect(rules(v.validateProperties('odd', 1, {}))).toEqual(['properties.constructor:required']);
    expect(v.validateProperties('odd', 1, JSON.parse('{"constructor":"x"}')).valid).toBe(true);
    expect(rules(v.validateProperties('odd', 1, JSON.parse('{"constructor":"x","__proto__":"y"}')))).toEqual([
      'properties.__proto__:additional_property',
    ]);
  });

  test('event names that are Object.prototype members are unknown events, not crashes', () => {
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      expect(rules(strict.validateProperties(name, undefined, {}))).toEqual(['event:unknown_event']);
      expect(rules(strict.validateMessage(track({}, { event: name })))).toEqual(['event:unknown_event']);
    }
  });
});

describe('numbers', () => {
  test.each([
    [Number.NaN, 'type'],
    [Number.POSITIVE_INFINITY, 'type'],
    [Number.NEGATIVE_INFINITY, 'type'],
    [2 ** 53, 'integer'],
    [-(2 ** 60), 'integer'],
    [1.5, 'integer'],
  ])('%s is rejected where an integer is expected (%s)', (value, rule) => {
    const r = strict.validateProperties('level_up', 1, { level: value, character: 'mage' });
    expect(r.violations[0]?.rule).toBe(rule);
    expect(r.violations[0]?.path).toBe('properties.level');
  });

  test('NaN and Infinity are rejected where a number is expected', () => {
    const base = { email: 'a@b.io', confirmed_at: '2024-01-01T00:00:00Z', marketing_opt_in: true };
    expect(rules(strict.validateProperties('sign_up', 1, { ...base, score: Number.NaN }))).toEqual([
      'properties.score:type',
    ]);
    expect(
      rules(strict.validateProperties('sign_up', 1, { ...base, score: Number.POSITIVE_INFINITY })),
    ).toEqual(['properties.score:type']);
  });
});

describe('text the warehouse cannot store (beyond zod)', () => {
  test('NUL is rejected in declared values, keys, undeclared values and envelope fields', () => {
    const r = flag.validateMessage(
      track(
        { level: 2, character: 'mage', 'bad\u0000key': 1, note: 'a\u0000b' },
        { integrations: { x: 'y\u0000' }, messageId: 'id\u0000' },
      ),
    );
    expect(rules(r).sort()).toEqual(
      [
        'integrations.x:nul_character',
        'messageId:nul_character',
        'properties["bad\\u0000key"]:nul_character',
        'properties.note:nul_character',
      ].sort(),
    );
    expect(r.flags.map((f) => f.path).sort()).toEqual(['properties.note', 'properties["bad\\u0000key"]']);
    assertStorable(r);
    // zod accepts NUL: the rule is ours.
    expect(z.string().safeParse('a\u0000b').success).toBe(true);
    expect(
      rules(
        strict.validateProperties('level_up', 2, {
          level: 2,
          character: 'mage',
          player: { id: '00000000-0000-0000-0000-000000000000', level: 1, nickname: 'ab\u0000' },
        }),
      ),
    ).toEqual(['properties.player.nickname:nul_character']);
  });

  test('lone surrogates (high or low) are rejected; surrogate pairs are fine', () => {
    const base = { level: 2, character: 'mage' };
    expect(rules(flag.validateProperties('level_up', 1, { ...base, x: '\ud83d' }))).toEqual([
      'properties.x:lone_surrogate',
    ]);
    expect(rules(flag.validateProperties('level_up', 1, { ...base, x: 'a\udc00' }))).toEqual([
      'properties.x:lone_surrogate',
    ]);
    expect(rules(flag.validateProperties('level_up', 1, { ...base, x: '\udc00\ud83d' }))).toEqual([
      'properties.x:lone_surrogate',
    ]);
    expect(flag.validateProperties('level_up', 1, { ...base, x: 'level 🎉 up' }).violations).toEqual([]);
    const r = strict.validateMessage(
      track(base, { context: { platform: 'web', app_version: '1', library: { name: '\ud800' } } }),
    );
    expect(rules(r)).toEqual(['context.library.name:lone_surrogate']);
    assertStorable(r);
    expect(z.string().safeParse('\ud800').success).toBe(true);
  });

  test('strings longer than maxStringBytes of UTF-8 are rejected, counting bytes not characters', () => {
    const limit = DEFAULT_LIMITS.maxStringBytes;
    const base = { level: 2, character: 'mage' };
    expect(flag.validateProperties('level_up', 1, { ...base, x: 'a'.repeat(limit) }).violations).toEqual([]);
    expect(rules(flag.validateProperties('level_up', 1, { ...base, x: 'a'.repeat(limit + 1) }))).toEqual([
      'properties.x:max_string_bytes',
    ]);
    // 'é' is 2 bytes: half the limit in characters is exactly the limit in bytes.
    expect(flag.validateProperties('level_up', 1, { ...base, x: 'é'.repeat(limit / 2) }).violations).toEqual(
      [],
    );
    expect(rules(flag.validateProperties('level_up', 1, { ...base, x: 'é'.repeat(limit / 2 + 1) }))).toEqual([
      'properties.x:max_string_bytes',
    ]);
    // A well-formed date-time can be arbitrarily long (any number of fraction digits): still limited.
    const signUp = { email: 'a@b.io', marketing_opt_in: true, score: 1 };
    const longTime = `2024-01-01T00:00:00.${'1'.repeat(limit)}Z`;
    expect(rules(strict.validateProperties('sign_up', 1, { ...signUp, confirmed_at: longTime }))).toEqual([
      'properties.confirmed_at:max_string_bytes',
    ]);
  });
});

describe('depth and size limits (beyond zod)', () => {
  test('very deep nesting is refused at maxDepth without exhausting the stack', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 200_000; i++) deep = { a: deep };
    const r = strict.validateMessage(
      track(
        { level: 2, character: 'mage' },
        { context: { platform: 'web', app_version: '1', library: deep } },
      ),
    );
    expect(r.violations).toHaveLength(1);
    expect(r.violations[0]?.rule).toBe('max_depth');
    // The message is depth 0, context 1, library 2: the first object beyond the limit (maxDepth + 1) is library + (maxDepth - 1) × .a
    expect(r.violations[0]?.path).toBe(`context.library${'.a'.repeat(DEFAULT_LIMITS.maxDepth - 1)}`);
    let arrays: unknown = [];
    for (let i = 0; i < 100_000; i++) arrays = [arrays];
    expect(rules(flag.validateMessage(track({ level: 2, character: 'mage', deep: arrays })))[0]).toMatch(
      /^properties\.deep(\[0\])+:max_depth$/,
    );
  });

  test('a huge array is refused once at maxItemsTotal without visiting every item', () => {
    // Counts element reads instead of timing the call: the claim is about work, not a machine's speed.
    let reads = 0;
    const huge = new Proxy(new Array(2_000_000).fill('a\u0000'), {
      get(target, key, receiver) {
        if (typeof key === 'string' && /^\d+$/.test(key)) reads += 1;
        return Reflect.get(target, key, receiver);
      },
    });
    const r = flag.validateMessage(track({ level: 2, character: 'mage' }, { integrations: huge }));
    expect(reads).toBeLessThanOrEqual(DEFAULT_LIMITS.maxItemsTotal + 1);
    expect(rules(r)).toEqual(['integrations:max_items_total']);
    const items = new Array(DEFAULT_LIMITS.maxItemsTotal).fill({ sku: 'a', quantity: 1 });
    const declared = strict.validateProperties('purchase', 1, {
      sku: 'ABC-12',
      price_cents: 1,
      currency: 'EUR',
      channel: 'web',
      items,
    });
    expect(declared.violations.map((v) => v.rule)).toEqual(['max_items', 'max_items_total']);
  });

  test('limits are configurable', () => {
    const tight = compileValidators(toPlanDocument(flagPlan), {
      limits: { maxDepth: 3, maxItemsTotal: 20, maxStringBytes: 8 },
    });
    const base = { level: 2, character: 'mage' };
    expect(tight.validateProperties('level_up', 1, { ...base, x: { y: { z: 1 } } }).violations).toEqual([]);
    expect(rules(tight.validateProperties('level_up', 1, { ...base, x: { y: { z: {} } } }))).toEqual([
      'properties.x.y.z:max_depth',
    ]);
    expect(rules(tight.validateProperties('level_up', 1, { ...base, x: 'é'.repeat(5) }))).toEqual([
      'properties.x:max_string_bytes',
    ]);
    expect(rules(tight.validateProperties('level_up', 1, { ...base, x: new Array(30).fill(1) }))).toEqual([
      'properties.x:max_items_total',
    ]);
    // Even a declared enum member is held to the limit when it is longer.
    const tiny = compileValidators(toPlanDocument(flagPlan), { limits: { maxStringBytes: 4 } });
    expect(rules(tiny.validateProperties('level_up', 1, { level: 2, character: 'mage' }))).toEqual([]);
    expect(rules(tiny.validateProperties('level_up', 1, { level: 2, character: 'knight' }))).toEqual([
      'properties.character:max_string_bytes',
    ]);
    expect(() => compileValidators(toPlanDocument(flagPlan), { limits: { maxDepth: 0 } })).toThrow(
      /maxDepth must be a positive integer/,
    );
  });
});

test('non-JSON values (functions, bigint, symbols) in undeclared places are refused, not serialised later', () => {
  const r = flag.validateMessage(track({ level: 2, character: 'mage', f: () => 1, b: 10n }));
  expect(rules(r)).toEqual(['properties.f:type', 'properties.b:type']);
});
