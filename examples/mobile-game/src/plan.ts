import { defineEvent, definePlan, money } from '@tributary/schema';
import { z } from 'zod';

/** First launch of the game after install: the plan's install event. */
export const appInstall = defineEvent({
  name: 'app_install',
  version: 1,
  description: 'The first launch of the game after it was installed.',
  priority: 'critical',
  properties: z.object({
    store: z.enum(['app_store', 'play_store']).describe('Where the game was installed from.'),
    campaign: z.string().max(64).optional().describe('Attribution campaign, when known.'),
  }),
});

export const sessionStart = defineEvent({
  name: 'session_start',
  version: 1,
  description: 'The game came to the foreground.',
  properties: z.object({ cold_start: z.boolean() }),
});

export const sessionEnd = defineEvent({
  name: 'session_end',
  version: 1,
  description: 'The game went to the background or was closed.',
  properties: z.object({ duration_ms: z.int().min(0).max(86_400_000) }),
});

export const levelUpV1 = defineEvent({
  name: 'level_up',
  version: 1,
  description: 'The player reached a new level.',
  properties: z.object({
    level: z.int().min(1).max(500),
    character: z.enum(['knight', 'mage', 'rogue']),
  }),
});

/** Version 2 is compatible with version 1: an optional property was added and a bound widened. */
export const levelUpV2 = defineEvent({
  name: 'level_up',
  version: 2,
  description: 'The player reached a new level.',
  properties: z.object({
    level: z.int().min(1).max(1000),
    character: z.enum(['knight', 'mage', 'rogue', 'ranger']),
    coins: z.int().min(0).optional().describe('Coins held when the level was reached.'),
  }),
});

export const purchase = defineEvent({
  name: 'purchase',
  version: 1,
  description: 'An in-app purchase that the store confirmed.',
  priority: 'critical',
  properties: z.object({
    sku: z.string().min(1).max(64),
    price_cents: money(z.int().min(0).max(100_000_00)).describe('Price in cents of the currency.'),
    currency: z.string().length(3),
  }),
});

/** An experiment variant was shown (Segment's convention): the exposure event of experiment readouts. */
export const experimentViewed = defineEvent({
  name: 'experiment_viewed',
  version: 1,
  description: 'The player saw a variant of an experiment.',
  properties: z.object({
    experiment: z.string().min(1).max(64).describe('The experiment key.'),
    variant: z.string().min(1).max(64).describe('The variant shown.'),
  }),
});

/** The mobile game's tracking plan. */
export const plan = definePlan({
  name: 'mobile-game',
  description: 'A mobile game: installs, sessions, level progress, purchases and experiments.',
  events: [appInstall, sessionStart, sessionEnd, levelUpV1, levelUpV2, purchase, experimentViewed],
  context: z.object({
    platform: z.enum(['ios', 'android']),
    app_version: z.string().max(32),
    locale: z.string().max(35).optional(),
    country: z.string().length(2).optional(),
  }),
  roles: {
    install: 'app_install',
    revenue: { event: 'purchase', amount: 'price_cents', unit: 'minor', currency: 'currency' },
    session: { inactivityMinutes: 30 },
    dimensions: ['platform', 'country', 'app_version'],
  },
  etl: {
    reportingTimeZones: ['UTC', 'America/New_York'],
    spam: { maxEventsPerUserPerMinute: 120, userAgentPatterns: ['bot|crawler|spider'] },
    context: { locale: { split: { kind: 'locale', into: ['language', 'region'] } } },
  },
});

export default plan;
