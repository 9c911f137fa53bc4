// The benchmark's tracking plan: typical game events with enums, bounds and money.
import { defineEvent, definePlan, money } from '@tributary/schema';
import { z } from 'zod';

export const plan = definePlan({
  name: 'bench-collector',
  events: [
    defineEvent({
      name: 'level_up',
      version: 1,
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
  ],
  context: z.object({
    platform: z.enum(['ios', 'android', 'web']),
    app_version: z.string().max(32),
  }),
});

/** The i-th benchmark message (deterministic), a Segment track message as an SDK sends it. */
export function benchMessage(run: string, i: number): Record<string, unknown> {
  const purchase = i % 5 === 0;
  return {
    type: 'track',
    messageId: `${run}-${i}`,
    userId: `user-${i % 5000}`,
    event: purchase ? 'purchase' : 'level_up',
    properties: purchase
      ? { sku: `sku_${i % 40}`, price_cents: 99 + (i % 1000), currency: 'EUR' }
      : { level: (i % 1000) + 1, character: 'mage', coins: i % 777 },
    timestamp: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
    context: { platform: 'ios', app_version: '1.4.2', library: { name: 'bench', version: '1.0.0' } },
  };
}
