import { type Plan, toPlanDocument, zodSchemaOf } from '@tributary/schema';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { flagPlan, strictPlan } from '../test-fixtures/fixture-plan.js';
import { applyMutation, mutation, pathsOf, validValueOf } from '../test-helpers/arbitraries.js';
import { compileValidators } from './compile-validators.js';

/** Rules that deliberately go further than zod (the warehouse cannot store these); tested in hostile-input.test.ts. */
const BEYOND_ZOD = new Set([
  'nul_character',
  'lone_surrogate',
  'max_string_bytes',
  'max_depth',
  'max_items_total',
]);
const RUNS_PER_EVENT_VERSION = 1_500;

const envelope = (event: string, version: number, properties: unknown) => ({
  type: 'track',
  event,
  messageId: 'm-1',
  anonymousId: 'anon-1',
  timestamp: '2024-05-01T12:00:00.000Z',
  context: {
    platform: 'ios',
    app_version: '1.2.3',
    eventVersion: version,
    library: { name: 'analytics-node' },
  },
  properties,
});

function hostileText(value: unknown): boolean {
  if (typeof value === 'string')
    return value.includes('\u0000') || !(value as unknown as { isWellFormed(): boolean }).isWellFormed();
  if (Array.isArray(value)) return value.some(hostileText);
  if (typeof value === 'object' && value !== null)
    return Object.keys(value).some(
      (k) => hostileText(k) || hostileText((value as Record<string, unknown>)[k]),
    );
  return false;
}

const tally = { cases: 0, zodValid: 0, zodInvalid: 0, hostileText: 0 };

describe.each([
  ['reject (z.strictObject)', strictPlan as Plan],
  ['flag (z.object)', flagPlan as Plan],
])('compiled validators agree with zod safeParse, plan %s', (_label, plan) => {
  const validators = compileValidators(toPlanDocument(plan));
  test.each(plan.events.map((e) => [`${e.name} v${e.version}`, e] as const))('%s', (_name, event) => {
    const zodSchema = zodSchemaOf(event);
    if (!zodSchema) throw new Error('the fixture plan is defined with zod');
    fc.assert(
      fc.property(
        validValueOf(event.properties),
        fc.nat({ max: 3 }),
        mutation,
        fc.nat(),
        (valid, mutations, change, pick) => {
          // Unchanged values must pass both: this keeps the arbitraries honest.
          let value = valid;
          for (let n = 0; n < mutations; n++) {
            const paths = pathsOf(value);
            value = applyMutation(value, paths[(pick + n * 7) % paths.length] ?? [], change);
          }
          const zodValid = zodSchema.safeParse(value).success;
          const ours = validators.validateProperties(event.name, event.version, value);
          const oursValid = ours.violations.every((v) => BEYOND_ZOD.has(v.rule));
          if (mutations === 0) expect(zodValid, 'an unmutated value is valid').toBe(true);
          expect(oursValid, JSON.stringify(ours.violations)).toBe(zodValid);
          expect(ours.valid).toBe(ours.violations.length === 0);
          // The whole message gives the same verdict on its properties.
          const message = validators.validateMessage(envelope(event.name, event.version, value));
          expect(message.violations.every((v) => BEYOND_ZOD.has(v.rule))).toBe(zodValid);
          expect(message.version).toBe(event.version);
          // Text the warehouse cannot store is always reported, whatever zod says.
          const hostile = hostileText(value);
          const textRule = ours.violations.some(
            (v) => v.rule === 'nul_character' || v.rule === 'lone_surrogate',
          );
          if (hostile) expect(ours.valid, 'hostile text is never valid').toBe(false);
          if (hostile && zodValid)
            expect(textRule, 'the NUL / lone-surrogate rule fires where zod accepts').toBe(true);
          if (!hostile) expect(textRule).toBe(false);
          tally.cases += 1;
          tally.hostileText += hostile ? 1 : 0;
          if (zodValid) tally.zodValid += 1;
          else tally.zodInvalid += 1;
        },
      ),
      { numRuns: RUNS_PER_EVENT_VERSION },
    );
  });
});

test('the property test covered at least 10,000 events, valid and invalid ones', () => {
  expect(tally.cases).toBeGreaterThanOrEqual(10_000);
  expect(tally.zodValid).toBeGreaterThan(tally.cases * 0.2);
  expect(tally.zodInvalid).toBeGreaterThan(tally.cases * 0.2);
  expect(tally.hostileText).toBeGreaterThan(100);
});
