import type { SyntheticEvent } from './synthetic-events.js';

/** A cooked.person_days row as the test reads it (money in cents, so it compares exactly). */
export interface PersonDayRow {
  readonly day: string;
  readonly user_key: string;
  readonly events: number;
  readonly sessions: number;
  readonly purchases: number;
  readonly revenue_cents: number;
}

/** A cooked.persons row as the test reads it. */
export interface PersonRow {
  readonly user_key: string;
  readonly first_day: string;
  readonly last_day: string;
  readonly install_day: string | null;
  readonly first_purchase_day: string | null;
  readonly revenue_cents: number;
  readonly events: number;
}

/** Local calendar day of an instant in a zone. */
export function localDayIn(timeZone: string): (at: number) => string {
  const format = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  });
  return (at) => format.format(new Date(at));
}

/**
 * The person tables of one zone computed from events whose `userKey` already holds their person:
 * per person-day the events, distinct session ids, purchases and revenue; per person the first and
 * last local day, the day of the earliest install and of the earliest purchase (of any of its ids,
 * before or after the sign-in), revenue and events.
 */
export function referencePersonTables(
  events: readonly SyntheticEvent[],
  timeZone: string,
): { readonly days: PersonDayRow[]; readonly persons: PersonRow[] } {
  const localDay = localDayIn(timeZone);
  const days = new Map<
    string,
    { day: string; person: string; events: number; purchases: number; cents: number; sessions: Set<string> }
  >();
  const persons = new Map<
    string,
    { firstAt: number; lastAt: number; installAt: number; purchaseAt: number; cents: number; events: number }
  >();
  for (const e of events) {
    const day = localDay(e.at);
    const purchase = e.event === 'purchase';
    const cents = e.revenueCents ?? 0;
    const key = `${e.userKey}|${day}`;
    let d = days.get(key);
    if (!d) {
      d = { day, person: e.userKey, events: 0, purchases: 0, cents: 0, sessions: new Set() };
      days.set(key, d);
    }
    d.events++;
    d.purchases += purchase ? 1 : 0;
    d.cents += cents;
    d.sessions.add(e.sessionId);
    let p = persons.get(e.userKey);
    if (!p) {
      p = { firstAt: e.at, lastAt: e.at, installAt: Infinity, purchaseAt: Infinity, cents: 0, events: 0 };
      persons.set(e.userKey, p);
    }
    p.firstAt = Math.min(p.firstAt, e.at);
    p.lastAt = Math.max(p.lastAt, e.at);
    if (e.event === 'app_install') p.installAt = Math.min(p.installAt, e.at);
    if (purchase) p.purchaseAt = Math.min(p.purchaseAt, e.at);
    p.cents += cents;
    p.events++;
  }
  const dayOrNull = (at: number) => (Number.isFinite(at) ? localDay(at) : null);
  return {
    days: [...days.values()].map((d) => ({
      day: d.day,
      user_key: d.person,
      events: d.events,
      sessions: d.sessions.size,
      purchases: d.purchases,
      revenue_cents: d.cents,
    })),
    persons: [...persons].map(([person, p]) => ({
      user_key: person,
      first_day: localDay(p.firstAt),
      last_day: localDay(p.lastAt),
      install_day: dayOrNull(p.installAt),
      first_purchase_day: dayOrNull(p.purchaseAt),
      revenue_cents: p.cents,
      events: p.events,
    })),
  };
}
