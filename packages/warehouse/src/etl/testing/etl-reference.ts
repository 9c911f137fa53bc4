import type { RawRow } from './etl-dataset.js';

/**
 * The ETL's expected outcome for the acceptance plan, computed plainly in TypeScript from the same
 * rows (no SQL, nothing shared with the generator but the rows' `intent: 'invalid'` labels):
 * fingerprint dedupe and the spam limit in arrival order, transforms, sessions by id or by a
 * 30-minute gap, local days with Intl.DateTimeFormat. Returns the same statistics as
 * `databaseStats` reads from the warehouse.
 */

const SPAM_LIMIT = 20;
const GAP_MS = 30 * 60_000;
export const TEST_TIME_ZONES = ['UTC', 'America/New_York', 'Asia/Kolkata'] as const;

interface Loaded {
  seq: number;
  userKey: string;
  userId: string | null;
  event: string;
  version: number;
  ts: number;
  sessionId: string | null;
  props: Record<string, unknown>;
  platform: string;
  country: string | null;
  language: string | null;
  appMajor: number | null;
  appMinor: number | null;
  revenueCents: number | null;
  sessionKey?: string;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
/** The local calendar day of an instant in a time zone, `YYYY-MM-DD`. */
export function localDay(ms: number, timeZone: string): string {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    formatters.set(timeZone, format);
  }
  return format.format(new Date(ms));
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

function versionPart(text: string | undefined, index: number): number | null {
  const part = text?.split('.')[index];
  return part !== undefined && /^[0-9]{1,9}$/.test(part) ? Number(part) : null;
}

const sec = (ms: number) => Math.round(ms / 1000);

/** Statistics of the expected warehouse after loading `rows` (see databaseStats for the keys). */
export function referenceStats(rows: readonly RawRow[]): Record<string, number> {
  const stats: Record<string, number> = {};
  const seen = new Set<string>();
  const perMinute = new Map<string, number>();
  const loaded: Loaded[] = [];
  let rejected = 0;
  let spam = 0;
  let identifies = 0;
  let pages = 0;
  rows.forEach((row, index) => {
    const p = row.payload as Record<string, any>;
    if (row.intent === 'invalid') {
      rejected += 1;
      return;
    }
    if (row.type === 'identify') {
      identifies += 1;
      return;
    }
    if (row.type === 'page') {
      pages += 1;
      return;
    }
    if (row.type === 'alias') return;
    const userKey = (p.userId ?? p.anonymousId) as string;
    const ts = Date.parse(p.timestamp);
    const fingerprint = `${userKey}|${row.event}|${canonical(p.properties ?? {})}|${ts}`;
    if (seen.has(fingerprint)) return;
    seen.add(fingerprint);
    const minute = `${userKey}|${Math.floor(ts / 60_000)}`;
    const count = (perMinute.get(minute) ?? 0) + 1;
    perMinute.set(minute, count);
    if (count > SPAM_LIMIT) {
      rejected += 1;
      spam += 1;
      return;
    }
    const context = p.context ?? {};
    const locale =
      typeof context.locale === 'string' ? context.locale.replaceAll('_', '-').split('-') : undefined;
    loaded.push({
      seq: index + 1,
      userKey,
      userId: p.userId ?? null,
      event: row.event as string,
      version: context.eventVersion ?? (row.event === 'level_up' ? 3 : 1),
      ts,
      sessionId: context.sessionId ?? null,
      props: p.properties ?? {},
      platform: context.platform,
      language: locale?.[0] ? locale[0].toLowerCase() : null,
      country: locale?.[1] ? locale[1].toUpperCase() : null,
      appMajor: versionPart(context.app_version, 0),
      appMinor: versionPart(context.app_version, 1),
      revenueCents: row.event === 'purchase' ? (p.properties.price_cents as number) : null,
    });
  });
  stats['raw.rejected.rows'] = rejected;
  stats['raw.rejected.spam'] = spam;
  stats['processed.identifies.rows'] = identifies;
  stats['processed.pages.rows'] = pages;

  // processed.tracks
  const distinct = (values: Iterable<unknown>) =>
    new Set([...values].filter((v) => v !== null && v !== undefined)).size;
  stats['processed.tracks.rows'] = loaded.length;
  stats['processed.tracks.users'] = distinct(loaded.map((e) => e.userKey));
  stats['processed.tracks.session_ids'] = distinct(loaded.map((e) => e.sessionId));
  stats['processed.tracks.revenue_cents'] = loaded.reduce((s, e) => s + (e.revenueCents ?? 0), 0);
  stats['processed.tracks.countries'] = distinct(loaded.map((e) => e.country));
  stats['processed.tracks.languages'] = distinct(loaded.map((e) => e.language));
  stats['processed.tracks.app_major'] = loaded.reduce((s, e) => s + (e.appMajor ?? 0), 0);
  stats['processed.tracks.app_minor'] = loaded.reduce((s, e) => s + (e.appMinor ?? 0), 0);
  stats['processed.tracks.timestamp_s'] = loaded.reduce((s, e) => s + sec(e.ts), 0);
  for (const event of ['app_install', 'level_up', 'purchase']) {
    for (const version of [1, 2, 3]) {
      const n = loaded.filter((e) => e.event === event && e.version === version).length;
      if (n > 0) stats[`processed.tracks.${event}_v${version}`] = n;
    }
  }
  // event tables
  const installs = loaded.filter((e) => e.event === 'app_install');
  stats['processed.app_install.rows'] = installs.length;
  const campaign = (e: Loaded) => {
    const c = e.props.campaign as string | undefined;
    return c === undefined ? 'organic' : c.normalize('NFC').trim().toLowerCase();
  };
  stats['processed.app_install.campaigns'] = distinct(installs.map(campaign));
  stats['processed.app_install.organic'] = installs.filter((e) => campaign(e) === 'organic').length;
  const levels = loaded.filter((e) => e.event === 'level_up' && e.version < 3);
  stats['processed.level_up.rows'] = levels.length;
  stats['processed.level_up.level'] = levels.reduce((s, e) => s + (e.props.level as number), 0);
  stats['processed.level_up.coins'] = levels.reduce(
    (s, e) => s + ((e.props.coins as number | undefined) ?? 0),
    0,
  );
  stats['processed.level_up.coins_count'] = levels.filter((e) => e.version === 2).length;
  stats['processed.level_up.characters'] = distinct(levels.map((e) => e.props.character));
  const v3 = loaded.filter((e) => e.event === 'level_up' && e.version === 3);
  stats['processed.level_up_v3.rows'] = v3.length;
  stats['processed.level_up_v3.level'] = v3.reduce((s, e) => s + (e.props.level as number), 0);
  stats['processed.level_up_v3.heroes'] = distinct(
    v3.map((e) => (e.props.hero as string).trim().toLowerCase()),
  );
  stats['processed.level_up_v3.age_count'] = v3.filter((e) => e.props.age !== undefined).length;
  stats['processed.level_up_v3.age'] = v3.reduce((s, e) => s + ((e.props.age as number | undefined) ?? 0), 0);
  const duration = (e: Loaded) => {
    const ms = e.props.duration_ms as number | undefined;
    return ms === undefined || ms > 3_600_000 ? undefined : ms;
  };
  stats['processed.level_up_v3.duration_count'] = v3.filter((e) => duration(e) !== undefined).length;
  stats['processed.level_up_v3.duration_ms'] = v3.reduce((s, e) => s + (duration(e) ?? 0), 0);
  const purchases = loaded.filter((e) => e.event === 'purchase');
  stats['processed.purchase.rows'] = purchases.length;
  stats['processed.purchase.price_cents'] = purchases.reduce((s, e) => s + (e.revenueCents ?? 0), 0);
  stats['processed.purchase.sku_currencies'] = distinct(
    purchases.map((e) => `${e.props.sku}:${e.props.currency}`),
  );

  // sessions: the tracker's id, else a 30-minute inactivity cut per user
  const sessions = new Map<
    string,
    { user: string; start: number; end: number; events: number; numbered: boolean }
  >();
  const byUser = new Map<string, Loaded[]>();
  for (const e of loaded) {
    if (e.sessionId !== null) e.sessionKey = e.sessionId;
    else byUser.set(e.userKey, [...(byUser.get(e.userKey) ?? []), e]);
  }
  for (const [user, events] of byUser) {
    events.sort((a, b) => a.ts - b.ts || a.seq - b.seq);
    let n = 0;
    let previous: number | undefined;
    for (const e of events) {
      if (previous === undefined || e.ts - previous > GAP_MS) n += 1;
      e.sessionKey = `${user}#${n}`;
      previous = e.ts;
    }
  }
  for (const e of loaded) {
    const key = e.sessionKey as string;
    const s = sessions.get(key);
    if (!s)
      sessions.set(key, {
        user: e.userKey,
        start: e.ts,
        end: e.ts,
        events: 1,
        numbered: e.sessionId === null,
      });
    else {
      s.start = Math.min(s.start, e.ts);
      s.end = Math.max(s.end, e.ts);
      s.events += 1;
    }
  }
  stats['cooked.sessions.rows'] = sessions.size;
  stats['cooked.sessions.events'] = [...sessions.values()].reduce((s, x) => s + x.events, 0);
  stats['cooked.sessions.started_s'] = [...sessions.values()].reduce((s, x) => s + sec(x.start), 0);
  stats['cooked.sessions.ended_s'] = [...sessions.values()].reduce((s, x) => s + sec(x.end), 0);
  stats['cooked.sessions.numbered'] = [...sessions.values()].filter((x) => x.numbered).length;

  for (const tz of TEST_TIME_ZONES) {
    const days = new Map<
      string,
      {
        user: string;
        day: string;
        events: number;
        keys: Set<string>;
        cents: number;
        purchases: number;
        first: number;
        last: number;
      }
    >();
    const dims = new Map<string, { events: number; keys: Set<string>; cents: number; purchases: number }>();
    const sessionDays = new Set<string>();
    for (const e of loaded) {
      const day = localDay(e.ts, tz);
      const key = `${e.userKey}|${day}`;
      const d = days.get(key) ?? {
        user: e.userKey,
        day,
        events: 0,
        keys: new Set(),
        cents: 0,
        purchases: 0,
        first: e.ts,
        last: e.ts,
      };
      d.events += 1;
      d.keys.add(e.sessionKey as string);
      d.cents += e.revenueCents ?? 0;
      d.purchases += e.event === 'purchase' ? 1 : 0;
      d.first = Math.min(d.first, e.ts);
      d.last = Math.max(d.last, e.ts);
      days.set(key, d);
      sessionDays.add(`${day}|${e.sessionKey}`);
      for (const [dimension, value] of [
        ['platform', e.platform],
        ['country', e.country],
      ] as const) {
        const dk = `${key}|${dimension}|${value ?? '(none)'}`;
        const x = dims.get(dk) ?? { events: 0, keys: new Set(), cents: 0, purchases: 0 };
        x.events += 1;
        x.keys.add(e.sessionKey as string);
        x.cents += e.revenueCents ?? 0;
        x.purchases += e.event === 'purchase' ? 1 : 0;
        dims.set(dk, x);
      }
    }
    const p = `cooked.user_days[${tz}]`;
    const all = [...days.values()];
    stats[`${p}.rows`] = all.length;
    stats[`${p}.events`] = all.reduce((s, d) => s + d.events, 0);
    stats[`${p}.sessions`] = all.reduce((s, d) => s + d.keys.size, 0);
    stats[`${p}.revenue_cents`] = all.reduce((s, d) => s + d.cents, 0);
    stats[`${p}.purchases`] = all.reduce((s, d) => s + d.purchases, 0);
    stats[`${p}.users`] = distinct(all.map((d) => d.user));
    stats[`${p}.days`] = distinct(all.map((d) => d.day));
    stats[`${p}.first_s`] = all.reduce((s, d) => s + sec(d.first), 0);
    stats[`${p}.last_s`] = all.reduce((s, d) => s + sec(d.last), 0);
    const dp = `cooked.user_day_dimensions[${tz}]`;
    const dimRows = [...dims.entries()];
    stats[`${dp}.rows`] = dimRows.length;
    stats[`${dp}.events`] = dimRows.reduce((s, [, x]) => s + x.events, 0);
    stats[`${dp}.sessions`] = dimRows.reduce((s, [, x]) => s + x.keys.size, 0);
    stats[`${dp}.revenue_cents`] = dimRows.reduce((s, [, x]) => s + x.cents, 0);
    stats[`${dp}.purchases`] = dimRows.reduce((s, [, x]) => s + x.purchases, 0);
    stats[`${dp}.values`] = distinct(dimRows.map(([k]) => k.split('|').slice(2).join('|')));
    stats[`cooked.session_days[${tz}].rows`] = sessionDays.size;
    // users
    const users = new Map<
      string,
      {
        userId: string | null;
        first: number;
        last: number;
        install?: number;
        purchase?: number;
        cents: number;
        events: number;
      }
    >();
    for (const e of loaded) {
      const u = users.get(e.userKey) ?? { userId: null, first: e.ts, last: e.ts, cents: 0, events: 0 };
      if (e.userId !== null && (u.userId === null || e.userId < u.userId)) u.userId = e.userId;
      u.first = Math.min(u.first, e.ts);
      u.last = Math.max(u.last, e.ts);
      if (e.event === 'app_install') u.install = Math.min(u.install ?? e.ts, e.ts);
      if (e.event === 'purchase') u.purchase = Math.min(u.purchase ?? e.ts, e.ts);
      u.cents += e.revenueCents ?? 0;
      u.events += 1;
      users.set(e.userKey, u);
    }
    const up = `cooked.users[${tz}]`;
    const list = [...users.values()];
    stats[`${up}.rows`] = list.length;
    stats[`${up}.identified`] = list.filter((u) => u.userId !== null).length;
    stats[`${up}.installs`] = list.filter((u) => u.install !== undefined).length;
    stats[`${up}.install_days`] = distinct(
      list.map((u) => (u.install === undefined ? undefined : localDay(u.install, tz))),
    );
    stats[`${up}.payers`] = list.filter((u) => u.purchase !== undefined).length;
    stats[`${up}.first_days`] = distinct(list.map((u) => localDay(u.first, tz)));
    stats[`${up}.last_days`] = distinct(list.map((u) => localDay(u.last, tz)));
    stats[`${up}.events`] = list.reduce((s, u) => s + u.events, 0);
    stats[`${up}.revenue_cents`] = list.reduce((s, u) => s + u.cents, 0);
    stats[`${up}.first_seen_s`] = list.reduce((s, u) => s + sec(u.first), 0);
    stats[`${up}.install_s`] = list.reduce((s, u) => s + (u.install === undefined ? 0 : sec(u.install)), 0);
  }
  return stats;
}
