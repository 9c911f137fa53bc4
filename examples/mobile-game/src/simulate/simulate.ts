import { createRandom, type Random } from './random.js';
import { addDays, zonedTimeToUtc } from './zoned-time.js';

/** Settings of a simulated game launch. */
export interface SimulationOptions {
  readonly seed: number;
  readonly users: number;
  readonly days: number;
  /** First day of the simulation (`YYYY-MM-DD`, UTC calendar). */
  readonly startDay: string;
}

export interface SimulatedUser {
  readonly index: number;
  readonly anonymousId: string;
  /** Set once the player signs in (most do, at install); the rest stay anonymous. */
  readonly userId?: string;
  readonly timeZone: string;
  readonly platform: 'ios' | 'android';
  readonly country: string;
  readonly locale: string;
  readonly appVersion: string;
  readonly installDay: string;
  readonly payer: boolean;
}

/** One message the simulator sends, in time order. */
export interface SimulatedMessage {
  readonly at: number;
  readonly user: SimulatedUser;
  readonly type: 'track' | 'identify';
  readonly event?: 'app_install' | 'session_start' | 'session_end' | 'level_up' | 'purchase';
  readonly version?: number;
  readonly properties: Readonly<Record<string, unknown>>;
  /** Sessions of one user are separated by far more than 30 minutes, so a tracker's own inactivity rotation agrees. */
  readonly session: number;
}

const ZONES: readonly (readonly [readonly [string, string, string], number])[] = [
  [['America/New_York', 'US', 'en-US'], 3],
  [['America/Los_Angeles', 'US', 'en-US'], 2],
  [['America/Sao_Paulo', 'BR', 'pt-BR'], 1],
  [['Europe/London', 'GB', 'en-GB'], 2],
  [['Europe/Berlin', 'DE', 'de-DE'], 2],
  [['Asia/Kolkata', 'IN', 'hi-IN'], 1],
  [['Asia/Tokyo', 'JP', 'ja-JP'], 1],
  [['Australia/Sydney', 'AU', 'en-AU'], 1],
];

const SKUS: readonly (readonly [readonly [string, number], number])[] = [
  [['gems_small', 199], 5],
  [['starter_pack', 299], 3],
  [['gems_medium', 499], 2],
  [['gems_large', 999], 1],
];

/** Local hour a session starts: a lunchtime bump and an evening peak. */
const HOURS: readonly (readonly [number, number])[] = Array.from({ length: 24 }, (_, h) => [
  h,
  h < 7 ? 0.3 : h < 12 ? 1 : h < 14 ? 2 : h < 18 ? 1.2 : h < 23 ? 3 : 1,
]);

const CHARACTERS = ['knight', 'mage', 'rogue'] as const;

function appVersionFor(dayIndex: number, days: number): string {
  const t = dayIndex / Math.max(1, days);
  return t < 0.3 ? '1.4.2' : t < 0.7 ? '1.5.0' : '1.5.1';
}

/**
 * Simulates a game launch: an install curve (a launch spike, then a steady trickle), retention
 * that decays with days since install and varies by player, sessions per active day, level
 * progress, conversion and spend, players in several time zones. Deterministic for a seed.
 */
export function simulate(options: SimulationOptions): SimulatedMessage[] {
  const random = createRandom(options.seed);
  const installWeights = Array.from(
    { length: options.days },
    (_, i) => [i, 3 * Math.exp(-i / 5) + 1] as const,
  );
  const out: SimulatedMessage[] = [];
  for (let index = 0; index < options.users; index++) {
    const dayIndex = random.weighted(installWeights);
    const [timeZone, country, locale] = random.weighted(ZONES);
    const user: SimulatedUser = {
      index,
      anonymousId: `anon-${random.hex(12)}`,
      ...(random.chance(0.8) ? { userId: `player-${index + 1}` } : {}),
      timeZone,
      platform: random.chance(0.55) ? 'android' : 'ios',
      country,
      locale,
      appVersion: appVersionFor(dayIndex, options.days),
      installDay: addDays(options.startDay, dayIndex),
      payer: random.chance(0.07),
    };
    simulateUser(user, dayIndex, options, random, out);
  }
  return out.sort((a, b) => a.at - b.at || a.user.index - b.user.index);
}

function simulateUser(
  user: SimulatedUser,
  installIndex: number,
  options: SimulationOptions,
  random: Random,
  out: SimulatedMessage[],
): void {
  const engagement = 0.25 + random.next() * 0.75;
  const character = CHARACTERS[random.int(0, CHARACTERS.length - 1)] as string;
  let level = 1;
  let coins = 0;
  let session = 0;
  let lastEnd = 0;
  for (let dayIndex = installIndex; dayIndex < options.days; dayIndex++) {
    const since = dayIndex - installIndex;
    const active = since === 0 || random.chance(Math.min(0.9, engagement * 0.6 * (since + 1) ** -0.45));
    if (!active) continue;
    const day = addDays(options.startDay, dayIndex);
    const sessions = 1 + random.poisson(0.7 * engagement);
    const starts = Array.from(
      { length: sessions },
      () => random.weighted(HOURS) * 3600 + random.int(0, 3599),
    ).sort((a, b) => a - b);
    for (const startSeconds of starts) {
      let at = zonedTimeToUtc(day, startSeconds, user.timeZone);
      if (at < lastEnd + 45 * 60_000) at = lastEnd + 45 * 60_000 + random.int(0, 600_000);
      session++;
      const push = (m: Omit<SimulatedMessage, 'user' | 'session'>) => out.push({ ...m, user, session });
      if (session === 1) {
        push({
          at,
          type: 'track',
          event: 'app_install',
          version: 1,
          properties: {
            store: user.platform === 'ios' ? 'app_store' : 'play_store',
            ...(random.chance(0.4) ? { campaign: `launch_${random.int(1, 4)}` } : {}),
          },
        });
        if (user.userId)
          push({
            at: at + 500,
            type: 'identify',
            properties: { platform: user.platform, country: user.country },
          });
        at += 1000;
      }
      push({
        at,
        type: 'track',
        event: 'session_start',
        version: 1,
        properties: { cold_start: random.chance(0.6) },
      });
      const length = random.int(90, 1500) * 1000;
      const steps = random.poisson(1.3 * engagement + 0.3);
      for (let s = 0; s < steps && level < 1000; s++) {
        level++;
        coins += random.int(5, 50);
        const t = at + Math.floor(((s + 1) / (steps + 1)) * length);
        const v2 = user.appVersion !== '1.4.2';
        push({
          at: t,
          type: 'track',
          event: 'level_up',
          version: v2 ? 2 : 1,
          properties: v2
            ? { level: Math.min(level, 1000), character, coins }
            : { level: Math.min(level, 500), character },
        });
      }
      if (user.payer && random.chance(since === 0 ? 0.35 : 0.12)) {
        const [sku, price] = random.weighted(SKUS);
        push({
          at: at + Math.floor(length * 0.8),
          type: 'track',
          event: 'purchase',
          version: 1,
          properties: { sku, price_cents: price, currency: 'USD' },
        });
      }
      push({
        at: at + length,
        type: 'track',
        event: 'session_end',
        version: 1,
        properties: { duration_ms: length },
      });
      lastEnd = at + length;
    }
  }
}
