// The tracker bench's plan: a few mobile-game events with the usual property mix.
import { defineEvent, definePlan, money } from '@tributary/schema';
import { z } from 'zod';

export const plan = definePlan({
  name: 'bench-game',
  events: [
    defineEvent({
      name: 'level_up',
      version: 1,
      properties: z.object({
        level: z.int().min(1),
        character: z.enum(['knight', 'mage', 'rogue']),
        score: z.int().min(0),
      }),
    }),
    defineEvent({
      name: 'purchase',
      version: 1,
      priority: 'critical',
      properties: z.object({
        sku: z.string().max(64),
        price: money(z.int().min(0)),
        currency: z.string().length(3),
      }),
    }),
  ],
});

const characters = ['knight', 'mage', 'rogue'];

/** The i-th event of the workload (the same for every client): 95% level_up, 5% purchase. */
export function eventAt(i) {
  return i % 20 === 0
    ? { event: 'purchase', properties: { sku: `SKU-${i % 997}`, price: 99 + (i % 500), currency: 'EUR' } }
    : { event: 'level_up', properties: { level: (i % 100) + 1, character: characters[i % 3], score: i * 7 } };
}
