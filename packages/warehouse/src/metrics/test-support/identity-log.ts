import {
  aliasMessage,
  identifyMessage,
  type Message,
  screenMessage,
  trackMessage,
} from './identity-messages.js';
import type { SyntheticEvent } from './synthetic-events.js';

/** One message as the collector received it. */
export interface SentMessage {
  /** Receive time (raw.events.received_at); the log lists messages in this order, which raw seq follows. */
  readonly arrival: number;
  /** Whether the plan accepts it: an invalid message must link nothing. */
  readonly valid: boolean;
  readonly payload: Message;
}

/** A valid track event with the human who really sent it. */
export interface TrackedEvent extends SyntheticEvent {
  /** Index of the human behind the event: the truth, which the rules cannot always see. */
  readonly human: number;
  /**
   * A borrower's anonymous event on a lent device: the first-link rule gives it to the human who
   * first signed in on the device (this index), not to the borrower who sent it.
   */
  readonly lender: number | null;
}

/** A generated log with its known persons. */
export interface IdentityLog {
  /** Every message in arrival order: late (offline) events and invalid ones included. */
  readonly messages: readonly SentMessage[];
  /** The valid, deduplicated track events: what the ETL loads. */
  readonly events: readonly TrackedEvent[];
  /**
   * The person key of every id the generator linked to another person, as the documented rules
   * make it (an id not listed is its own person).
   */
  readonly expectedPersonOf: ReadonlyMap<string, string>;
  /** The person key of each human who signed in: their last user id, or the smaller id of a rename loop. */
  readonly keyOfHuman: ReadonlyMap<number, string>;
  /** Messages the plan rejects. */
  readonly invalid: number;
}

export interface IdentityLogOptions {
  readonly humans: number;
  /** First and last UTC day (inclusive) with activity. */
  readonly firstDay: string;
  readonly lastDay: string;
  readonly seed?: number;
}

const PLATFORMS = ['ios', 'android', 'web'] as const;
const COUNTRIES = ['US', 'DE', 'JP', 'BR', null] as const;
/** Home UTC offsets (hours), New York's twice: its users straddle the 2026-03-08 DST switch. */
const HOME_OFFSETS = [-8, -5, -5, 0, 1, 5.5, 9] as const;
const DAY = 86_400_000;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

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

/** How a device signs in: an identify, an alias of its anonymous id, a screen, or a track carrying both ids. */
type SignIn = 'identify' | 'alias' | 'screen' | 'track';

interface Device {
  readonly id: string;
  readonly platform: string;
  /** Session index on the device at which it signs in; −1: before its first event; Infinity: never. */
  signInAt: number;
  signIn: SignIn;
  installs: boolean;
  sessions: number;
  signedIn: boolean;
}

/**
 * A deterministic log of humans whose persons are known: anonymous-only visitors; sign-ups with
 * both ids from their first event; anonymous sessions, then a sign-in (identify, alias of the
 * anonymous id, a screen or a track with both ids; sometimes mid-session on the install day);
 * second devices used anonymously, then signed in; user ids renamed by `alias` (a few renamed back:
 * a loop, which a second device signs in to later); lent devices, which a second human uses anonymously, then signs in on as themselves;
 * plus identifies without a user id, rejected messages carrying two ids, and events that arrive
 * hours to days late (after the sign-in that links them, often in a later run).
 */
export function identityLog(options: IdentityLogOptions): IdentityLog {
  const rand = random(options.seed ?? 17);
  const int = (from: number, to: number) => from + Math.floor(rand() * (to - from + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;
  const signInMode = (): SignIn => {
    const r = rand();
    return r < 0.6 ? 'identify' : r < 0.75 ? 'alias' : r < 0.88 ? 'screen' : 'track';
  };
  const start = Date.parse(`${options.firstDay}T00:00:00Z`);
  const days = Math.round((Date.parse(`${options.lastDay}T00:00:00Z`) - start) / DAY) + 1;
  const sent: SentMessage[] = [];
  const events: TrackedEvent[] = [];
  const expectedPersonOf = new Map<string, string>();
  const keyOfHuman = new Map<number, string>();
  let invalid = 0;
  let message = 0;
  const nextId = () => `m${message++}`;
  const send = (payload: Message, at: number, valid = true, late = 0): void => {
    sent.push({ arrival: at + 1000 + late, valid, payload });
  };
  /** A device whose owner signed in on it, then stopped: the next human borrows it. */
  let lent: { readonly device: Device; readonly lender: number; readonly fromDay: number } | undefined;

  for (let h = 0; h < options.humans; h++) {
    const borrowed = lent;
    lent = undefined;
    const roll = rand();
    const kind = borrowed ? 'later' : roll < 0.3 ? 'anonymous' : roll < 0.45 ? 'direct' : 'later';
    const lender = kind === 'later' && !borrowed && rand() < 0.06;
    const country = pick(COUNTRIES);
    const offset = pick(HOME_OFFSETS);
    const firstDay = borrowed ? borrowed.fromDay : Math.floor(rand() * days);
    const engagement = borrowed || lender ? 0.9 : 0.2 + rand() * 0.8;
    const newDevice = (id: string, signInAt: number, installs: boolean): Device => ({
      id,
      platform: pick(PLATFORMS),
      signInAt,
      signIn: signInMode(),
      installs,
      sessions: 0,
      signedIn: false,
    });
    const ownDevice = newDevice(
      `d${h}`,
      kind === 'anonymous'
        ? Number.POSITIVE_INFINITY
        : kind === 'direct'
          ? -1
          : lender
            ? int(0, 1)
            : int(0, 4),
      rand() < 0.9,
    );
    // A lender signs in with a message that is never late, so its link is the device's first.
    if (lender && ownDevice.signIn === 'track') ownDevice.signIn = 'identify';
    const first = borrowed?.device ?? ownDevice;
    if (borrowed) {
      // The lender signed out: the borrower starts on the device anonymously (no install: the app
      // is there) and signs in as themselves after a session or two.
      Object.assign(first, {
        signInAt: first.sessions + int(1, 2),
        signIn: signInMode(),
        installs: false,
        signedIn: false,
      });
    }
    const renames =
      kind !== 'anonymous' && !borrowed && !lender && rand() < 0.1 ? (rand() < 0.35 ? 2 : 1) : 0;
    // Who renames and back (a loop) has a second device that signs in only after the loop closed:
    // its link then leads into a loop the warehouse already holds.
    const hasSecond = kind !== 'anonymous' && !lender && (renames === 2 || rand() < (borrowed ? 0.5 : 0.25));
    const second = newDevice(`e${h}`, renames === 2 ? Number.POSITIVE_INFINITY : int(-1, 3), rand() < 0.6);
    const secondFrom = hasSecond ? firstDay + int(1, 20) : Number.POSITIVE_INFINITY;
    const renameAfter = int(1, 4);
    const original = `u${h}`;
    const renamed = rand() < 0.5 ? `r${h}` : `w${h}`;
    const noise = kind === 'anonymous' ? rand() : 1;
    let userId = original;
    let signedInSessions = 0;
    let renamesDone = 0;
    let sessionsSoFar = 0;
    let used = false;

    /** A device signed in by aliasing its anonymous id sends the user id only. */
    const idsOf = (d: Device) => ({
      userId: d.signedIn ? userId : null,
      anonymousId: d.signedIn && d.signIn === 'alias' ? null : d.id,
    });
    const signIn = (d: Device, at: number): void => {
      d.signedIn = true;
      const ids = { anonymousId: d.id, userId };
      if (d.signIn === 'identify') send(identifyMessage(nextId(), at, d.platform, ids), at);
      if (d.signIn === 'alias') send(aliasMessage(nextId(), at, d.platform, d.id, userId), at);
      if (d.signIn === 'screen') send(screenMessage(nextId(), at, d.platform, ids), at);
      // 'track': the session's next event carries both ids. A lent device keeps its first user.
      if (!expectedPersonOf.has(d.id)) expectedPersonOf.set(d.id, original);
    };

    for (let day = firstDay; day < days; day++) {
      const k = day - firstDay;
      if (k > 0 && rand() > (0.45 * engagement) / Math.sqrt(k)) continue;
      for (let s = rand() < 0.25 ? 2 : 1; s > 0; s--) {
        const d = day >= secondFrom && rand() < 0.45 ? second : first;
        const sessionId = `${d.id}-s${d.sessions}`;
        const localHour = 7 + rand() * 16;
        let at =
          start + day * DAY + Math.round((localHour - offset) * 60) * MINUTE + Math.floor(rand() * 59_000);
        const step = () => {
          at += (1 + Math.floor(rand() * 12)) * MINUTE + Math.floor(rand() * 1000);
        };
        const track = (event: SyntheticEvent['event'], revenueCents: number | null = null): void => {
          const ids = idsOf(d);
          const e: TrackedEvent = {
            messageId: nextId(),
            userKey: ids.userId ?? d.id,
            ...ids,
            event,
            at,
            sessionId,
            revenueCents,
            platform: d.platform,
            country,
            human: h,
            lender: borrowed && d === first && !d.signedIn ? borrowed.lender : null,
          };
          events.push(e);
          // Offline now and then: the event arrives hours to days late, often after the sign-in.
          const late = rand() < 0.08 ? int(1, 72) * HOUR : 0;
          send(trackMessage(e), at, true, late);
          step();
        };
        if (d.signInAt < 0 && d.sessions === 0) signIn(d, at - 30_000);
        if (d.sessions === 0 && d.installs) track('app_install');
        track('session_start');
        if (d.sessions === d.signInAt) {
          signIn(d, at);
          step();
        }
        if (noise < 0.1 && sessionsSoFar === 1) {
          // An identify without a user id links nothing.
          send(identifyMessage(nextId(), at, d.platform, { anonymousId: d.id }), at);
        } else if (noise < 0.2 && sessionsSoFar === 0) {
          // Rejected (a purchase without its currency): its two ids must link nothing.
          invalid++;
          const e = { ...(events.at(-1) as TrackedEvent), messageId: nextId(), event: 'purchase' as const };
          send({ ...trackMessage({ ...e, userId: `x${h}` }), properties: { amount_cents: 199 } }, at, false);
        }
        for (let n = int(1, 3); n > 0; n--) track('level_up');
        if (rand() < 0.08) track('purchase', 99 + Math.floor(rand() * 4900));
        if (first.signedIn && !borrowed) signedInSessions++;
        const rename = renames > 0 && signedInSessions === renameAfter;
        const renameBack = renames > 1 && signedInSessions === renameAfter + 2;
        if (rename || renameBack) {
          const [from, to] = rename ? [original, renamed] : [renamed, original];
          send(aliasMessage(nextId(), at, d.platform, from, to), at);
          userId = to;
          renamesDone++;
          if (renameBack) second.signInAt = second.sessions + 1;
          step();
          track('level_up');
        }
        d.sessions++;
        sessionsSoFar++;
        used = true;
      }
      // A lender stops two sessions after signing in on the device, and lends it.
      if (lender && first.signedIn && first.sessions >= first.signInAt + 3) {
        lent = { device: first, lender: h, fromDay: day + int(1, 3) };
        break;
      }
    }
    if (used && (first.signedIn || second.signedIn)) {
      // A rename loop (u → r → u) belongs to its smallest id (bytewise; the ids are ASCII).
      const key =
        renamesDone === 2
          ? ([original, renamed].sort()[0] as string)
          : renamesDone === 1
            ? renamed
            : original;
      keyOfHuman.set(h, key);
      for (const [id, owner] of expectedPersonOf) if (owner === original) expectedPersonOf.set(id, key);
      expectedPersonOf.set(original, key);
      if (renamesDone > 0) expectedPersonOf.set(renamed, key);
    }
  }
  for (const [id, person] of expectedPersonOf) if (id === person) expectedPersonOf.delete(id);
  const messages = sent
    .map((m, i) => ({ m, i }))
    .sort((a, b) => a.m.arrival - b.m.arrival || a.i - b.i)
    .map(({ m }) => m);
  return { messages, events, expectedPersonOf, keyOfHuman, invalid };
}
