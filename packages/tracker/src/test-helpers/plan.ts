import { defineEvent, definePlan, money } from '@tributary/schema';
import { z } from 'zod';

/** A small plan for tests: two versions of level_up, a critical purchase and a low-priority ping. */
export const levelUpV1 = defineEvent({
  name: 'level_up',
  version: 1,
  properties: z.object({ level: z.int().min(1) }),
});
export const levelUpV2 = defineEvent({
  name: 'level_up',
  version: 2,
  properties: z.object({ level: z.int().min(1), character: z.enum(['knight', 'mage']) }),
});
export const purchase = defineEvent({
  name: 'purchase',
  version: 1,
  priority: 'critical',
  properties: z.object({ sku: z.string().max(64), price: money(z.int().min(0)) }),
});
export const ping = defineEvent({
  name: 'ping',
  version: 1,
  priority: 'low',
  properties: z.object({ n: z.int() }),
});

export const testPlan = definePlan({ name: 'test-game', events: [levelUpV1, levelUpV2, purchase, ping] });
