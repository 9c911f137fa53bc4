import type { SyntheticEvent } from './synthetic-events.js';

/**
 * An independent, deliberately plain TypeScript computation of every metric straight from the
 * events, written from METRICS.md: local days by Intl.DateTimeFormat, sets and loops, no SQL and no
 * code shared with the query builders or the cooking SQL.
 */

export interface ReferenceSpec {
  readonly metric: string;
  readonly from: string;
  readonly to: string;
  readonly timeZone: string;
  readonly breakdown?: 'platform' | 'country';
  readonly filters?: readonly {
    dimension: 'platform' | 'country';
    op: 'in' | 'not_in';
    values: readonly string[];
  }[];
  readonly excludeUsers?: readonly string[];
  readonly days?: number;
  readonly maxOffset?: number;
  readonly granularity?: 'day' | 'week';
  readonly retentionMode?: 'on' | 'on_or_after';
  readonly period?: 'week' | 'month';
  readonly lastCompleteDay?: string;
}

type Row = Record<string, string | number | null>;

const DAY_MS = 86_400_000;

/** 'YYYY-MM-DD' ± n days. */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

function mondayOf(day: string): string {
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay(); // 0 = Sunday
  return addDays(day, -((weekday + 6) % 7));
}

function monthOf(day: string): string {
  return `${day.slice(0, 7)}-01`;
}

function nextMonth(month: string): string {
  const [y, m] = [Number(month.slice(0, 4)), Number(month.slice(5, 7))];
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
}

/** Local calendar day of an instant in a zone, cached per 15-minute slot (every real offset is a multiple of 15 minutes). */
function localDayFunction(timeZone: string): (at: number) => string {
  const format = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  });
  const cache = new Map<number, string>();
  return (at) => {
    const slot = Math.floor(at / 900_000);
    let day = cache.get(slot);
    if (day === undefined) {
      const parts = format.formatToParts(new Date(slot * 900_000));
      const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
      day = `${get('year')}-${get('month')}-${get('day')}`;
      cache.set(slot, day);
    }
    return day;
  };
}

interface Prepared {
  readonly localDay: (at: number) => string;
  /** Events with their local day, grouped by user. */
  readonly byUser: Map<string, { e: SyntheticEvent; day: string }[]>;
}

const prepared = new WeakMap<readonly SyntheticEvent[], Map<string, Prepared>>();

function prepare(events: readonly SyntheticEvent[], timeZone: string): Prepared {
  let perZone = prepared.get(events);
  if (!perZone) {
    perZone = new Map();
    prepared.set(events, perZone);
  }
  const hit = perZone.get(timeZone);
  if (hit) return hit;
  const localDay = localDayFunction(timeZone);
  const byUser = new Map<string, { e: SyntheticEvent; day: string }[]>();
  for (const e of events) {
    let list = byUser.get(e.userKey);
    if (!list) {
      list = [];
      byUser.set(e.userKey, list);
    }
    list.push({ e, day: localDay(e.at) });
  }
  const result = { localDay, byUser };
  perZone.set(timeZone, result);
  return result;
}

function dimensionValue(e: SyntheticEvent, dimension: 'platform' | 'country'): string {
  return (dimension === 'platform' ? e.platform : e.country) ?? '(none)';
}

interface UserFacts {
  readonly days: Map<string, SyntheticEvent[]>;
  readonly installDay: string | null;
  readonly firstPurchaseDay: string | null;
}

/** One slice (a breakdown value, or everything): its users' active days, with day indexes. */
interface Slice {
  /** user → day → the user's events of that day in the slice. */
  readonly perUser: Map<string, Map<string, SyntheticEvent[]>>;
  readonly usersByDay: Map<string, Set<string>>;
  readonly eventsByDay: Map<string, SyntheticEvent[]>;
}

interface Universe {
  readonly users: Map<string, UserFacts>;
  readonly slices: Map<string, Slice>;
}

const universes = new WeakMap<readonly SyntheticEvent[], Map<string, Universe>>();

/** Users and slices for a zone, breakdown, filters and exclusions (cached: many metrics share them). */
function universe(events: readonly SyntheticEvent[], spec: ReferenceSpec): Universe {
  const key = JSON.stringify([spec.timeZone, spec.breakdown, spec.filters, spec.excludeUsers]);
  let cache = universes.get(events);
  if (!cache) {
    cache = new Map();
    universes.set(events, cache);
  }
  const hit = cache.get(key);
  if (hit) return hit;
  const { byUser } = prepare(events, spec.timeZone);
  const excluded = new Set(spec.excludeUsers ?? []);
  const filters = spec.filters ?? [];

  // Per user: local days with events, the events of each day, install day, first purchase day.
  const users = new Map<string, UserFacts>();
  for (const [user, list] of byUser) {
    const days = new Map<string, SyntheticEvent[]>();
    let install: { at: number; day: string } | null = null;
    let purchase: { at: number; day: string } | null = null;
    for (const { e, day } of list) {
      if (!days.has(day)) days.set(day, []);
      days.get(day)?.push(e);
      if (e.event === 'app_install' && (!install || e.at < install.at)) install = { at: e.at, day };
      if (e.event === 'purchase' && (!purchase || e.at < purchase.at)) purchase = { at: e.at, day };
    }
    users.set(user, { days, installDay: install?.day ?? null, firstPurchaseDay: purchase?.day ?? null });
  }

  // A user-day counts when the user is not excluded and some event that day matches each filter.
  const passes = (user: string, dayEvents: SyntheticEvent[]): boolean =>
    !excluded.has(user) &&
    filters.every((f) =>
      dayEvents.some((e) => (f.op === 'in') === f.values.includes(dimensionValue(e, f.dimension))),
    );

  const slices = new Map<string, Slice>();
  for (const [user, facts] of users) {
    for (const [day, dayEvents] of facts.days) {
      if (!passes(user, dayEvents)) continue;
      for (const e of dayEvents) {
        const name = spec.breakdown ? dimensionValue(e, spec.breakdown) : '';
        let slice = slices.get(name);
        if (!slice) {
          slice = { perUser: new Map(), usersByDay: new Map(), eventsByDay: new Map() };
          slices.set(name, slice);
        }
        if (!slice.perUser.has(user)) slice.perUser.set(user, new Map());
        const perDay = slice.perUser.get(user) as Map<string, SyntheticEvent[]>;
        if (!perDay.has(day)) perDay.set(day, []);
        perDay.get(day)?.push(e);
        if (!slice.usersByDay.has(day)) slice.usersByDay.set(day, new Set());
        slice.usersByDay.get(day)?.add(user);
        if (!slice.eventsByDay.has(day)) slice.eventsByDay.set(day, []);
        slice.eventsByDay.get(day)?.push(e);
      }
    }
  }
  const result = { users, slices };
  cache.set(key, result);
  return result;
}

const sessionBounds = new WeakMap<readonly SyntheticEvent[], Map<string, { min: number; max: number }>>();

/** First and last event time of every session, over all its events. */
function boundsOfSessions(events: readonly SyntheticEvent[]): Map<string, { min: number; max: number }> {
  let bounds = sessionBounds.get(events);
  if (!bounds) {
    bounds = new Map();
    for (const e of events) {
      const b = bounds.get(e.sessionId);
      if (!b) bounds.set(e.sessionId, { min: e.at, max: e.at });
      else {
        b.min = Math.min(b.min, e.at);
        b.max = Math.max(b.max, e.at);
      }
    }
    sessionBounds.set(events, bounds);
  }
  return bounds;
}

const EMPTY_SLICE: Slice = { perUser: new Map(), usersByDay: new Map(), eventsByDay: new Map() };

/** Computes the rows of one metric spec from the events. */
export function referenceMetric(events: readonly SyntheticEvent[], spec: ReferenceSpec): Row[] {
  const { users, slices } = universe(events, spec);
  const last = spec.lastCompleteDay && spec.lastCompleteDay < spec.to ? spec.lastCompleteDay : spec.to;
  const rangeDays = daysBetween(spec.from, spec.to);
  // Breakdown values: those with activity (after filters) in the range.
  const sliceNames = spec.breakdown
    ? [...slices.entries()]
        .filter(([, slice]) => [...slice.usersByDay.keys()].some((day) => day >= spec.from && day <= spec.to))
        .map(([name]) => name)
    : [''];

  const rows: Row[] = [];
  for (const slice of sliceNames) {
    const { perUser, usersByDay, eventsByDay } = slices.get(slice) ?? EMPTY_SLICE;
    const withSlice = (row: Row): Row => (spec.breakdown ? { ...row, breakdown: slice } : row);
    const activeIn = (from: string, to: string): Set<string> => {
      const out = new Set<string>();
      for (let day = from; day <= to; day = addDays(day, 1))
        for (const user of usersByDay.get(day) ?? []) out.add(user);
      return out;
    };
    const dau = (day: string) => usersByDay.get(day)?.size ?? 0;
    const eventsOn = (day: string) => eventsByDay.get(day) ?? [];
    const revenueCentsOn = (day: string) => eventsOn(day).reduce((sum, e) => sum + (e.revenueCents ?? 0), 0);
    const payingOn = (day: string) =>
      new Set(
        eventsOn(day)
          .filter((e) => (e.revenueCents ?? 0) > 0)
          .map((e) => e.userKey),
      ).size;
    const ratio = (a: number, b: number): number | null => (b === 0 ? null : a / b);
    const cohortMembers = (from: string, to: string) =>
      [...perUser.entries()].filter(([user, days]) => {
        const install = users.get(user)?.installDay;
        return install != null && install >= from && install <= to && days.has(install);
      });

    switch (spec.metric) {
      case 'dau':
      case 'wau':
      case 'mau':
      case 'stickiness':
        for (const day of rangeDays) {
          const d = dau(day);
          if (spec.metric === 'dau') rows.push(withSlice({ day, dau: d }));
          if (spec.metric === 'wau') rows.push(withSlice({ day, wau: activeIn(addDays(day, -6), day).size }));
          if (spec.metric === 'dau' || spec.metric === 'wau') continue;
          const m = activeIn(addDays(day, -29), day).size;
          if (spec.metric === 'mau') rows.push(withSlice({ day, mau: m }));
          if (spec.metric === 'stickiness')
            rows.push(withSlice({ day, dau: d, mau: m, stickiness: ratio(d, m) }));
        }
        break;
      case 'installs':
        for (const day of rangeDays) rows.push(withSlice({ day, installs: cohortMembers(day, day).length }));
        break;
      case 'sessions':
      case 'sessions_per_dau':
        for (const day of rangeDays) {
          const sessions = new Set(eventsOn(day).map((e) => e.sessionId)).size;
          const d = dau(day);
          rows.push(
            withSlice(
              spec.metric === 'sessions'
                ? { day, sessions }
                : { day, sessions, dau: d, sessions_per_dau: ratio(sessions, d) },
            ),
          );
        }
        break;
      case 'avg_session_length_seconds': {
        // Whole sessions (all their events, any value) of the users active in the slice that day.
        const bounds = boundsOfSessions(events);
        for (const day of rangeDays) {
          const sessions = new Set<string>();
          for (const user of usersByDay.get(day) ?? []) {
            for (const e of users.get(user)?.days.get(day) ?? []) sessions.add(e.sessionId);
          }
          const lengths = [...sessions].map((s) => {
            const b = bounds.get(s) as { min: number; max: number };
            return (b.max - b.min) / 1000;
          });
          rows.push(
            withSlice({
              day,
              avg_session_length_seconds:
                lengths.length === 0 ? null : lengths.reduce((a, b) => a + b, 0) / lengths.length,
            }),
          );
        }
        break;
      }
      case 'revenue':
      case 'paying_users':
      case 'arpdau':
      case 'arppu':
        for (const day of rangeDays) {
          const revenue = revenueCentsOn(day) / 100;
          const paying = payingOn(day);
          const d = dau(day);
          rows.push(
            withSlice(
              {
                revenue: { day, revenue },
                paying_users: { day, paying_users: paying },
                arpdau: { day, revenue, dau: d, arpdau: ratio(revenue, d) },
                arppu: { day, revenue, paying_users: paying, arppu: ratio(revenue, paying) },
              }[spec.metric],
            ),
          );
        }
        break;
      case 'conversion':
        for (const day of rangeDays) {
          const d = dau(day);
          const converted = [...(usersByDay.get(day) ?? [])].filter(
            (user) => users.get(user)?.firstPurchaseDay === day,
          ).length;
          rows.push(withSlice({ day, converted, dau: d, conversion: ratio(converted, d) }));
        }
        break;
      case 'retention':
      case 'retention_triangle': {
        const weekly = spec.metric === 'retention_triangle' && spec.granularity === 'week';
        const unit = weekly ? 7 : 1;
        const mode = spec.retentionMode ?? 'on';
        const [nFirst, nLast] =
          spec.metric === 'retention'
            ? [spec.days ?? 1, spec.days ?? 1]
            : [0, spec.maxOffset ?? (weekly ? 8 : 30)];
        const firstCohort = weekly ? mondayOf(spec.from) : spec.from;
        for (let cohort = firstCohort; cohort <= spec.to; cohort = addDays(cohort, unit)) {
          const members = cohortMembers(cohort, addDays(cohort, unit - 1)).filter(([user]) => {
            const install = users.get(user)?.installDay as string;
            return install <= spec.to;
          });
          for (let n = nFirst; n <= nLast; n++) {
            const start = addDays(cohort, unit * n);
            const end = addDays(start, unit - 1);
            const incomplete = end > last;
            let retained = 0;
            for (const [, days] of members) {
              const hit = [...days.keys()].some((day) =>
                mode === 'on' ? day >= start && day <= end && day <= last : day >= start && day <= last,
              );
              if (hit) retained++;
            }
            rows.push(
              withSlice({
                cohort,
                n,
                installs: members.length,
                retained: incomplete ? null : retained,
                retention: incomplete ? null : ratio(retained, members.length),
              }),
            );
          }
        }
        break;
      }
      case 'cohort_conversion': {
        const n = spec.days ?? 7;
        for (const cohort of rangeDays) {
          const members = cohortMembers(cohort, cohort);
          const deadline = addDays(cohort, n);
          const converted = members.filter(([user]) => {
            const first = users.get(user)?.firstPurchaseDay;
            return first != null && first <= deadline;
          }).length;
          const incomplete = deadline > last;
          rows.push(
            withSlice({
              cohort,
              installs: members.length,
              converted: incomplete ? null : converted,
              conversion: incomplete ? null : ratio(converted, members.length),
            }),
          );
        }
        break;
      }
      case 'inactivity_churn': {
        const n = spec.days ?? 7;
        for (const day of rangeDays) {
          const lastActive = addDays(day, -n);
          let churned = 0;
          for (const days of perUser.values()) {
            if (!days.has(lastActive)) continue;
            const since = [...days.keys()].some((d) => d > lastActive && d <= day);
            if (!since) churned++;
          }
          const base = activeIn(addDays(lastActive, -(n - 1)), lastActive).size;
          rows.push(withSlice({ day, churned, base, churn: ratio(churned, base) }));
        }
        break;
      }
      case 'period_churn': {
        const monthly = spec.period === 'month';
        const startOf = monthly ? monthOf : mondayOf;
        const next = monthly ? nextMonth : (p: string) => addDays(p, 7);
        for (let p = startOf(spec.from); p <= spec.to; p = next(p)) {
          const pEnd = addDays(next(p), -1);
          const q = next(p);
          const qEnd = addDays(next(q), -1);
          // Activity after the range's last day is not read, so the last period may be partial.
          const active = activeIn(p, [pEnd, spec.to].sort()[0] as string);
          const stayed = activeIn(q, qEnd);
          const churned = [...active].filter((u) => !stayed.has(u)).length;
          const incomplete = qEnd > last;
          rows.push(
            withSlice({
              period_start: p,
              active_users: active.size,
              churned_users: incomplete ? null : churned,
              churn: incomplete ? null : ratio(churned, active.size),
            }),
          );
        }
        break;
      }
      default:
        throw new Error(`reference: no computation for ${spec.metric}`);
    }
  }
  return rows;
}
