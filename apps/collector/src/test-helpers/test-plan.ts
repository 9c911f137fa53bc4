import { defineEvent, definePlan, money, toPlanDocument } from '@tributary/schema';
import { z } from 'zod';

/** The collector tests' own plan (modelled on examples/mobile-game, which depends on the collector). */
export const testPlan = definePlan({
  name: 'collector-test',
  events: [
    defineEvent({
      name: 'level_up',
      version: 1,
      properties: z.object({
        level: z.int().min(1).max(500),
        character: z.enum(['knight', 'mage', 'rogue']),
      }),
    }),
    defineEvent({
      name: 'level_up',
      version: 2,
      properties: z.object({
        level: z.int().min(1).max(1000),
        character: z.enum(['knight', 'mage', 'rogue', 'ranger']),
        coins: z.int().min(0).optional(),
      }),
    }),
    defineEvent({
      name: 'purchase',
      version: 1,
      properties: z.object({
        sku: z.string().min(1).max(64),
        price_cents: money(z.int().min(0).max(10_000_000)),
        currency: z.string().length(3),
      }),
    }),
    defineEvent({
      name: 'session_start',
      version: 1,
      properties: z.object({ cold_start: z.boolean() }),
    }),
  ],
  context: z.object({
    platform: z.enum(['ios', 'android', 'web', 'server']).optional(),
    app_version: z.string().max(32).optional(),
  }),
});

/** The test plan's document. */
export const testPlanDocument = toPlanDocument(testPlan);
