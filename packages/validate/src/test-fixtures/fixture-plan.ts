import { defineEvent, definePlan, money } from '@tributary/schema';
import { z } from 'zod';

type ObjectFactory = typeof z.object | typeof z.strictObject;

/**
 * The events of the test plans, built with either z.object (undeclared keys are stripped, so a
 * plan with `additionalProperties: 'flag'` matches zod) or z.strictObject (undeclared keys are
 * errors, so a plan with `'reject'` matches zod). They cover every construct the validators support.
 */
function fixtureEvents(object: ObjectFactory) {
  const levelUpV1 = defineEvent({
    name: 'level_up',
    version: 1,
    description: 'The player reached a new level.',
    properties: object({
      level: z.int().min(1).max(500).describe('The level reached.'),
      character: z.enum(['knight', 'mage', 'rogue']),
    }),
  });
  const levelUpV2 = defineEvent({
    name: 'level_up',
    version: 2,
    description: 'The player reached a new level.',
    properties: object({
      level: z.int().min(1).max(1000),
      character: z.enum(['knight', 'mage', 'rogue', 'ranger']),
      coins: z.int().min(0).optional().describe('Coins held when the level was reached.'),
      player: object({
        id: z.uuid(),
        level: z.int().gte(0).lt(10_000),
        nickname: z.string().min(2).max(16).nullable(),
      }).optional(),
    }),
  });
  const purchase = defineEvent({
    name: 'purchase',
    version: 1,
    description: 'An in-app purchase that the store confirmed.',
    priority: 'critical',
    properties: object({
      sku: z.string().regex(/^[A-Z]{3}-\d{2,4}$/),
      price_cents: money(z.int().min(0).max(10_000_000)).describe('Price in cents.'),
      currency: z.string().length(3),
      tax_rate: z.number().gt(0).lte(1).multipleOf(0.01).optional(),
      items: z
        .array(
          object({
            sku: z.string().min(1).max(8),
            quantity: z.int().positive(),
            gift: z.boolean().optional(),
          }),
        )
        .min(1)
        .max(5),
      coupon: z.union([z.string().max(12), z.int().min(1)]).optional(),
      channel: z.literal('store').or(z.literal('web')).or(z.literal('promo')),
    }),
  });
  const signUp = defineEvent({
    name: 'sign_up',
    version: 1,
    description: 'A player created an account.',
    properties: object({
      email: z.email(),
      website: z.url().optional(),
      birthday: z.iso.date().optional(),
      confirmed_at: z.iso.datetime(),
      referrer: z.string().max(64).nullable().optional(),
      marketing_opt_in: z.boolean(),
      score: z.number().min(-1e6).max(1e6),
      tags: z
        .array(z.enum(['beta', 'vip', 'staff']))
        .max(3)
        .optional(),
    }),
  });
  return [levelUpV1, levelUpV2, purchase, signUp] as const;
}

const context = z.object({
  platform: z.enum(['ios', 'android', 'web']),
  app_version: z.string().max(32),
  locale: z.string().max(35).optional(),
});

/** Undeclared properties reject the event; every object is strict in zod too. */
export const strictPlan = definePlan({
  name: 'fixture-strict',
  description: 'Test plan whose undeclared properties are violations.',
  events: fixtureEvents(z.strictObject),
  context,
});

/** Undeclared properties are flagged; zod strips them. */
export const flagPlan = definePlan({
  name: 'fixture-flag',
  events: fixtureEvents(z.object),
  context,
  additionalProperties: 'flag',
});
