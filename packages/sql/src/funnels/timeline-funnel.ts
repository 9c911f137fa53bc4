import { sql } from 'kysely';
import { quoteIdentifier } from '../identifiers.js';
import type { FunnelEventTable, ResolvedFunnelSpec, ResolvedFunnelStep } from './funnel-spec.js';
import { conditionsSql, type Fragment, join, raw, TS } from './funnel-sql.js';

/**
 * Whether the timeline plan computes this funnel: every funnel but an ordered one with an
 * exclusion from a later step than step 1, counting persons (stitched or raw user keys) or
 * sessions. Ordered funnels read the steps' event tables (and the excluded events' tables), so a
 * dimension breakdown needs its column in every step 1 table; strict and any-order funnels read
 * the window plan's rows (every tracked event for strict), breakdowns included. An exclusion from
 * step 1 to step j needs only the first excluded event after each entry: the attempt must reach
 * every step up to j before it, and the earliest continuation stays the best one. From a later
 * step i it is not (a later step i event after the excluded one may continue where the earliest
 * cannot), so such a funnel takes the window-pass plan. In strict order an exclusion never
 * applies (no event comes between two steps of an attempt), and in any order there is no order
 * between steps to bar. Both plans compute the same definitions (see the metrics README, "Funnels").
 */
export function timelineFunnelSupported(spec: ResolvedFunnelSpec): boolean {
  if (spec.order === 'ordered' && spec.exclusions.some((x) => x.between[0] !== 0)) return false;
  // Strict and any order read the window plan's rows (every tracked event for strict), breakdowns included.
  if (spec.order !== 'ordered') return true;
  const breakdown = spec.breakdown;
  if (breakdown?.kind !== 'dimension') return true;
  const first = spec.steps[0] as ResolvedFunnelStep;
  return first.tables.length > 0 && first.tables.every((t) => t.columns?.has(breakdown.column) === true);
}

/**
 * A funnel as the plans read it: `pruneToEntries` drops rows outside each unit's entries plus the
 * window before the sort (see funnelPrunesToEntries); `unitRanges`, a subquery of `(unit, lo, hi)`,
 * keeps only the rows of those units in [lo, hi), of every table (an experiment's funnel metric:
 * its exposed units, around their exposures).
 */
export type TimelineSpec = ResolvedFunnelSpec & {
  readonly pruneToEntries?: boolean;
  readonly unitRanges?: Fragment;
};

/**
 * The join that keeps a row (`alias`, of unit `unit`) only inside its unit's range of `ranges`, a
 * subquery of `(unit, lo, hi)` named `name` (`entryReach`, `unitRanges`); none without ranges.
 */
export function rangeJoin(
  ranges: Fragment | null | undefined,
  name: string,
  unit: Fragment,
  alias: string,
): Fragment {
  if (!ranges) return sql``;
  return sql`
      join ${ranges} as ${raw(name)} on ${raw(name)}.unit = ${unit} collate "C" and ${raw(alias)}.${raw(TS)} >= ${raw(name)}.lo and ${raw(alias)}.${raw(TS)} < ${raw(name)}.hi`;
}

/**
 * The tables of step 1, and those pruning drops rows of: in ordered order the later steps' tables
 * that step 1 does not read, in strict order `tracks` (every tracked event, which it reads).
 */
function entryAndLaterTables(
  spec: ResolvedFunnelSpec,
  plan: 'timeline' | 'window',
): [entry: Set<string>, later: Set<string>] {
  const entry = new Set((spec.steps[0] as ResolvedFunnelStep).tables.map((t) => t.table));
  if (spec.order === 'strict' || plan === 'window') return [entry, new Set(entry.size > 0 ? ['tracks'] : [])];
  const later = new Set(
    spec.steps.slice(1).flatMap((step) => step.tables.map((t) => t.table).filter((t) => !entry.has(t))),
  );
  return [entry, later];
}

/** Whether some table estimates would make this funnel prune (`funnelPrunesToEntries`): ordered or strict, with something to prune. */
export function funnelCanPrune(spec: ResolvedFunnelSpec, plan: 'timeline' | 'window' = 'timeline'): boolean {
  return spec.order !== 'any' && entryAndLaterTables(spec, plan)[1].size > 0;
}

/**
 * Whether a funnel should prune rows to each unit's entries plus the window before its sort. What
 * it prunes: on the timeline plan in ordered order, the later steps' tables that step 1 does not
 * read; in strict order, and on the window plan, `processed.tracks` (the events between two steps
 * of an attempt — strict order's next event, an exclusion's events — all lie inside the kept
 * range); never in any order, where every step starts an attempt. It costs a grouped pass over
 * step 1's events in the range in each parallel worker (the planner builds the join's hash per
 * process), which pays when step 1's tables hold at most a quarter of the rows of what it prunes
 * (`tableRows`: estimated rows per event table and `tracks`, e.g. `pg_class.reltuples`; an unknown
 * or negative estimate says no). On the 5M-event bench: install → … → purchase 2.19 s against
 * 2.58 s over 30 days, 0.55 s against 0.79 s over 7; level_up → purchase (1.9M step 1 rows
 * against 39k) 12% slower, so not pruned.
 */
export function funnelPrunesToEntries(
  spec: ResolvedFunnelSpec,
  tableRows: Readonly<Record<string, number>> | undefined,
  plan: 'timeline' | 'window' = 'timeline',
): boolean {
  if (!tableRows || spec.order === 'any') return false;
  const [entry, later] = entryAndLaterTables(spec, plan);
  if (later.size === 0) return false;
  // NaN (an unknown or negative estimate) fails the comparison.
  const rows = (tables: Set<string>) =>
    [...tables].reduce(
      (sum, t) => sum + ((tableRows[t] ?? -1) >= 0 ? (tableRows[t] as number) : Number.NaN),
      0,
    );
  return 4 * rows(entry) <= rows(later);
}

/** Whether a row of `table` (an event table of step k's event) is a step k event: its conditions. */
function stepFlag(step: ResolvedFunnelStep, table: FunnelEventTable): Fragment {
  if (!step.tables.some((t) => t.table === table.table)) return sql`false`;
  if (step.conditions.length === 0) return sql`true`;
  return conditionsSql(table, step.conditions);
}

/** The breakdown value of a row of `table` (only read on step 1 events): text, `(none)` when absent. */
function breakdownValue(spec: ResolvedFunnelSpec, table: FunnelEventTable): string {
  const b = spec.breakdown;
  if (!b) return `''`;
  if (b.kind === 'dimension') return `coalesce(l.${quoteIdentifier(b.column)}::text, '(none)')`;
  const column = table.properties.get(b.property)?.column;
  return column === undefined ? `'(none)'` : `coalesce(l.${quoteIdentifier(column)}::text, '(none)')`;
}

/**
 * A row's unit and the join it needs: its session key (the tracker's session id, else the id's
 * inactivity session it falls in, as the window plan reads them from `processed.tracks`), else its
 * person (stitched through `cooked.identities`) or user key.
 */
function unitOf(spec: ResolvedFunnelSpec): [unit: string, join: string] {
  const id = 'coalesce(l.user_id, l.anonymous_id)';
  if (spec.countBy === 'sessions')
    return [
      `coalesce(l.session_id, (
      select c.session_key from cooked.sessions as c
      where c.user_key = ${id} and c.session_number is not null and c.started_at <= l.${TS}
      order by c.started_at desc limit 1))`,
      '',
    ];
  return spec.identity === 'stitch'
    ? [`coalesce(i.person_key, ${id})`, ` left join cooked.identities as i on i.id = ${id}`]
    : [id, ''];
}

/**
 * Per unit with a step 1 event in the range: its first entry (`lo`) and its last entry plus the
 * window and a millisecond (`hi`, past the floored window end). Rows outside [lo, hi) reach no
 * step of any attempt and lie between no two steps of one, and rows of units without an entry
 * reach none either, so a pruned statement joins its rows to this before its sort: a subquery in
 * each branch rather than a CTE, which PostgreSQL would materialize, and a CTE scan would keep the
 * branch out of the parallel scan.
 */
export function entryReach(spec: ResolvedFunnelSpec, lower: Fragment, entryUpper: Fragment): Fragment {
  const first = spec.steps[0] as ResolvedFunnelStep;
  const [unit, identities] = unitOf(spec);
  const selects = first.tables.map(
    (table) => sql`select ${raw(unit)} collate "C" as unit, l.${raw(TS)} as at
      from processed.${raw(quoteIdentifier(table.table))} as l${raw(identities)}
      where l.${raw(TS)} >= ${lower} and l.${raw(TS)} < ${entryUpper} and (${stepFlag(first, table)})`,
  );
  return sql`(select unit, min(at) as lo, max(at) + ${spec.windowMs + 1} * interval '1 millisecond' as hi
      from (${join(selects, '\n      union all\n      ')}) as s
      group by unit)`;
}

/**
 * `ev`: the rows of every event table a step reads, in the range: unit, time (`at`), ingestion
 * `seq`, the breakdown value and one flag per step (`s0` only on days `from..to`). A row of an
 * event that several steps name carries each step's flag.
 */
function eventsCte(spec: TimelineSpec): Fragment {
  const tz = spec.timeZone;
  const lower = sql`(cast(${spec.from} as date)::timestamp at time zone ${tz})`;
  const entryUpper = sql`((cast(${spec.to} as date) + 1)::timestamp at time zone ${tz})`;
  const upper = sql`(${entryUpper} + ${spec.windowMs} * interval '1 millisecond')`;
  const tables = new Map<string, { event: string; table: FunnelEventTable }>();
  for (const step of spec.steps)
    for (const table of step.tables) tables.set(table.table, { event: step.event, table });
  for (const exclusion of spec.exclusions)
    for (const table of exclusion.tables)
      if (!tables.has(table.table)) tables.set(table.table, { event: exclusion.event, table });
  const [unit, identities] = unitOf(spec);
  const entryTables = new Set((spec.steps[0] as ResolvedFunnelStep).tables.map((t) => t.table));
  // Rows of a table step 1 does not read matter only between a unit's first entry and its last
  // entry plus the window: `reach` keeps those (see funnelPrunesToEntries).
  const reach = spec.pruneToEntries ? entryReach(spec, lower, entryUpper) : null;
  const selects = [...tables.values()].map(({ event, table }) => {
    const flags = spec.steps.map((step, k) => {
      const flag = step.event === event ? stepFlag(step, table) : sql`false`;
      return k === 0 ? sql`(${flag}) and l.${raw(TS)} < ${entryUpper}` : flag;
    });
    const excluded = spec.exclusions.map(
      (x, n) => sql`${raw(x.event === event ? 'true' : 'false')} as ${raw(`x${n}`)}`,
    );
    const pruned = rangeJoin(entryTables.has(table.table) ? null : reach, 'r', raw(unit), 'l');
    return sql`select ${raw(unit)} collate "C" as unit, l.${raw(TS)} as at, date_trunc('milliseconds', l.${raw(TS)}) as tm, l.seq,
      ${raw(breakdownValue(spec, table))} as bv, ${join([...flags.map((f, k) => sql`${f} as ${raw(`s${k}`)}`), ...excluded])}
    from processed.${raw(quoteIdentifier(table.table))} as l${raw(identities)}${pruned}${rangeJoin(spec.unitRanges, 'k', raw(unit), 'l')}
    where l.${raw(TS)} >= ${lower} and l.${raw(TS)} < ${upper}`;
  });
  if (selects.length === 0) {
    const flags = [
      ...spec.steps.map((_, k) => `false as s${k}`),
      ...spec.exclusions.map((_, n) => `false as x${n}`),
    ].join(', ');
    return raw(
      `ev as (select ''::text collate "C" as unit, null::timestamptz as at, null::timestamptz as tm, 0::bigint as seq, ''::text as bv, ${flags} where false)`,
    );
  }
  return sql`ev as (
    ${join(selects, '\n    union all\n    ')}
  )`;
}

/**
 * `u` and `p`: each unit's timeline (per `key`, the unit or the unit and breakdown value), from the
 * rows of `from` sorted by (key, time, seq): `t` the times (`time`, floored to the millisecond), `v`
 * the breakdown values when `values`, and for each flag `[name, condition]` the positions of its
 * rows, `p<name>` (from the boolean array `b<name>`, by `array_positions`). Only units with a row
 * where `entry` holds are kept.
 *
 * The arrays come from `array_agg` over rows sorted in a subquery: PostgreSQL feeds an aggregate
 * its input in that order (an `order by` in each aggregate sorts every unit's rows once per
 * aggregate on PostgreSQL 15: 3.8 s against 1.9 s on the 5M-event bench). `range_agg` with a false
 * filter (never called) has no combine function, so no plan splits a unit's arrays between
 * parallel workers.
 */
function timelineArrays(o: {
  readonly key: string;
  readonly from: string;
  readonly time: string;
  readonly values: boolean;
  readonly flags: readonly (readonly [name: string, condition: string])[];
  readonly entry: string;
}): string {
  const aggregates = o.flags.map(([name, condition]) => `array_agg(${condition}) as b${name}`).join(', ');
  const positions = o.flags.map(([name]) => `array_positions(b${name}, true) as p${name}`).join(', ');
  return `u as (
    select ${o.key}, array_agg(${o.time}) as t${o.values ? ', array_agg(bv) as v' : ''}, ${aggregates},
      range_agg(int4range(0, 1)) filter (where false) as serial_only
    from (select * from ${o.from} order by ${o.key}, at, seq) as e
    group by ${o.key}
    having bool_or(${o.entry})
  ),
  p as (select ${o.key}, t${o.values ? ', v' : ''}, ${positions} from u offset 0)`;
}

/**
 * The timeline plan. Each unit's rows are sorted once (unit, time, seq) and aggregated into one
 * timeline: `t`, the times in that order (floored to the millisecond, as every duration is), and
 * per step the positions of its events (`p<k>`, from a boolean array by `array_positions`).
 * Positions are distinct and ordered like the events, so ties at one millisecond need no special
 * case. From every entry (a position of `p0`), the greedy attempt takes at each step the first
 * event after the previous one, `p<k>[width_bucket(i, p<k>) + 1]`: a binary search in C per entry
 * and step, and no per-event work beyond the sort. The earliest events are the best continuation
 * of an ordered attempt, so the attempt from an entry reaches step k exactly when its greedy step k
 * is within the window.
 *
 * `e`: one row per (unit, breakdown value, entry), in entry order: `i0` the entry's position,
 * `i<k>` its chain, `r<k>` whether the attempt reaches step k, `g<k>` the time to step k (from the
 * entry for k = 1, else from the last step k−1 event before `i<k>`), `day` the entry's local day,
 * and from the unit's next entry (of its breakdown value): `l1` whether it takes another step 1
 * event, `converted` whether this attempt is the one its last-step event counts for (the latest
 * entry of the attempts ending there), `first_of_day` whether it is the unit's first entry that
 * day. No duration is computed as a number per entry: times and windows stay timestamps and
 * intervals, exact and cheap; the medians read the intervals of the units' first arrivals.
 */
function timelineCtes(spec: TimelineSpec, tracks?: Fragment): Fragment {
  if (spec.order === 'any') {
    if (!tracks) throw new Error('an any-order timeline reads the window plan rows');
    return anyOrderTimelineCtes(spec, tracks);
  }
  const steps = spec.steps.map((_, k) => k);
  const later = steps.slice(1);
  const last = steps.length - 1;
  const bv = spec.breakdown !== undefined;
  // From the window plan's rows (strict order), a unit's timeline is per breakdown value.
  const byValue = tracks !== undefined;
  const key = byValue ? 'unit, bv' : 'unit';
  const source = tracks
    ? sql`${tracks},
  tev as (
    select unit, bv, at, date_trunc('milliseconds', at) as tm, seq, s0 and in_range as s0${raw(later.map((k) => `, s${k}`).join(''))}
    from ev
  )`
    : eventsCte(spec);
  // Ordered order with exclusions (each from step 1, index 0, to some step j): an attempt must
  // reach every step up to j before the first excluded event after its entry (`x<n>`, the
  // position of exclusion n's first event after the entry); after step j it goes on greedily.
  // (Strict order needs no such cut: no event comes between two of its steps.)
  const barred = byValue ? [] : spec.exclusions;
  const cut = (k: number): string | null => {
    const xs = barred.flatMap((x, n) => (k <= x.between[1] ? [`x${n}`] : []));
    return xs.length === 0 ? null : xs.length === 1 ? (xs[0] as string) : `least(${xs.join(', ')})`;
  };
  // Strict order: the step's event must be the very next event of the unit.
  const next = (k: number) => {
    if (spec.order === 'strict')
      return `case when p${k}[width_bucket(i${k - 1}, p${k}) + 1] = i${k - 1} + 1 then i${k - 1} + 1 end`;
    const greedy = `p${k}[width_bucket(i${k - 1}, p${k}) + 1]`;
    const before = cut(k);
    return before ? `case when ${greedy} < ${before} then ${greedy} end` : greedy;
  };
  // One level per step, each behind `offset 0` so that a level's expression is computed once,
  // not copied into every later one.
  const chain = later.map(
    (k) => `c${k} as (select c${k - 1}.*, ${next(k)} as i${k} from c${k - 1} offset 0)`,
  );
  const reached = later.map((k) => `t[i${k}] <= lim as r${k}`);
  // Step k's time from the latest step k − 1 event before it that this attempt reaches: before
  // the cut of step k − 1 too, when it has one.
  const gaps = later.map((k) => {
    if (k === 1) return 't[i1] - t0 as g1';
    const before = cut(k - 1);
    const bound = before ? `least(i${k}, ${before})` : `i${k}`;
    return `t[i${k}] - t[p${k - 1}[width_bucket(${bound} - 1, p${k - 1})]] as g${k}`;
  });
  const positionsOf = ['i0', ...later.map((k) => `i${k}`)].join(', ');
  const values = !byValue && bv;
  return sql`${source},
  ${raw(`${timelineArrays({
    key,
    from: byValue ? 'tev' : 'ev',
    time: 'tm',
    values,
    flags: [
      ...steps.map((k) => [String(k), `s${k}`] as const),
      ...barred.map((_, n) => [`x${n}`, `x${n}`] as const),
    ],
    entry: 's0',
  })},
  c0 as (
    select p.*, ${byValue ? '' : `${values ? 'p.v[x.i0]' : "''::text"} as bv, `}x.i0, p.t[x.i0] as t0,${barred
      .map((_, n) => ` coalesce(p.px${n}[width_bucket(x.i0, p.px${n}) + 1], 2147483647) as x${n},`)
      .join('')}
      p.t[x.i0] + `)}${spec.windowMs} * interval '1 millisecond' as lim
    from p cross join lateral unnest(p.p0) as x(i0)
    offset 0
  ),
  ${raw(chain.join(',\n  '))},
  c as (
    select unit, bv, ${raw(positionsOf)}, t0, (t0 at time zone ${spec.timeZone})::date as day,
      ${raw([...reached, ...gaps].join(', '))}
    from c${raw(String(last))} offset 0
  ),
  e as (
    select c.*, (lead(i1) over w) is distinct from i1 as l1,${raw(
      barred.length > 0
        ? later
            .slice(1)
            .map((k) => ` (lead(i${k}) over w) is distinct from i${k} as l${k},`)
            .join('')
        : '',
    )}
      r${raw(String(last))} and (lead(i${raw(String(last))}) over w) is distinct from i${raw(String(last))} as converted,
      day is distinct from lag(day) over w as first_of_day
    from c
    window w as (partition by unit, bv order by i0)
  )`;
}

/**
 * Any order on the timeline: each unit's (and breakdown value's) in-range step events are the
 * attempts' starts (`ps`); from a start at time T, step k counts when the first step k event at
 * or after T's millisecond (`width_bucket` over the times, then over the step's positions) is at
 * most the window after it, as the window plan's `range between current row and W following`
 * counts it. `e` carries, per start, `reached` (the distinct steps within the window), its day and
 * whether it completes every step (`converted`).
 */
function anyOrderTimelineCtes(spec: ResolvedFunnelSpec, tracks: Fragment): Fragment {
  const steps = spec.steps.map((_, k) => k);
  const anyStep = steps.map((k) => `s${k}`).join(' or ');
  const counted = steps
    .map((k) => `coalesce(t[p${k}[width_bucket(lo, p${k}) + 1]] <= lim, false)::int`)
    .join(' + ');
  const start = `(${anyStep}) and in_range`;
  return sql`${tracks},
  ${raw(`${timelineArrays({
    key: 'unit, bv',
    from: 'ev',
    time: "date_trunc('milliseconds', at)",
    values: false,
    flags: [...steps.map((k) => [String(k), `s${k}`] as const), ['s', start]],
    entry: start,
  })},
  c0 as (
    select p.*, x.i0, p.t[x.i0] as t0, width_bucket(p.t[x.i0] - interval '1 microsecond', p.t) as lo,
      p.t[x.i0] + `)}${spec.windowMs} * interval '1 millisecond' as lim
    from p cross join lateral unnest(p.ps) as x(i0)
    offset 0
  ),
  c as (
    select unit, bv, i0, t0, (t0 at time zone ${spec.timeZone})::date as day, ${raw(counted)} as reached
    from c0 offset 0
  ),
  e as (
    select c.*, reached = ${raw(String(steps.length))} as converted,
      day is distinct from lag(day) over w as first_of_day
    from c
    window w as (partition by unit, bv order by i0)
  )`;
}

/**
 * `units`: per (unit, breakdown value), for each step k ≥ 1 it reached, `g<k>` the time to its
 * first arrival (an interval; null when it did not reach it); its entry days (`days`) and the
 * days of its converting entries (`converted_days`). Rows come in entry order, so the first
 * reaching row's `g<k>` is the first arrival's: the earliest reaching entry takes the earliest
 * step k event (chains never go back), and for step 2 the latest entry before it (the last of the
 * entries that take the same step 1 event, `l1`).
 */
function unitsCte(spec: ResolvedFunnelSpec): Fragment {
  // Any order: the most distinct steps any start reached.
  // With exclusions (ordered order), a step's time depends on the attempt: each step's, like step
  // 1's, comes from the latest entry of the attempts taking its first arrival (`l<k>`).
  const latest = (k: number) => k === 1 || (spec.order === 'ordered' && spec.exclusions.length > 0);
  const firsts =
    spec.order === 'any'
      ? ['max(reached) as reached']
      : spec.steps
          .slice(1)
          .map(
            (_, i) =>
              `(array_agg(g${i + 1}) filter (where r${i + 1}${latest(i + 1) ? ` and l${i + 1}` : ''}))[1] as g${i + 1}`,
          );
  return raw(`units as (
    select unit, bv, ${firsts.join(', ')},
      array_agg(day) filter (where first_of_day) as days,
      array_agg(day) filter (where converted) as converted_days
    from e group by unit, bv
  )`);
}

/** Whole milliseconds of an interval of `units` (whole milliseconds already: the times are floored). */
const millis = (interval: string) => `cast(extract(epoch from ${interval}) * 1000 as bigint)`;

/** The timeline plan's steps and series, as the two parts of `compileFunnel`'s one statement. */
export function timelineFunnelParts(
  spec: TimelineSpec,
  tracks?: Fragment,
): {
  readonly ctes: Fragment;
  readonly steps: Fragment;
  readonly series: Fragment;
  /**
   * Rows `(bv, k, ms)`: each unit's time to each step k ≥ 1 it reached (the times of `t<k>`,
   * `p<k>`); null in any order, which has no time between steps.
   */
  readonly stepTimes: Fragment | null;
} {
  const any = spec.order === 'any';
  // Any order: step k counts the units that completed at least k steps; no time between steps.
  const counts = spec.steps.map((_, k) =>
    any
      ? `(count(*) filter (where reached >= ${k + 1}))::int as n${k}`
      : k === 0
        ? 'count(*)::int as n0'
        : `count(g${k})::int as n${k}`,
  );
  const times = spec.steps
    .slice(1)
    .flatMap((_, i) =>
      any
        ? [`null::float8 as t${i + 1}`, `null::float8 as p${i + 1}`]
        : [
            `percentile_cont(0.5) within group (order by extract(epoch from g${i + 1})) as t${i + 1}`,
            `percentile_cont(0.9) within group (order by extract(epoch from g${i + 1})) as p${i + 1}`,
          ],
    );
  return {
    ctes: sql`${timelineCtes(spec, tracks)},
  ${unitsCte(spec)}`,
    steps: raw(`select bv as breakdown, ${[...counts, ...times].join(', ')} from units group by bv`),
    // Each unit's entry days are distinct (first_of_day); a unit converting twice on one day counts once.
    series: raw(`select day, bv as breakdown, (count(*) filter (where entry))::int as entered,
      count(distinct unit) filter (where not entry)::int as converted
    from (
      select u.unit, u.bv, d.day, true as entry from units as u cross join lateral unnest(u.days) as d(day)
      union all
      select u.unit, u.bv, d.day, false from units as u cross join lateral unnest(u.converted_days) as d(day)
    ) as m
    group by day, bv`),
    stepTimes: any ? null : raw(unitTimes(spec)),
  };
}

/** `completions (unit, entry)` for experiments: each attempt reaching the last step, by its entry (ms). */
export function timelineCompletionsCtes(spec: TimelineSpec, tracks?: Fragment): Fragment {
  return sql`${timelineCtes(spec, tracks)},
  ${raw(`completions as materialized (select unit, ${millis("t0 - timestamptz 'epoch'")} as entry from e where converted)`)}`;
}

/** Rows `(bv, k, ms)` of `units`: per unit and step k ≥ 1 reached, its time from step k − 1. */
function unitTimes(spec: ResolvedFunnelSpec): string {
  const values = spec.steps
    .slice(1)
    .map((_, i) => `(${i + 1}, ${millis(`u.g${i + 1}`)})`)
    .join(', ');
  return `select u.bv, s.k, s.ms from units as u cross join lateral (values ${values}) as s(k, ms)
    where s.ms is not null`;
}

/** `unit_times (bv, k, ms)` for the time-to-convert histogram: per unit and step k ≥ 1 reached, its time from step k − 1. */
export function timelineStepTimesCtes(spec: TimelineSpec, tracks?: Fragment): Fragment {
  return sql`${timelineCtes(spec, tracks)},
  ${unitsCte(spec)},
  ${raw(`unit_times as (${unitTimes(spec)})`)}`;
}
