import { createRandom, type Random } from './random.js';
import { addDays, zonedTimeToUtc } from './zoned-time.js';

/** Settings of a simulated game launch. */
export interface SimulationOptions {
  readonly seed: number;
  readonly users: number;
  readonly days: number;
  /** First day of the simulation (`YYYY-MM-DD`, UTC calendar). */
  readonly startDay: string;
  /**
   * The true relative lift of the cheaper starter pack in the share of players who ever pay, so in
   * first-purchase conversion (default `STARTER_PACK_EXPERIMENT.lift`). With 0 the same seed gives
   * the world without the effect: the same players, only the payers it adds missing.
   */
  readonly starterPackLift?: number;
}

/**
 * The experiment the game runs: every player sees the starter pack in their first session, at its
 * usual price (`control`) or cheaper (`cheaper`, half the players), and sends `experiment_viewed`.
 */
export const STARTER_PACK_EXPERIMENT = {
  key: 'starter-pack-price',
  variants: ['control', 'cheaper'],
  lift: 0.1,
  priceCents: { control: 299, cheaper: 199 },
} as const;

export type StarterPackVariant = (typeof STARTER_PACK_EXPERIMENT.variants)[number];

/** A device a player plays on: its anonymous id is on every message it sends (as Segment SDKs do). */
export interface SimulatedDevice {
  readonly anonymousId: string;
  readonly platform: 'ios' | 'android';
}

export interface SimulatedUser {
  readonly index: number;
  /** The id the player signs in as; players without one stay anonymous. */
  readonly userId?: string;
  /**
   * The session in which the player signs in (an identify with both ids, then both ids on every
   * later message of that device): 1 at install; 2 or 3 for those who play anonymously first.
   * Players who stop before it stay anonymous.
   */
  readonly signInSession?: number;
  /** Where the player plays: `[0]` the device they installed on; a few add a second one later. */
  readonly devices: readonly SimulatedDevice[];
  readonly timeZone: string;
  readonly country: string;
  readonly locale: string;
  readonly appVersion: string;
  readonly installDay: string;
  /** The starter-pack price the player sees (shown in their first session). */
  readonly variant: StarterPackVariant;
  readonly payer: boolean;
}

/** One message the simulator sends, in time order. */
export interface SimulatedMessage {
  readonly at: number;
  readonly user: SimulatedUser;
  /** The device that sends it: its anonymous id is on the message. */
  readonly device: SimulatedDevice;
  /** Set once the player has signed in on this device. */
  readonly userId?: string;
  readonly type: 'track' | 'identify';
  readonly event?:
    | 'app_install'
    | 'session_start'
    | 'session_end'
    | 'level_up'
    | 'purchase'
    | 'experiment_viewed';
  readonly version?: number;
  readonly properties: Readonly<Record<string, unknown>>;
  /** Sessions of one user are separated by far more than 30 minutes, so a tracker's own inactivity rotation agrees. */
  readonly session: number;
}

/** Share of the players with an account; the other shares are of those players. */
const ACCOUNT = 0.8;
const ANONYMOUS_FIRST = 0.3;
const SECOND_DEVICE = 0.06;
const SHARED_DEVICE = 0.02;
/** Share of the players who ever pay (in the control variant). */
const PAYERS = 0.07;

/** Another player's device, borrowed for one session after its owner signed in on it. */
interface BorrowedDevice {
  readonly device: SimulatedDevice;
  readonly ownerInstallIndex: number;
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
  [['starter_pack', STARTER_PACK_EXPERIMENT.priceCents.control], 3],
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
 * progress, conversion and spend, players in several time zones. Identity as apps see it: 80% of
 * the players have an account; 30% of those play their first session or two anonymously and
 * sign in later, 6% add a second device (whose install is reported before they sign in there) and
 * 2% play one session signed in on another player's device (one anonymous id, two user ids).
 * An experiment: half the players see a cheaper starter pack in their first session
 * (`experiment_viewed`), which makes 10% more of them pay. Deterministic for a seed.
 */
export function simulate(options: SimulationOptions): SimulatedMessage[] {
  const random = createRandom(options.seed);
  const installWeights = Array.from(
    { length: options.days },
    (_, i) => [i, 3 * Math.exp(-i / 5) + 1] as const,
  );
  const out: SimulatedMessage[] = [];
  let lender: BorrowedDevice | undefined;
  for (let index = 0; index < options.users; index++) {
    const dayIndex = random.weighted(installWeights);
    const [timeZone, country, locale] = random.weighted(ZONES);
    const account = random.chance(ACCOUNT);
    const device = (): SimulatedDevice => ({
      anonymousId: `anon-${random.hex(12)}`,
      platform: random.chance(0.55) ? 'android' : 'ios',
    });
    const first = device();
    const variant: StarterPackVariant = random.chance(0.5) ? 'cheaper' : 'control';
    const payerShare =
      PAYERS * (variant === 'cheaper' ? 1 + (options.starterPackLift ?? STARTER_PACK_EXPERIMENT.lift) : 1);
    const user: SimulatedUser = {
      index,
      ...(account
        ? {
            userId: `player-${index + 1}`,
            signInSession: random.chance(ANONYMOUS_FIRST) ? random.int(2, 3) : 1,
          }
        : {}),
      devices: account && random.chance(SECOND_DEVICE) ? [first, device()] : [first],
      timeZone,
      country,
      locale,
      appVersion: appVersionFor(dayIndex, options.days),
      installDay: addDays(options.startDay, dayIndex),
      variant,
      // One draw whatever the lift: with the same seed, a lift only adds payers.
      payer: random.next() < payerShare,
    };
    const borrowed = account && random.chance(SHARED_DEVICE) ? lender : undefined;
    // Each player's own stream: what one player does never shifts the draws of the next ones.
    simulateUser(user, dayIndex, options, createRandom(random.int(0, 0xffffffff)), out, borrowed);
    if (user.signInSession === 1) lender = { device: first, ownerInstallIndex: dayIndex };
  }
  return out.sort((a, b) => a.at - b.at || a.user.index - b.user.index);
}

function simulateUser(
  user: SimulatedUser,
  installIndex: number,
  options: SimulationOptions,
  random: Random,
  out: SimulatedMessage[],
  borrowed: BorrowedDevice | undefined,
): void {
  const engagement = 0.25 + random.next() * 0.75;
  const character = CHARACTERS[random.int(0, CHARACTERS.length - 1)] as string;
  const [home, second] = user.devices as [SimulatedDevice, SimulatedDevice?];
  const signInSession = user.signInSession ?? Number.POSITIVE_INFINITY;
  const secondFrom = second ? signInSession + random.int(1, 5) : Number.POSITIVE_INFINITY;
  let borrowAt = borrowed ? signInSession + random.int(1, 5) : Number.POSITIVE_INFINITY;
  const installed = new Set<SimulatedDevice>();
  const signedIn = new Set<SimulatedDevice>();
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
      // The borrowed device only once its owner has signed in on it (a later day than their install).
      if (session === borrowAt && borrowed && dayIndex <= borrowed.ownerInstallIndex) borrowAt++;
      const borrowing = session === borrowAt && borrowed !== undefined;
      const device =
        borrowing && borrowed
          ? borrowed.device
          : second && (session === secondFrom || (session > secondFrom && random.chance(0.5)))
            ? second
            : home;
      // A borrowed device is signed in for the session only; the player's own stay signed in.
      const signsIn = user.userId !== undefined && !signedIn.has(device) && session >= signInSession;
      let signedInHere = signedIn.has(device);
      const push = (m: Omit<SimulatedMessage, 'user' | 'session' | 'device' | 'userId'>) =>
        out.push({ ...m, user, session, device, ...(signedInHere ? { userId: user.userId } : {}) });
      const signIn = () => {
        signedInHere = true;
        if (!borrowing) signedIn.add(device);
        push({ at, type: 'identify', properties: { platform: device.platform, country: user.country } });
        at += 500;
      };
      // A player who signs in at install does so before the game reports its first launch; on a
      // second device the install is reported before they sign in there (an anonymous install).
      if (signsIn && device === home) signIn();
      if (!installed.has(device) && !borrowing) {
        installed.add(device);
        push({
          at,
          type: 'track',
          event: 'app_install',
          version: 1,
          properties: {
            store: device.platform === 'ios' ? 'app_store' : 'play_store',
            ...(random.chance(0.4) ? { campaign: `launch_${random.int(1, 4)}` } : {}),
          },
        });
        at += 500;
      }
      if (signsIn && !signedInHere) signIn();
      push({
        at,
        type: 'track',
        event: 'session_start',
        version: 1,
        properties: { cold_start: random.chance(0.6) },
      });
      if (session === 1)
        push({
          at: at + 1000,
          type: 'track',
          event: 'experiment_viewed',
          version: 1,
          properties: { experiment: STARTER_PACK_EXPERIMENT.key, variant: user.variant },
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
        const [sku, listPrice] = random.weighted(SKUS);
        const price = sku === 'starter_pack' ? STARTER_PACK_EXPERIMENT.priceCents[user.variant] : listPrice;
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
