import { join } from 'node:path';
import type { GameMessage } from './game-warehouse.js';

/** The project whose tributary.config.ts declares the starter-pack experiment and report sections. */
export const EXPERIMENTS_PROJECT = join(import.meta.dirname, 'experiments');

const T0 = Date.parse('2026-03-05T12:00:00Z');
const MIN = 60_000;
const DAY = 86_400_000;

// 20 players per variant, exposed on 2026-03-05 (UTC). Within 7 days of exposure 4 of control and
// 8 of cheaper buy (4.99 each); 3 of each bought 2 days before. One player saw both variants and
// one a variant the definition does not have: both are excluded.
const exposure = (user: string, variant: string, at: number): GameMessage => ({
  user,
  event: 'experiment_viewed',
  at,
  properties: { experiment: 'starter-pack', variant },
});
const purchase = (user: string, at: number): GameMessage => ({
  user,
  event: 'purchase',
  at,
  properties: { price_cents: 499 },
});
const arm = (prefix: string, variant: string, offset: number, buyers: number, earlier: number[]) =>
  Array.from({ length: 20 }, (_, i) => {
    const user = `${prefix}${i}`;
    const at = T0 + i * 10 * MIN + offset;
    return [
      exposure(user, variant, at),
      ...(i < buyers ? [purchase(user, at + DAY)] : []),
      ...(earlier.includes(i) ? [purchase(user, at - 2 * DAY)] : []),
    ];
  }).flat();
export const STARTER_PACK_MESSAGES: readonly GameMessage[] = [
  ...arm('c', 'control', 0, 4, [0, 1, 4]),
  ...arm('t', 'cheaper', 5 * MIN, 8, [0, 1, 8]),
  exposure('both', 'control', T0),
  exposure('both', 'cheaper', T0 + 60 * MIN),
  exposure('ghost', 'bigger', T0),
];
