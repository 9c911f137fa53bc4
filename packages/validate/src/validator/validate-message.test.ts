import { toPlanDocument } from '@tributary/schema';
import { describe, expect, test } from 'vitest';
import { flagPlan, strictPlan } from '../test-fixtures/fixture-plan.js';
import type { MessageValidation } from '../violation.js';
import { compileValidators } from './compile-validators.js';

const v = compileValidators(toPlanDocument(strictPlan));
const context = {
  platform: 'ios',
  app_version: '2.0.1',
  library: { name: 'analytics-node', version: '2.3.0' },
  userAgent: 'x',
};
const track = (extra: Record<string, unknown> = {}) => ({
  type: 'track',
  event: 'level_up',
  messageId: 'msg-1',
  userId: 'u1',
  timestamp: '2024-05-01T12:00:00.000Z',
  sentAt: '2024-05-01T12:00:01+02:00',
  context,
  properties: { level: 12, character: 'ranger' },
  ...extra,
});
const rules = (r: MessageValidation) => r.violations.map((x) => `${x.path}:${x.rule}`);

describe('track', () => {
  test('a valid message resolves the latest version when context.eventVersion is absent', () => {
    expect(v.validateMessage(track())).toEqual({
      valid: true,
      type: 'track',
      event: 'level_up',
      version: 2,
      violations: [],
      flags: [],
    });
  });

  test('context.eventVersion selects the version', () => {
    const r = v.validateMessage(track({ context: { ...context, eventVersion: 1 } }));
    expect(rules(r)).toEqual(['properties.character:enum']);
    expect(r.version).toBe(1);
  });

  test('unknown event and unknown version', () => {
    const unknown = v.validateMessage(track({ event: 'level_down' }));
    expect(rules(unknown)).toEqual(['event:unknown_event']);
    expect(unknown.violations[0]?.expected).toBe(
      'an event of plan fixture-strict (level_up, purchase, sign_up)',
    );
    const version = v.validateMessage(track({ context: { ...context, eventVersion: 3 } }));
    expect(rules(version)).toEqual(['context.eventVersion:unknown_version']);
    expect(version.violations[0]?.expected).toBe('a version of level_up: 1, 2');
  });

  test('every violation is returned, with paths into nested objects and arrays', () => {
    const r = v.validateMessage(
      track({
        event: 'purchase',
        properties: {
          sku: 'abc',
          price_cents: -1,
          currency: 'EURO',
          channel: 'web',
          items: [
            { sku: 'a', quantity: 1 },
            { sku: 'b', quantity: 1 },
            { sku: 'c', quantity: 1 },
            { sku: '', quantity: 0, gift: 'yes' },
          ],
          coupon: true,
        },
      }),
    );
    expect(rules(r)).toEqual([
      'properties.coupon:any_of',
      'properties.currency:max_length',
      'properties.items[3].gift:type',
      'properties.items[3].quantity:exclusive_minimum',
      'properties.items[3].sku:min_length',
      'properties.price_cents:minimum',
      'properties.sku:pattern',
    ]);
    const first = r.violations[0];
    expect(first).toEqual({
      path: 'properties.coupon',
      rule: 'any_of',
      expected: 'one of: string | integer',
      received: 'true',
      message: 'properties.coupon: expected one of: string | integer, received true',
    });
    const nested = v.validateMessage(
      track({
        properties: { level: 2, character: 'mage', player: { id: 'x', level: 1, nickname: null, extra: 1 } },
      }),
    );
    expect(rules(nested)).toEqual([
      'properties.player.extra:additional_property',
      'properties.player.id:format',
    ]);
  });

  test('missing properties count as {} (Segment allows it); null or arrays do not', () => {
    expect(rules(v.validateMessage(track({ properties: undefined })))).toEqual([
      'properties.character:required',
      'properties.level:required',
    ]);
    expect(rules(v.validateMessage(track({ properties: null })))).toEqual(['properties:type']);
    expect(rules(v.validateMessage(track({ properties: [] })))).toEqual(['properties:type']);
  });

  test('event must be a string', () => {
    expect(rules(v.validateMessage(track({ event: undefined })))).toEqual(['event:required']);
    expect(rules(v.validateMessage(track({ event: 7 })))).toEqual(['event:type']);
  });
});

describe('envelope', () => {
  test('type', () => {
    expect(rules(v.validateMessage(track({ type: undefined })))).toEqual(['type:required']);
    expect(rules(v.validateMessage(track({ type: 'trak' })))).toEqual(['type:enum']);
    expect(rules(v.validateMessage(track({ type: 1 })))).toEqual(['type:type']);
    expect(v.validateMessage(track({ type: 'constructor' })).type).toBeUndefined();
    expect(rules(v.validateMessage('nope'))).toEqual([':type']);
    expect(rules(v.validateMessage(null))).toEqual([':type']);
    expect(rules(v.validateMessage([]))).toEqual([':type']);
  });

  test('messageId: optional, a non-empty string of at most 100 characters', () => {
    expect(v.validateMessage(track({ messageId: undefined })).valid).toBe(true);
    expect(v.validateMessage(track({ messageId: 'm'.repeat(100) })).valid).toBe(true);
    expect(rules(v.validateMessage(track({ messageId: 'm'.repeat(101) })))).toEqual(['messageId:max_length']);
    expect(rules(v.validateMessage(track({ messageId: '' })))).toEqual(['messageId:min_length']);
    expect(rules(v.validateMessage(track({ messageId: 12 })))).toEqual(['messageId:type']);
  });

  test('userId or anonymousId: non-empty strings or integers; null means absent', () => {
    expect(rules(v.validateMessage(track({ userId: undefined })))).toEqual(['userId:required']);
    expect(rules(v.validateMessage(track({ userId: null, anonymousId: null })))).toEqual(['userId:required']);
    expect(v.validateMessage(track({ userId: null, anonymousId: 'a-1' })).valid).toBe(true);
    expect(v.validateMessage(track({ userId: 42 })).valid).toBe(true);
    expect(rules(v.validateMessage(track({ userId: '' })))).toEqual(['userId:min_length']);
    expect(rules(v.validateMessage(track({ userId: 1.5 })))).toEqual(['userId:type']);
    expect(rules(v.validateMessage(track({ userId: { id: 1 } })))).toEqual(['userId:type']);
    expect(rules(v.validateMessage(track({ anonymousId: ['x'] })))).toEqual(['anonymousId:type']);
  });

  test('timestamps are ISO-8601 date-times with a zone', () => {
    for (const ok of [
      '2024-02-29T23:59:59Z',
      '2024-05-01T12:00:00.123456+05:30',
      '2024-05-01T12:00Z',
      '2024-05-01 12:00:00-0800',
    ]) {
      expect(v.validateMessage(track({ timestamp: ok })).valid, ok).toBe(true);
    }
    for (const bad of [
      '2023-02-29T00:00:00Z',
      '2024-05-01T12:00:00',
      '2024-13-01T00:00:00Z',
      '2024-05-01T24:00:00Z',
      'yesterday',
      '1714564800',
    ]) {
      expect(rules(v.validateMessage(track({ timestamp: bad }))), bad).toEqual(['timestamp:format']);
    }
    expect(rules(v.validateMessage(track({ sentAt: 1714564800, originalTimestamp: 'x' })))).toEqual([
      'sentAt:type',
      'originalTimestamp:format',
    ]);
  });

  test('context: an object; plan context validated; unknown keys allowed; eventVersion a positive integer', () => {
    expect(rules(v.validateMessage(track({ context: 'ios' })))).toEqual(['context:type']);
    expect(rules(v.validateMessage(track({ context: undefined })))).toEqual([
      'context.app_version:required',
      'context.platform:required',
    ]);
    expect(rules(v.validateMessage(track({ context: { ...context, platform: 'windows' } })))).toEqual([
      'context.platform:enum',
    ]);
    for (const bad of [0, -1, 1.5, '1', null]) {
      expect(
        rules(v.validateMessage(track({ context: { ...context, eventVersion: bad } }))),
        String(bad),
      ).toEqual([`context.eventVersion:${typeof bad === 'number' ? 'integer' : 'type'}`]);
    }
  });

  test('identify, page, screen, group, alias', () => {
    const base = { userId: 'u1', context };
    expect(v.validateMessage({ ...base, type: 'identify', traits: { email: 'a@b.c' } })).toEqual({
      valid: true,
      type: 'identify',
      violations: [],
      flags: [],
    });
    expect(rules(v.validateMessage({ ...base, type: 'identify', traits: 'x' }))).toEqual(['traits:type']);
    expect(v.validateMessage({ ...base, type: 'page', name: 'Home', properties: { path: '/' } }).valid).toBe(
      true,
    );
    expect(rules(v.validateMessage({ ...base, type: 'screen', properties: 3 }))).toEqual(['properties:type']);
    expect(rules(v.validateMessage({ ...base, type: 'group' }))).toEqual(['groupId:required']);
    expect(v.validateMessage({ ...base, type: 'group', groupId: 'g1', traits: { name: 'Acme' } }).valid).toBe(
      true,
    );
    expect(rules(v.validateMessage({ ...base, type: 'alias' }))).toEqual(['previousId:required']);
    expect(rules(v.validateMessage({ ...base, type: 'alias', previousId: '' }))).toEqual([
      'previousId:min_length',
    ]);
    expect(v.validateMessage({ ...base, type: 'alias', previousId: 'anon-1' }).valid).toBe(true);
  });
});

describe('additionalProperties', () => {
  test("'reject' makes undeclared properties violations; 'flag' reports them as flags and keeps the message valid", () => {
    const extra = track({ properties: { level: 2, character: 'mage', bonus: 5 } });
    expect(rules(v.validateMessage(extra))).toEqual(['properties.bonus:additional_property']);
    const flagged = compileValidators(toPlanDocument(flagPlan)).validateMessage(extra);
    expect(flagged.valid).toBe(true);
    expect(flagged.flags.map((f) => `${f.path}:${f.rule}`)).toEqual(['properties.bonus:additional_property']);
  });
});

describe('validateProperties', () => {
  test('validates one event version; undefined means the latest', () => {
    expect(v.validateProperties('level_up', undefined, { level: 2, character: 'ranger' })).toEqual({
      valid: true,
      event: 'level_up',
      version: 2,
      violations: [],
      flags: [],
    });
    expect(rules(v.validateProperties('level_up', 1, { level: 2, character: 'ranger' }))).toEqual([
      'properties.character:enum',
    ]);
    expect(rules(v.validateProperties('level_up', 9, {}))).toEqual(['version:unknown_version']);
    expect(rules(v.validateProperties('nope', 1, {}))).toEqual(['event:unknown_event']);
    expect(rules(v.validateProperties('level_up', 1, undefined))).toEqual(['properties:type']);
  });

  test('events lists every event version', () => {
    expect(v.events).toEqual([
      { name: 'level_up', version: 1 },
      { name: 'level_up', version: 2 },
      { name: 'purchase', version: 1 },
      { name: 'sign_up', version: 1 },
    ]);
  });
});
