import { z } from 'zod';
import { defineEvent, money } from './event.js';
import { definePlan } from './plan.js';

/** A small plan used by this package's tests (not exported from the package entry). */
export const appInstall = defineEvent({
  name: 'app_install',
  version: 1,
  description: 'First launch after install.',
  priority: 'critical',
  properties: z.object({
    store: z.enum(['app_store', 'play_store']),
    campaign: z.string().max(64).optional(),
  }),
});

export const levelUpV1 = defineEvent({
  name: 'level_up',
  version: 1,
  properties: z.object({ level: z.int().min(1).max(500), character: z.string().max(32) }),
});

export const levelUpV2 = defineEvent({
  name: 'level_up',
  version: 2,
  properties: z.object({
    level: z.int().min(1).max(1000),
    character: z.string().max(32),
    coins: z.int().min(0).optional(),
  }),
});

export const purchase = defineEvent({
  name: 'purchase',
  version: 1,
  priority: 'critical',
  properties: z.object({
    sku: z.string().min(1).max(64),
    price_cents: money(z.int().min(0)),
    currency: z.string().length(3),
    items: z.array(z.object({ id: z.string(), quantity: z.int().min(1) })).max(50),
    store: z.object({ name: z.string(), country: z.string().nullable() }),
    coupon: z.string().nullable().optional(),
    placed_at: z.iso.datetime(),
  }),
});

export const testPlan = definePlan({
  name: 'mobile-game',
  description: 'A test plan.',
  events: [appInstall, levelUpV1, levelUpV2, purchase],
  context: z.object({
    platform: z.enum(['ios', 'android', 'web']),
    app_version: z.string().max(32).optional(),
  }),
});
