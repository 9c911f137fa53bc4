import { describeEachDatabase } from '@tributary/warehouse/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Collector } from '../create-collector.js';
import { ERROR_STATUS } from '../errors/collector-error.js';
import {
  basicAuth,
  createWarehouseTables,
  KEYS,
  levelUp,
  testCollector,
} from '../test-helpers/test-collector.js';

const hostileString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.constantFrom(
    '\u0000',
    '\ud800',
    '\udc00x',
    '__proto__',
    'constructor',
    "'; DROP TABLE raw.events; --",
    '1e999',
  ),
);
const jsonish = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    hostileString,
    fc.double(),
    fc.integer(),
    fc.bigInt().map((n) => Number(n)),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(hostileString, tie('value'), { maxKeys: 4 }),
  ),
})).value;
const message = fc.oneof(
  jsonish,
  fc.record(
    {
      type: fc.oneof(fc.constantFrom('track', 'identify', 'page', 'screen', 'group', 'alias'), hostileString),
      event: fc.oneof(fc.constantFrom('level_up', 'purchase', 'session_start'), hostileString),
      anonymousId: hostileString,
      userId: jsonish,
      messageId: fc.oneof(fc.uuid(), hostileString),
      timestamp: fc.oneof(
        fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
        hostileString,
      ),
      properties: jsonish,
      context: jsonish,
    },
    { requiredKeys: [] },
  ),
);
/** Raw text: mostly JSON-shaped bodies, some pure noise, some JSON with a byte cut off. */
const body = fc.oneof(
  fc.array(message, { maxLength: 8 }).map((batch) => JSON.stringify({ batch })),
  message.map((m) => JSON.stringify(m) ?? 'undefined'),
  jsonish.map((v) => JSON.stringify(v) ?? ''),
  fc.string({ unit: 'binary' }),
  fc.array(message, { minLength: 1, maxLength: 4 }).map((batch) => JSON.stringify({ batch }).slice(0, -1)),
);

describeEachDatabase('fuzzed request bodies', (getDb) => {
  let collector: Collector;
  beforeAll(async () => {
    await createWarehouseTables(getDb());
    collector = await testCollector(getDb());
  });
  afterAll(() => collector?.close());

  it('answers every body with a documented status and body shape, and keeps working', {
    timeout: 120_000,
  }, async () => {
    await fc.assert(
      fc.asyncProperty(
        body,
        fc.constantFrom('/v1/batch', '/v1/track', '/v1/i', '/v1/page'),
        async (text, path) => {
          const response = await collector.app.request(path, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: basicAuth(KEYS.server) },
            body: text,
          });
          const json = (await response.json()) as Record<string, any>;
          if (response.status === 200) {
            const total = json.accepted + json.rejected + json.duplicates;
            const parsed = JSON.parse(text);
            expect(total).toBe(path === '/v1/batch' ? parsed.batch.length : 1);
            expect(json.errors.length + (json.omittedErrors?.messages ?? 0)).toBe(json.rejected);
          } else {
            expect(Object.keys(ERROR_STATUS)).toContain(json.error.code);
            expect(response.status).toBe(ERROR_STATUS[json.error.code as keyof typeof ERROR_STATUS]);
            expect([400, 413]).toContain(response.status);
          }
        },
      ),
      { numRuns: 300 },
    );
    const after = await collector.app.request('/v1/track', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: basicAuth(KEYS.server) },
      body: JSON.stringify(levelUp('after-fuzz')),
    });
    expect(await after.json()).toMatchObject({ accepted: 1 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
