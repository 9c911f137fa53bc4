/**
 * An independent, deliberately brute-force TypeScript computation of a funnel straight from the
 * definitions in the metrics README ("Funnels"): every attempt is followed through every path of
 * events, nothing is shared with the SQL compiler. Small inputs only (cubic time).
 */

export interface ReferenceEvent {
  readonly unit: string;
  /** Epoch milliseconds. */
  readonly ts: number;
  /** Arrival order (raw seq). */
  readonly seq: number;
  readonly event: string;
  readonly props: Readonly<Record<string, string | number | boolean>>;
  readonly platform: string;
}

export interface ReferenceStep {
  readonly event: string;
  readonly where?: Readonly<
    Record<
      string,
      string | number | boolean | { readonly gte?: number; readonly in?: readonly (string | number)[] }
    >
  >;
}

export interface ReferenceFunnelSpec {
  readonly steps: readonly ReferenceStep[];
  readonly windowMs: number;
  readonly from: string;
  readonly to: string;
  readonly timeZone: string;
  readonly order: 'ordered' | 'strict' | 'any';
  readonly breakdownByPlatform: boolean;
  readonly exclusions: readonly { readonly event: string; readonly between: readonly [number, number] }[];
}

export interface ReferenceGroup {
  readonly breakdown: string | null;
  readonly counts: readonly number[];
  /** Seconds, per step k ≥ 1 (index k − 1): median and p90 of the units' times from step k − 1. */
  readonly medians: readonly (number | null)[];
  readonly p90s: readonly (number | null)[];
}

export interface ReferenceSeriesRow {
  readonly day: string;
  readonly breakdown: string | null;
  readonly entered: number;
  readonly converted: number;
}

export function localDay(ms: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(ms));
}

/** Epoch ms of local midnight starting `day` in `timeZone`. */
function localMidnight(day: string, timeZone: string): number {
  // Search the UTC instant whose local day is `day` and whose previous millisecond is not.
  let lo = Date.parse(`${day}T00:00:00Z`) - 36 * 3_600_000;
  let hi = lo + 72 * 3_600_000;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (localDay(mid, timeZone) >= day) hi = mid;
    else lo = mid;
  }
  return hi;
}

function addDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

function matches(step: ReferenceStep, e: ReferenceEvent): boolean {
  if (e.event !== step.event) return false;
  for (const [key, condition] of Object.entries(step.where ?? {})) {
    const value = e.props[key];
    if (value === undefined) return false;
    if (typeof condition === 'object') {
      if (condition.gte !== undefined && !(typeof value === 'number' && value >= condition.gte)) return false;
      if (condition.in !== undefined && !condition.in.includes(value as string | number)) return false;
    } else if (value !== condition) return false;
  }
  return true;
}

const before = (a: ReferenceEvent, b: ReferenceEvent) => a.ts < b.ts || (a.ts === b.ts && a.seq < b.seq);

function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * p;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return (sorted[low] as number) + ((sorted[high] as number) - (sorted[low] as number)) * (position - low);
}

interface UnitOutcome {
  /** Highest step index reached (-1: not entered). */
  readonly level: number;
  /** Per step k ≥ 1: ms from step k − 1 at the first arrival at step k. */
  readonly times: readonly (number | undefined)[];
  /** Local days of entries (step 1 events). */
  readonly entryDays: ReadonlySet<string>;
  /** Local days of the latest entry of the attempts completing the funnel, per completing event. */
  readonly convertedDays: ReadonlySet<string>;
}

/** Follows every attempt of one unit (its events sorted by (ts, seq)). */
function orderedOutcome(
  events: readonly ReferenceEvent[],
  all: readonly ReferenceEvent[],
  spec: ReferenceFunnelSpec,
  inRange: (e: ReferenceEvent) => boolean,
  isEntry: (e: ReferenceEvent) => boolean,
): UnitOutcome {
  const n = spec.steps.length;
  const barrier = (q: ReferenceEvent, r: ReferenceEvent, fromStep: number) =>
    spec.exclusions.some(
      (x) =>
        x.between[0] <= fromStep &&
        fromStep < x.between[1] &&
        all.some((z) => z.event === x.event && before(q, z) && before(z, r)),
    );
  const immediatelyBefore = (q: ReferenceEvent, r: ReferenceEvent) =>
    before(q, r) && !all.some((z) => before(q, z) && before(z, r));
  // reach[k] = map event index → set of entry timestamps of attempts reaching step k at that event.
  const reach: Map<number, Set<number>>[] = Array.from({ length: n }, () => new Map());
  events.forEach((e, i) => {
    if (isEntry(e) && inRange(e) && matches(spec.steps[0] as ReferenceStep, e))
      reach[0]?.set(i, new Set([e.ts]));
  });
  for (let k = 1; k < n; k++) {
    events.forEach((r, i) => {
      if (!matches(spec.steps[k] as ReferenceStep, r)) return;
      const entries = new Set<number>();
      for (const [j, starts] of reach[k - 1] as Map<number, Set<number>>) {
        const q = events[j] as ReferenceEvent;
        if (!before(q, r)) continue;
        if (spec.order === 'strict' ? !immediatelyBefore(q, r) : barrier(q, r, k - 1)) continue;
        for (const start of starts) if (r.ts - start <= spec.windowMs) entries.add(start);
      }
      if (entries.size > 0) reach[k]?.set(i, entries);
    });
  }
  let level = -1;
  for (let k = 0; k < n; k++) if ((reach[k] as Map<number, Set<number>>).size > 0) level = k;
  const times: (number | undefined)[] = [];
  for (let k = 1; k < n; k++) {
    const arrivals = [...(reach[k] as Map<number, Set<number>>).keys()];
    if (arrivals.length === 0) {
      times.push(undefined);
      continue;
    }
    const first = Math.min(...arrivals);
    const r = events[first] as ReferenceEvent;
    // The latest-started attempt reaching step k − 1 before r that r can continue, then its latest step k − 1 event.
    let best: [number, number] | undefined;
    for (const [j, starts] of reach[k - 1] as Map<number, Set<number>>) {
      const q = events[j] as ReferenceEvent;
      if (!before(q, r)) continue;
      if (spec.order === 'strict' ? !immediatelyBefore(q, r) : barrier(q, r, k - 1)) continue;
      const start = Math.max(...starts);
      if (!best || start > best[0] || (start === best[0] && q.ts > best[1])) best = [start, q.ts];
    }
    times.push(r.ts - (best as [number, number])[1]);
  }
  const entryDays = new Set(
    [...(reach[0] as Map<number, Set<number>>).keys()].map((i) =>
      localDay((events[i] as ReferenceEvent).ts, spec.timeZone),
    ),
  );
  const convertedDays = new Set(
    [...(reach[n - 1] as Map<number, Set<number>>).values()].map((starts) =>
      localDay(Math.max(...starts), spec.timeZone),
    ),
  );
  return { level, times, entryDays, convertedDays };
}

function anyOrderOutcome(
  events: readonly ReferenceEvent[],
  spec: ReferenceFunnelSpec,
  inRange: (e: ReferenceEvent) => boolean,
  stepMatches: (k: number, e: ReferenceEvent) => boolean,
): UnitOutcome {
  const n = spec.steps.length;
  let best = 0;
  const entryDays = new Set<string>();
  const convertedDays = new Set<string>();
  for (const start of events) {
    if (!inRange(start) || !spec.steps.some((_, k) => stepMatches(k, start))) continue;
    const inWindow = events.filter((e) => e.ts >= start.ts && e.ts <= start.ts + spec.windowMs);
    const done = spec.steps.filter((_, k) => inWindow.some((e) => stepMatches(k, e))).length;
    best = Math.max(best, done);
    entryDays.add(localDay(start.ts, spec.timeZone));
    if (done === n) convertedDays.add(localDay(start.ts, spec.timeZone));
  }
  return { level: best - 1, times: [], entryDays, convertedDays };
}

/** The funnel of `events` by the README's definitions: per step counts, times, and the series. */
export function referenceFunnel(
  events: readonly ReferenceEvent[],
  spec: ReferenceFunnelSpec,
): { groups: ReferenceGroup[]; series: ReferenceSeriesRow[] } {
  const lower = localMidnight(spec.from, spec.timeZone);
  const entryUpper = localMidnight(addDay(spec.to), spec.timeZone);
  const upper = entryUpper + spec.windowMs;
  const relevant = new Set([...spec.steps.map((s) => s.event), ...spec.exclusions.map((x) => x.event)]);
  const units = new Map<string, ReferenceEvent[]>();
  for (const e of events) {
    if (e.ts < lower || e.ts >= upper) continue;
    if (spec.order !== 'strict' && !relevant.has(e.event)) continue;
    units.set(e.unit, [...(units.get(e.unit) ?? []), e]);
  }
  const inRange = (e: ReferenceEvent) => e.ts < entryUpper;
  const outcomes: { breakdown: string | null; outcome: UnitOutcome }[] = [];
  for (const list of units.values()) {
    const sorted = [...list].sort((a, b) => a.ts - b.ts || a.seq - b.seq);
    const values = spec.breakdownByPlatform
      ? [
          ...new Set(
            sorted
              .filter((e) => inRange(e) && matches(spec.steps[0] as ReferenceStep, e))
              .map((e) => e.platform),
          ),
        ]
      : [null];
    for (const value of values) {
      // With a breakdown, only step 1 events of this value count as step 1.
      const ofValue = (e: ReferenceEvent) => value === null || e.platform === value;
      const outcome =
        spec.order === 'any'
          ? anyOrderOutcome(
              sorted,
              spec,
              inRange,
              (k, e) => matches(spec.steps[k] as ReferenceStep, e) && (k > 0 || ofValue(e)),
            )
          : orderedOutcome(sorted, sorted, spec, inRange, ofValue);
      outcomes.push({ breakdown: value, outcome });
    }
  }
  const keys = [...new Set(outcomes.filter((o) => o.outcome.level >= 0).map((o) => o.breakdown))].sort();
  const groups = keys.map((key) => {
    const mine = outcomes.filter((o) => o.breakdown === key && o.outcome.level >= 0).map((o) => o.outcome);
    return {
      breakdown: key,
      counts: spec.steps.map((_, k) => mine.filter((o) => o.level >= k).length),
      medians: spec.steps.slice(1).map((_, i) =>
        spec.order === 'any'
          ? null
          : percentile(
              mine.flatMap((o) => (o.times[i] === undefined ? [] : [(o.times[i] as number) / 1000])),
              0.5,
            ),
      ),
      p90s: spec.steps.slice(1).map((_, i) =>
        spec.order === 'any'
          ? null
          : percentile(
              mine.flatMap((o) => (o.times[i] === undefined ? [] : [(o.times[i] as number) / 1000])),
              0.9,
            ),
      ),
    };
  });
  const series = new Map<string, ReferenceSeriesRow>();
  for (const { breakdown, outcome } of outcomes) {
    for (const day of new Set([...outcome.entryDays, ...outcome.convertedDays])) {
      const key = `${day}|${breakdown}`;
      const row = series.get(key) ?? { day, breakdown, entered: 0, converted: 0 };
      series.set(key, {
        ...row,
        entered: row.entered + (outcome.entryDays.has(day) ? 1 : 0),
        converted: row.converted + (outcome.convertedDays.has(day) ? 1 : 0),
      });
    }
  }
  return {
    groups,
    series: [...series.values()].sort(
      (a, b) => a.day.localeCompare(b.day) || String(a.breakdown).localeCompare(String(b.breakdown)),
    ),
  };
}
