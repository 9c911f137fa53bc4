// The benchmark's tracking plan: a mobile game with nested objects, arrays, enums, formats and bounds.
import { defineEvent, definePlan, money } from '@tributary/schema';
import { z } from 'zod';

export const levelUp = defineEvent({
  name: 'level_up',
  version: 2,
  properties: z.strictObject({
    level: z.int().min(1).max(1000),
    character: z.enum(['knight', 'mage', 'rogue', 'ranger']),
    coins: z.int().min(0).optional(),
    player: z.strictObject({
      id: z.uuid(),
      xp: z.int().min(0),
      nickname: z.string().min(2).max(16).nullable(),
    }),
  }),
});

export const purchase = defineEvent({
  name: 'purchase',
  version: 1,
  properties: z.strictObject({
    sku: z.string().regex(/^[A-Z]{3}-\d{2,4}$/),
    price_cents: money(z.int().min(0).max(10_000_000)),
    currency: z.string().length(3),
    items: z
      .array(
        z.strictObject({
          sku: z.string().min(1).max(16),
          quantity: z.int().positive(),
          gift: z.boolean().optional(),
        }),
      )
      .min(1)
      .max(20),
    channel: z.enum(['store', 'web', 'promo']),
  }),
});

export const sessionEnd = defineEvent({
  name: 'session_end',
  version: 1,
  properties: z.strictObject({
    duration_ms: z.int().min(0).max(86_400_000),
    screens: z.int().min(0),
    crashed: z.boolean(),
  }),
});

export const signUp = defineEvent({
  name: 'sign_up',
  version: 1,
  properties: z.strictObject({
    email: z.email(),
    confirmed_at: z.iso.datetime(),
    referrer: z.string().max(64).nullable().optional(),
    marketing_opt_in: z.boolean(),
    score: z.number().min(-1e6).max(1e6),
  }),
});

export const plan = definePlan({
  name: 'bench-game',
  events: [levelUp, purchase, sessionEnd, signUp],
  context: z.object({ platform: z.enum(['ios', 'android', 'web']), app_version: z.string().max(32) }),
});
