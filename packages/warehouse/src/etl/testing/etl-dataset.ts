/**
 * A deterministic raw-events data set for the ETL acceptance tests and benchmark: valid events
 * of several users over two weeks (spanning the US DST switch), late arrivals, invalid rows of
 * several kinds, duplicates (same content, new message id), a spam burst, and non-track messages.
 * Each row carries what the generator meant it to be (`intent`), which the reference uses only
 * to know which rows are invalid; duplicates and spam the reference finds by itself.
 */

/** One row for raw.events, in seq (arrival) order. */
export interface RawRow {
  readonly messageId: string;
  readonly receivedAt: string;
  readonly type: string;
  readonly event: string | null;
  readonly payload: Record<string, unknown>;
  readonly intent: 'valid' | 'invalid' | 'duplicate' | 'spam';
  /** For invalid rows: which kind of problem was injected. */
  readonly problem?: string;
}

export interface DatasetOptions {
  readonly events: number;
  readonly seed?: number;
  /** First day of the data (UTC). */
  readonly start?: string;
  /** Message ids and user names get this prefix (to add more data to an existing set). */
  readonly idPrefix?: string;
  /** Share of track events turned invalid (default 0.02). */
  readonly invalidRate?: number;
  /** Share of valid track events sent twice under a new message id (default 0.01). */
  readonly duplicateRate?: number;
}

/** mulberry32: a small seeded PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PLATFORMS = ['ios', 'android', 'web'] as const;
const LOCALES = ['en-US', 'de', 'pt_BR', 'fr-FR', undefined, 'en-GB'] as const;
const VERSIONS = ['2.13.4', '3.0', '1.9.12', undefined, 'beta'] as const;
const CHARACTERS = ['knight', 'mage', 'rogue'] as const;
const HEROES = [' Mage', 'KNIGHT ', 'rogue', 'Ranger'] as const;
const CAMPAIGNS = ['  Spring ', 'SUMMER', 'spring', undefined] as const;
const PROBLEMS = [
  'level_string',
  'level_out_of_range',
  'missing_required',
  'unknown_event',
  'unknown_version',
  'bad_timestamp',
  'bad_enum',
  'bot',
  'threshold',
  'additional_property',
  'no_user',
] as const;

interface Planned {
  ts: number;
  received: number;
  type: string;
  event: string | null;
  payload: Record<string, unknown>;
  intent: RawRow['intent'];
  problem?: string;
}

/** Generates the data set; same options → same rows. */
export function generateDataset(options: DatasetOptions): RawRow[] {
  const random = prng(options.seed ?? 42);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const start = Date.parse(options.start ?? '2024-03-04T00:00:00Z');
  const span = 14 * 86_400_000;
  const target = options.events;
  const users = Math.max(10, Math.floor(target / 40));
  const planned: Planned[] = [];
  const prefix = options.idPrefix ?? 'm';
  for (let u = 0; u < users && planned.length < target; u++) {
    const identified = random() < 0.8;
    let user: Record<string, string> = identified
      ? { userId: `user-${prefix}${u}` }
      : { anonymousId: `anon-${prefix}${u}` };
    // Identity stitching: some identified users browse anonymously first and sign in later (an
    // identify with both ids, then both on every message); a few of those share a device with the
    // previous user (the anonymous id is then linked to two user ids), add a second device, or
    // are renamed by an alias.
    const signInAt = identified && random() < 0.25 ? int(1, 8) : -1;
    const deviceId =
      signInAt > 0 && u > 0 && random() < 0.1 ? `anon-${prefix}${u - 1}` : `anon-${prefix}${u}`;
    const secondDeviceAt = identified && random() < 0.1 ? int(10, 30) : -1;
    const aliasAt = identified && random() < 0.04 ? int(5, 40) : -1;
    if (signInAt > 0) user = { anonymousId: deviceId };
    const tracked = random() < 0.6;
    const platform = pick(PLATFORMS);
    const locale = pick(LOCALES);
    const appVersion = pick(VERSIONS);
    const perUser = int(20, 60);
    let ts = start + Math.floor(random() * (span * 0.7));
    ts -= ts % 1000;
    let session = 0;
    let left = 0;
    for (let e = 0; e < perUser && planned.length < target; e++) {
      if (left === 0) {
        session += 1;
        left = int(3, 15);
        if (e > 0) ts += (random() < 0.3 ? int(31, 90) * 60 : int(2, 30) * 3600) * 1000;
      } else ts += int(10, 300) * 1000;
      if (e > 0 && random() < 0.02) ts += (29 * 60 + int(0, 120)) * 1000; // gaps around the 30-minute cut
      left -= 1;
      const context: Record<string, unknown> = { platform, library: { name: 'gen' } };
      if (locale) context.locale = locale;
      if (appVersion) context.app_version = appVersion;
      if (tracked) context.sessionId = `${prefix}${u}-s${session}`;
      let identity: Record<string, unknown> | undefined;
      if (e === signInAt) {
        user = { anonymousId: deviceId, userId: `user-${prefix}${u}` };
        identity = { type: 'identify', traits: { signed_in: true } };
      } else if (e === secondDeviceAt) {
        user = { anonymousId: `device2-${prefix}${u}`, userId: user.userId ?? `user-${prefix}${u}` };
      } else if (e === aliasAt && user.userId !== undefined) {
        const renamed = `${user.userId}-renamed`;
        identity = { type: 'alias', previousId: user.userId, userId: renamed };
        user = { ...user, userId: renamed };
      }
      const base = { ...user, timestamp: new Date(ts).toISOString(), context };
      const roll = random();
      let message: Record<string, unknown>;
      if (identity) message = identity;
      else if (e === 0 && random() < 0.9) {
        const campaign = pick(CAMPAIGNS);
        message = {
          type: 'track',
          event: 'app_install',
          properties: { store: pick(['app_store', 'play_store']), ...(campaign ? { campaign } : {}) },
        };
      } else if (roll < 0.02) message = { type: 'identify', traits: { plan: pick(['free', 'pro']) } };
      else if (roll < 0.03) message = { type: 'page', name: 'home', properties: { path: '/' } };
      else if (roll < 0.13)
        message = {
          type: 'track',
          event: 'purchase',
          properties: {
            sku: pick(['gems', 'coins', 'pass']),
            price_cents: int(99, 9999),
            currency: pick(['USD', 'EUR']),
          },
        };
      else if (roll < 0.25) {
        message = {
          type: 'track',
          event: 'level_up',
          properties: { level: int(1, 500), character: pick(CHARACTERS) },
        };
        context.eventVersion = 1;
      } else if (roll < 0.5) {
        message = {
          type: 'track',
          event: 'level_up',
          properties: {
            level: int(1, 1000),
            character: pick(CHARACTERS),
            ...(random() < 0.5 ? { coins: int(0, 5000) } : {}),
          },
        };
        context.eventVersion = 2;
      } else {
        const properties: Record<string, unknown> = { level: int(1, 1000), hero: pick(HEROES) };
        if (random() < 0.5) properties.age = int(5, 99);
        if (random() < 0.7)
          properties.duration_ms = random() < 0.1 ? int(3_600_001, 9_000_000) : int(0, 3_600_000);
        message = { type: 'track', event: 'level_up', properties };
        if (random() < 0.4) context.eventVersion = 3;
      }
      planned.push({
        ts,
        received: ts + int(0, 5) * 1000,
        type: String(message.type),
        event: (message.event as string) ?? null,
        payload: { ...base, ...message },
        intent: 'valid',
      });
    }
  }
  // 2% late arrivals: received one to five days after they happened.
  for (const row of planned) if (random() < 0.02) row.received = row.ts + int(1, 5) * 86_400_000;
  // 2% invalid rows of several kinds (turned from valid track events).
  const tracks = planned.filter((p) => p.type === 'track');
  for (const row of tracks) {
    if (random() >= (options.invalidRate ?? 0.02)) continue;
    const problem = pick(PROBLEMS);
    const p = row.payload;
    const props = { ...(p.properties as Record<string, unknown>) };
    const context = { ...(p.context as Record<string, unknown>) };
    if (problem === 'level_string') props.level = 'twelve';
    if (problem === 'missing_required') {
      row.event = 'purchase';
      p.event = 'purchase';
      for (const k of Object.keys(props)) delete props[k];
      Object.assign(props, { sku: 'gems', currency: 'USD' });
      delete context.eventVersion;
    }
    if (problem === 'unknown_event') {
      row.event = 'level_down';
      p.event = 'level_down';
    }
    if (problem === 'unknown_version') context.eventVersion = 9;
    if (problem === 'bad_timestamp') p.timestamp = '2024-02-30T10:00:00Z';
    if (problem === 'bad_enum') context.platform = 'symbian';
    if (problem === 'bot') context.userAgent = 'Mozilla/5.0 (compatible; Googlebot/2.1)';
    if (problem === 'threshold') {
      row.event = 'level_up';
      p.event = 'level_up';
      for (const k of Object.keys(props)) delete props[k];
      Object.assign(props, { level: 3, hero: 'mage', age: 200 });
      context.eventVersion = 3;
    }
    if (problem === 'additional_property') props.cheat = true;
    if (problem === 'no_user') {
      delete p.userId;
      delete p.anonymousId;
    }
    if (problem === 'level_out_of_range') {
      row.event = 'level_up';
      p.event = 'level_up';
      for (const k of Object.keys(props)) delete props[k];
      Object.assign(props, { level: 5000, character: 'mage' });
      context.eventVersion = 1;
    }
    p.properties = props;
    p.context = context;
    row.intent = 'invalid';
    row.problem = problem;
  }
  // 1% duplicates: the same content under a new message id, arriving later.
  const valid = planned.filter((p) => p.type === 'track' && p.intent === 'valid');
  const duplicates: Planned[] = [];
  for (const row of valid) {
    if (random() >= (options.duplicateRate ?? 0.01)) continue;
    duplicates.push({
      ...row,
      payload: structuredClone(row.payload),
      received: row.received + int(1, 600) * 1000,
      intent: 'duplicate',
    });
  }
  // A spam burst: one user sends 30 events within one minute (limit 20).
  const burstAt = start + Math.floor(span / 2);
  const spam: Planned[] = Array.from({ length: 30 }, (_, i) => ({
    ts: burstAt + i * 1000,
    received: burstAt + i * 1000,
    type: 'track',
    event: 'level_up',
    payload: {
      userId: `spammer-${prefix}`,
      timestamp: new Date(burstAt + i * 1000).toISOString(),
      context: { platform: 'web', eventVersion: 1 },
      type: 'track',
      event: 'level_up',
      properties: { level: i + 1, character: 'rogue' },
    },
    intent: i < 20 ? 'valid' : 'spam',
  }));
  const all = [...planned, ...duplicates, ...spam].sort((a, b) => a.received - b.received || a.ts - b.ts);
  return all.map((row, index) => {
    const messageId = `${prefix}-${index.toString(36).padStart(6, '0')}`;
    return {
      messageId,
      receivedAt: new Date(row.received).toISOString(),
      type: row.type,
      event: row.event,
      payload: { ...row.payload, messageId },
      intent: row.intent,
      ...(row.problem ? { problem: row.problem } : {}),
    };
  });
}
