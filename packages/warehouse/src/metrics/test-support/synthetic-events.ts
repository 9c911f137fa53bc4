/** One valid, deduplicated track event of the synthetic metrics data set. */
export interface SyntheticEvent {
  readonly messageId: string;
  readonly userKey: string;
  readonly userId: string | null;
  readonly anonymousId: string | null;
  readonly event: 'app_install' | 'session_start' | 'level_up' | 'purchase';
  /** UTC epoch milliseconds. */
  readonly at: number;
  readonly sessionId: string;
  /** Amount in cents on purchases, else null. */
  readonly revenueCents: number | null;
  readonly platform: string;
  readonly country: string | null;
}

/** Options of the generator; the same options always give the same events. */
export interface SyntheticOptions {
  readonly users: number;
  /** First and last UTC day (inclusive) with generated activity. */
  readonly firstDay: string;
  readonly lastDay: string;
  readonly seed?: number;
}

const PLATFORMS = ['ios', 'android', 'web'] as const;
const COUNTRIES = ['US', 'DE', 'JP', 'IN', 'BR', null] as const;
/** Rough home UTC offsets (hours) of the users, so activity spreads over every UTC hour. */
const HOME_OFFSETS = [-8, -5, -5, 0, 1, 5.5, 9] as const;
const DAY = 86_400_000;
const MINUTE = 60_000;

/** Deterministic PRNG (mulberry32). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const pick = <T>(rand: () => number, items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;

/**
 * A deterministic product-usage data set: users installing over the whole period with decaying
 * activity, 1–2 sessions per active day in their home time zone, purchases, a second platform
 * now and then, anonymous users, and hand-placed events one minute either side of local midnight
 * in UTC and America/New_York (including the 2026-03-08 DST change day).
 */
export function syntheticEvents(options: SyntheticOptions): SyntheticEvent[] {
  const rand = random(options.seed ?? 42);
  const start = Date.parse(`${options.firstDay}T00:00:00Z`);
  const days = Math.round((Date.parse(`${options.lastDay}T00:00:00Z`) - start) / DAY) + 1;
  const events: SyntheticEvent[] = [];
  let message = 0;
  for (let u = 0; u < options.users; u++) {
    const identified = rand() < 0.7;
    const userKey = identified ? `u${u}` : `a${u}`;
    const base = {
      userKey,
      userId: identified ? userKey : null,
      anonymousId: identified ? (rand() < 0.5 ? `a${u}` : null) : userKey,
    };
    const platform = pick(rand, PLATFORMS);
    const country = pick(rand, COUNTRIES);
    const offset = pick(rand, HOME_OFFSETS);
    const installs = rand() < 0.9;
    const firstDay = Math.floor(rand() * days);
    const engagement = 0.2 + rand() * 0.8;
    let session = 0;
    for (let d = firstDay; d < days; d++) {
      const k = d - firstDay;
      if (k > 0 && rand() > (0.45 * engagement) / Math.sqrt(k)) continue;
      const sessions = rand() < 0.25 ? 2 : 1;
      for (let s = 0; s < sessions; s++) {
        const sessionId = `${userKey}-s${session++}`;
        const sessionPlatform = rand() < 0.06 ? pick(rand, PLATFORMS) : platform;
        const localHour = 7 + rand() * 17;
        let at =
          start + d * DAY + Math.round((localHour - offset) * 60) * MINUTE + Math.floor(rand() * 59_000);
        const count = 1 + Math.floor(rand() * 3);
        const push = (event: SyntheticEvent['event'], revenueCents: number | null = null): void => {
          events.push({
            ...base,
            messageId: `m${message++}`,
            event,
            at,
            sessionId,
            revenueCents,
            platform: sessionPlatform,
            country,
          });
          at += (1 + Math.floor(rand() * 12)) * MINUTE + Math.floor(rand() * 1000);
        };
        if (k === 0 && s === 0 && installs) push('app_install');
        push('session_start');
        for (let e = 0; e < count; e++) push('level_up');
        if (rand() < 0.07) push('purchase', 99 + Math.floor(rand() * 4900));
      }
    }
  }
  events.push(...boundaryEvents(options.users));
  return events;
}

/**
 * Users whose events sit one minute either side of local midnight (UTC and New York) and around
 * the New York DST switches, so a day computed in the wrong zone or with a fixed offset shows up.
 */
function boundaryEvents(firstIndex: number): SyntheticEvent[] {
  const stamps: [string, string][] = [
    // New York, standard time (UTC−5): 23:59 and 00:01 local.
    ['2026-02-11T04:59:00Z', '2026-02-11T05:01:00Z'],
    // UTC midnight.
    ['2026-02-20T23:59:00Z', '2026-02-21T00:01:00Z'],
    // DST starts 2026-03-08 at 02:00 EST → 03:00 EDT: 01:59 EST and 03:01 EDT are 2 minutes apart.
    ['2026-03-08T06:59:00Z', '2026-03-08T07:01:00Z'],
    // The 23-hour day: 00:01 EST on 03-08 and 23:59 EDT on 03-08 (03:59Z on 03-09), then 00:01 EDT on 03-09.
    ['2026-03-08T05:01:00Z', '2026-03-09T03:59:00Z'],
    ['2026-03-09T03:59:00Z', '2026-03-09T04:01:00Z'],
    // New York daylight time (UTC−4): 23:59 and 00:01 local.
    ['2026-04-02T03:59:00Z', '2026-04-02T04:01:00Z'],
  ];
  const events: SyntheticEvent[] = [];
  stamps.forEach(([before, after], i) => {
    const userKey = `edge${firstIndex + i}`;
    const sessionId = `${userKey}-s0`;
    const make = (
      n: number,
      iso: string,
      event: SyntheticEvent['event'],
      revenueCents: number | null = null,
    ) =>
      events.push({
        messageId: `edge-${i}-${n}`,
        userKey,
        userId: userKey,
        anonymousId: null,
        event,
        at: Date.parse(iso),
        sessionId,
        revenueCents,
        platform: i % 2 === 0 ? 'ios' : 'web',
        country: 'US',
      });
    make(0, before, 'app_install');
    make(1, before, 'purchase', 499);
    make(2, after, 'level_up');
  });
  return events;
}
