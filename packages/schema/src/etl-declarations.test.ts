import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SchemaDefinitionError } from './errors.js';
import type { EventEtl } from './etl-declarations.js';
import { units } from './etl-declarations.js';
import { defineEvent, money } from './event.js';
import { definePlan } from './plan.js';
import { fromPlanDocument, toPlanDocument } from './plan-document.js';

const properties = z.object({
  name: z.string().max(40),
  first_name: z.string().optional(),
  last_name: z.string().optional(),
  age: z.int().min(0).max(1000),
  duration_ms: z.int().min(0),
  price_cents: money(z.int().min(0)),
  currency: z.string().length(3),
  player: z.object({ tag: z.string(), score: z.number().nullable() }),
});

const event = (etl: EventEtl) => defineEvent({ name: 'signup', version: 1, properties, etl });
const context = z.object({
  platform: z.enum(['ios', 'android']),
  locale: z.string(),
  app_version: z.string(),
});

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SchemaDefinitionError);
    return (error as Error).message;
  }
  throw new Error('expected an error');
}

describe('ETL declarations', () => {
  const full: EventEtl = {
    columns: [
      'name',
      'age',
      'duration_ms',
      'price_cents',
      'currency',
      'player.tag',
      'first_name',
      'last_name',
    ],
    context: ['platform'],
    transforms: {
      name: { normalize: ['nfc', 'trim', 'lower'] },
      age: { threshold: { max: 150, action: 'null' } },
      duration_ms: { unit: units.msToSeconds, nullDefault: 0 },
      'player.tag': { split: { kind: 'separator', separator: '#', into: ['tag_name', 'tag_number'] } },
    },
    merge: [{ into: 'full_name', from: ['first_name', 'last_name'], separator: ' ' }],
  };

  it('accepts valid declarations and keeps them through the plan document', () => {
    const plan = definePlan({
      name: 'app',
      events: [event(full)],
      context,
      roles: {
        install: 'signup',
        revenue: { event: 'signup', amount: 'price_cents', unit: 'minor', currency: 'currency' },
        session: { inactivityMinutes: 30 },
        dimensions: ['platform', 'country'],
      },
      etl: {
        dedupeByFingerprint: true,
        spam: { maxEventsPerUserPerMinute: 120, userAgentPatterns: ['bot|crawler|spider'] },
        reportingTimeZones: ['UTC', 'America/New_York'],
        context: {
          locale: { split: { kind: 'locale', into: ['language', 'country'] } },
          app_version: { split: { kind: 'version', into: ['app_major', 'app_minor'] } },
        },
      },
    });
    const document = toPlanDocument(plan);
    expect(document.events[0]?.['x-tributary-etl']).toEqual(full);
    expect(document.roles?.install).toBe('signup');
    expect(fromPlanDocument(JSON.parse(JSON.stringify(document)))).toEqual(plan);
  });

  it.each([
    [{ columns: ['nope'] }, /etl.columns: "nope" is not a property of this event \(known: age, currency/],
    [
      { columns: ['player'] },
      /"player" is an object; name one of its properties \(player.score, player.tag\)/,
    ],
    [
      { transforms: { age: { normalize: ['trim'] } } },
      /etl.transforms\["age"\]: normalize applies to text, but this column is integer/,
    ],
    [{ transforms: { name: { normalize: ['upper' as never] } } }, /unknown normalisation "upper"/],
    [
      { transforms: { name: { unit: units.centsToUnits } } },
      /unit conversion applies to numbers, but this column is string/,
    ],
    [{ transforms: { age: { unit: { divideBy: 0 } } } }, /positive finite number/],
    [{ transforms: { age: { threshold: { action: 'null' } } } }, /needs min, max or both/],
    [{ transforms: { age: { threshold: { min: 5, max: 1, action: 'reject' } } } }, /min 5 is above max 1/],
    [{ transforms: { age: { nullDefault: 'zero' } } }, /nullDefault "zero" does not fit a integer column/],
    [{ transforms: { age: { nullDefault: 1.5 } } }, /nullDefault 1.5 does not fit/],
    [
      { transforms: { 'player.score': { split: { kind: 'locale', into: ['a', 'b'] } } } },
      /split applies to text, but this column is number/,
    ],
    [
      { transforms: { name: { split: { kind: 'separator', separator: '', into: ['a', 'b'] } } } },
      /non-empty separator/,
    ],
    [
      { transforms: { name: { split: { kind: 'locale', into: ['language', 'Country'] as never } } } },
      /"Country" must match/,
    ],
    [
      { transforms: { name: { split: { kind: 'locale', into: ['age', 'country'] } } } },
      /would create column "age", which a property already uses/,
    ],
    [{ merge: [{ into: 'full', from: ['first_name'] }] }, /merge needs at least two source properties/],
    [{ merge: [{ into: 'full', from: ['first_name', 'middle'] }] }, /"middle" is not a property/],
  ] as [EventEtl, RegExp][])('refuses %j', (etl, message) => {
    expect(messageOf(() => event(etl))).toMatch(message);
  });

  it.each([
    [{ roles: { install: 'nope' } }, /roles.install: event "nope" is not in the plan/],
    [
      { roles: { revenue: { event: 'signup', amount: 'name', unit: 'minor' } } },
      /amount "name" must be a number/,
    ],
    [{ roles: { revenue: { event: 'signup', amount: 'age', unit: 'cents' } } }, /unit must be "minor"/],
    [
      { roles: { revenue: { event: 'signup', amount: 'age', unit: 'minor', currency: { fixed: 'usd' } } } },
      /ISO 4217 code like "USD"/,
    ],
    [
      { roles: { revenue: { event: 'signup', amount: 'age', unit: 'minor', currency: 'age' } } },
      /currency "age" must be a string property/,
    ],
    [{ roles: { session: { inactivityMinutes: 0 } } }, /inactivityMinutes must be an integer from 1 to 1440/],
    [
      { roles: { dimensions: ['device'] } },
      /"device" is not a context field .*known: app_version, locale, platform/,
    ],
    [
      { etl: { spam: { maxEventsPerUserPerMinute: -1 } } },
      /maxEventsPerUserPerMinute must be a positive integer/,
    ],
    [{ etl: { spam: { userAgentPatterns: ['(['] } } }, /not a valid regular expression/],
    [{ etl: { reportingTimeZones: ['Mars/Olympus'] } }, /"Mars\/Olympus" is not an IANA time zone/],
    [{ etl: { context: { locale: { unit: units.centsToUnits } } } }, /unit conversion applies to numbers/],
    [{ etl: { context: { device: { normalize: ['trim'] } } } }, /"device" is not a context field/],
  ])('refuses plan declarations %j', (extra, message) => {
    expect(
      messageOf(() => definePlan({ name: 'app', events: [event({})], context, ...(extra as object) })),
    ).toMatch(message);
  });
});
