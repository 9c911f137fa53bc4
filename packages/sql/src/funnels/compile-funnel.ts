import { sql } from 'kysely';
import { ddlKysely } from '../dialect/postgres/ddl-kysely.js';
import { formatSql } from '../format-sql.js';
import { quoteIdentifier } from '../identifiers.js';
import type {
  FunnelCatalog,
  FunnelEventTable,
  FunnelSpec,
  ResolvedCondition,
  ResolvedFunnelSpec,
  ResolvedFunnelStep,
} from './funnel-spec.js';
import { conditionsSql, type Fragment, join, raw, TS } from './funnel-sql.js';
import { FunnelError, resolveFunnelSpec } from './resolve-funnel-spec.js';
import {
  entryReach,
  funnelPrunesToEntries,
  type TimelineSpec,
  timelineCompletionsCtes,
  timelineFunnelParts,
  timelineFunnelSupported,
  timelineStepTimesCtes,
  rangeJoin,
} from './timeline-funnel.js';
import {
  histogramSql,
  TIME_TO_CONVERT_BUCKETS,
  type TimeToConvertBucket,
} from './time-to-convert-buckets.js';

/**
 * How a funnel is computed: `timeline` (each unit's events sorted once into arrays, one binary
 * search per entry and step; every funnel but an ordered one with an exclusion from a later
 * step than step 1) or `window`
 * (one window pass per step over the unit's events; every funnel). Both compute the same
 * definitions; `auto` (the default) takes the timeline when it applies.
 */
export type FunnelPlan = 'timeline' | 'window';

export interface CompileFunnelOptions {
  /** Default `auto`; `timeline` throws a FunnelError for a funnel it cannot compute. */
  readonly plan?: FunnelPlan | 'auto';
  /**
   * Also return the time-to-convert histogram from the same statement (rows `part` = `ttc`), with
   * these buckets (`true`: `TIME_TO_CONVERT_BUCKETS`). Ignored for `any` order (no time between steps).
   */
  readonly timeToConvert?: boolean | readonly TimeToConvertBucket[];
  /**
   * Estimated rows of the processed event tables and of `tracks` (table name → rows, e.g.
   * `pg_class.reltuples`; `runFunnel` reads them): with them, an ordered or strict funnel drops
   * the rows outside each unit's entries plus the window before its sort when step 1's tables
   * are small next to what it prunes (see `funnelPrunesToEntries`). Without, no pruning.
   */
  readonly tableRows?: Readonly<Record<string, number>>;
}

/** A compiled funnel: one statement returning the steps rows and the series rows (column `part`). */
export interface CompiledFunnel {
  readonly spec: ResolvedFunnelSpec;
  readonly plan: FunnelPlan;
  /** The histogram's buckets when the statement returns it (`timeToConvert` option), else null. */
  readonly timeToConvert: readonly TimeToConvertBucket[] | null;
  /** Whether the statement prunes rows to each unit's entries plus the window (`tableRows`). */
  readonly prunedToEntries: boolean;
  /**
   * Rows with `part` = `steps`: one per breakdown value (one without a breakdown), `n0..nK`,
   * `t1..tK` medians and `p1..pK` p90s (seconds); `part` = `series`: one per entry day (and
   * breakdown value), `day`, `entered`, `converted`; `part` = `ttc` (with `timeToConvert`): one
   * per breakdown value, step (1-based, ≥ 2) and non-empty bucket (0-based), `step`, `bucket`, `units`.
   */
  readonly sql: string;
  readonly parameters: readonly unknown[];
}

/** The plan a resolved funnel is computed with. */
export function funnelPlanOf(
  spec: ResolvedFunnelSpec,
  requested: CompileFunnelOptions['plan'] = 'auto',
): FunnelPlan {
  const supported = timelineFunnelSupported(spec);
  if (requested === 'timeline' && !supported)
    throw new FunnelError(
      'invalid_funnel_option',
      'plan "timeline" computes every funnel but an ordered one with an exclusion from a later step than step 1 (an ordered one with a dimension breakdown when every step 1 table has its column); use plan "window" or "auto".',
    );
  if (requested === 'window') return 'window';
  return supported ? 'timeline' : 'window';
}

/**
 * Compiles a funnel spec to one PostgreSQL statement over the processed tables and, for persons,
 * `cooked.identities`: the timeline plan reads each step's event tables, the window plan
 * `processed.tracks` with the filtered steps' tables (see `FunnelPlan` and the metrics README,
 * "Funnels").
 *
 * @example
 * compileFunnel({ steps: [{ event: 'install' }, { event: 'purchase' }], window: '7d', from: '2026-03-01', to: '2026-03-31' }, catalog).sql
 * // 'with ev as (select coalesce(i.person_key, coalesce(l.user_id, l.anonymous_id)) collate "C" as unit, … from processed."install" as l …'
 */
export function compileFunnel<P = never>(
  spec: FunnelSpec<NoInfer<P>>,
  catalog: FunnelCatalog,
  options: CompileFunnelOptions = {},
): CompiledFunnel {
  const resolved = resolveFunnelSpec(spec, catalog);
  const plan = funnelPlanOf(resolved, options.plan);
  const requested = options.timeToConvert;
  const buckets =
    requested === undefined || requested === false || resolved.order === 'any'
      ? null
      : requested === true
        ? TIME_TO_CONVERT_BUCKETS
        : requested;
  const prunedToEntries = funnelPrunesToEntries(resolved, options.tableRows, plan);
  const pruned: TimelineSpec = { ...resolved, pruneToEntries: prunedToEntries };
  const statement =
    plan === 'timeline' ? timelineStatement(pruned, buckets) : windowStatement(pruned, buckets);
  const compiled = statement.compile(ddlKysely());
  return {
    spec: resolved,
    plan,
    timeToConvert: buckets,
    prunedToEntries,
    sql: compiled.sql,
    parameters: compiled.parameters,
  };
}

/** The statement formatted for people (`tributary funnel --sql`); parameters stay `$n`. */
export function formatFunnelSql(funnel: CompiledFunnel): string {
  const parts = funnel.timeToConvert
    ? 'steps, series by entry day and time-to-convert histogram'
    : 'steps and series by entry day';
  return `-- ${funnel.plan} plan: ${parts}\n${formatSql(funnel.sql)};\n`;
}

type Part = 'steps' | 'series' | 'ttc';

/** The select list of every part: the steps part's columns, then the series part's, then the histogram's. */
function partColumns(spec: ResolvedFunnelSpec, part: Part, from: string): string {
  const k = spec.steps.map((_, i) => i);
  const steps = [...k.map((i) => `n${i}`), ...k.slice(1).flatMap((i) => [`t${i}`, `p${i}`])];
  const typed = (name: string) => (name.startsWith('n') ? 'int' : 'float8');
  const own = (names: readonly string[], of: Part, type: (name: string) => string) =>
    names.map((c) => (part === of ? `${from}.${c}` : `null::${type(c)} as ${c}`));
  const day = part === 'series' ? `${from}.day` : 'null::date as day';
  return [
    `'${part}' as part`,
    `${from}.breakdown`,
    day,
    ...own(steps, 'steps', typed),
    ...own(['entered', 'converted'], 'series', () => 'int'),
    ...own(['step', 'bucket', 'units'], 'ttc', () => 'int'),
  ].join(', ');
}

/** The statement's rows: each part's select, in one `union all`. */
function partsSelect(spec: ResolvedFunnelSpec, parts: readonly (readonly [Part, Fragment])[]): Fragment {
  return sql`${join(
    parts.map(([part, source]) => sql`select ${raw(partColumns(spec, part, 'x'))} from ${source} as x`),
    '\nunion all\n',
  )}
order by 1, 3, 2`;
}

function timelineStatement(spec: TimelineSpec, buckets: readonly TimeToConvertBucket[] | null): Fragment {
  const parts = timelineFunnelParts(spec, tracksFor(spec));
  // No buckets in any order (compileFunnel): it has no time between steps, and no stepTimes.
  const times = buckets && parts.stepTimes;
  const histogram = times ? sql`,\n  ttc_part as (${histogramSql(sql`(${times}) as t`, buckets)})` : sql``;
  return sql`with ${parts.ctes},
  steps_part as (${parts.steps}),
  series_part as (${parts.series})${histogram}
${partsSelect(spec, [
  ['steps', raw('steps_part')],
  ['series', raw('series_part')],
  ...(times ? ([['ttc', raw('ttc_part')]] as const) : []),
])}`;
}

function windowStatement(spec: TimelineSpec, buckets: readonly TimeToConvertBucket[] | null): Fragment {
  const series = ['series', sql`(${seriesQuery(spec)})`] as const;
  // compileFunnel gives no buckets in any order (no time between steps).
  if (!buckets) return partsSelect(spec, [['steps', sql`(${stepsQuery(spec)})`], series]);
  // The steps and the histogram read one `units`: the passes run once for both.
  const parts = orderedStepsParts(spec);
  return sql`with ${parts.ctes},
  steps_part as (${parts.steps}),
  ttc_part as (${histogramSql(sql`(${parts.stepTimes}) as t`, buckets)})
${partsSelect(spec, [['steps', raw('steps_part')], series, ['ttc', raw('ttc_part')]])}`;
}

/**
 * A row's place in time, exactly: its millisecond and the microsecond within it (bigints, cheap to
 * compare, unlike a numeric); with seq, the order of a unit's events.
 */
const EXACT_KEY = "ts, date_part('microseconds', at)::bigint % 1000";

/** A left join of one event table that step filters read: `c<k>` says whether the row passes step k's conditions. */
interface FilterJoin {
  readonly alias: string;
  readonly table: FunnelEventTable;
  readonly steps: readonly { readonly k: number; readonly conditions: readonly ResolvedCondition[] }[];
}

/** The event tables of the filtered steps, each joined once however many steps filter on it. */
function filterJoins(spec: ResolvedFunnelSpec): FilterJoin[] {
  const byTable = new Map<string, { table: FunnelEventTable; steps: FilterJoin['steps'][number][] }>();
  spec.steps.forEach((step, k) => {
    if (step.conditions.length === 0) return;
    for (const table of step.tables) {
      const entry = byTable.get(table.table) ?? { table, steps: [] };
      entry.steps.push({ k, conditions: step.conditions });
      byTable.set(table.table, entry);
    }
  });
  return [...byTable.values()].map((entry, n) => ({ alias: `f${n}`, ...entry }));
}

/**
 * `left join (…) as f<n>`: the rows of a filtered step's table in the time range that pass any of
 * its steps' conditions. One join per table, which the planner can run as a hash join, instead
 * of an index probe per event (seconds per million events). (message_id, seq) is unique in each
 * table, so no event row is repeated; the ETL writes an event's table row and its tracks row from
 * the same staged row, so both have the same timestamp.
 */
function filterJoinSql(f: FilterJoin, lower: Fragment, upper: Fragment): Fragment {
  const flags = f.steps.map(
    ({ k, conditions }) => sql`${conditionsSql(f.table, conditions)} as ${raw(`c${k}`)}`,
  );
  const any = join(
    f.steps.map(({ conditions }) => sql`(${conditionsSql(f.table, conditions)})`),
    ' or ',
  );
  return sql` left join (select l.message_id, l.seq, ${join(flags)} from processed.${raw(quoteIdentifier(f.table.table))} as l
      where l.${raw(TS)} >= ${lower} and l.${raw(TS)} < ${upper} and (${any})) as ${raw(f.alias)}
      on ${raw(f.alias)}.message_id = t.message_id and ${raw(f.alias)}.seq = t.seq`;
}

/** `t` is one of the step's events: its name, and when filtered, a row of one of its tables matching every condition. */
function stepMatch(step: ResolvedFunnelStep, k: number, joins: readonly FilterJoin[]): Fragment {
  const name = sql`t.event = ${step.event}`;
  if (step.conditions.length === 0) return name;
  const columns = joins.filter((f) => f.steps.some((s) => s.k === k)).map((f) => `${f.alias}.c${k}`);
  if (columns.length === 0) return sql`false`;
  return sql`(${name} and coalesce(${raw(columns.join(' or '))}, false))`;
}

/** The breakdown value of a step-1 event (text; `(none)` when absent), only read for step 1's event. */
function breakdownValue(spec: ResolvedFunnelSpec): Fragment {
  const b = spec.breakdown;
  if (!b) return sql`null::text`;
  if (b.kind === 'dimension') return raw(`coalesce(t.${quoteIdentifier(b.column)}::text, '(none)')`);
  const values = b.tables.map(
    (table: FunnelEventTable) =>
      sql`(select l.${raw(quoteIdentifier((table.properties.get(b.property) as { column: string }).column))}::text from processed.${raw(quoteIdentifier(table.table))} as l where l.message_id = t.message_id and l.seq = t.seq)`,
  );
  const first = spec.steps[0] as ResolvedFunnelStep;
  return sql`case when t.event = ${first.event} then coalesce(${join(values)}, '(none)') end`;
}

/** The counted unit of an event row: person (or user key), or session key. */
function unitSql(spec: ResolvedFunnelSpec): Fragment {
  if (spec.countBy === 'sessions')
    return raw(`coalesce(t.session_id, (
      select c.session_key from cooked.sessions as c
      where c.user_key = t.user_key and c.session_number is not null and c.started_at <= t.${TS}
      order by c.started_at desc limit 1))`);
  return raw(spec.identity === 'stitch' ? 'coalesce(i.person_key, t.user_key)' : 't.user_key');
}

/**
 * The window partition of a unit's rows: its unit, compared bytewise (`C`, so the one sort of the
 * query compares bytes, not the database's collation), and the breakdown value when there is one.
 */
function unitPartition(spec: ResolvedFunnelSpec): string {
  return `unit collate "C"${spec.breakdown ? ', bv' : ''}`;
}

/**
 * The rows the timeline plan reads for strict and any-order funnels, as the window plan reads them
 * (for strict order every tracked event of the unit: an event between two steps breaks the
 * attempt); none for ordered funnels (the timeline plan reads the steps' event tables).
 */
function tracksFor(spec: TimelineSpec): Fragment | undefined {
  return spec.order === 'ordered' ? undefined : eventsCte(spec);
}

/**
 * The unit's events in the range, one flag per step (`s0…`) and exclusion (`x0…`), times in epoch
 * milliseconds; with a breakdown, each unit's rows once per value it entered with (`bv`), step 1
 * counting only for its own value. `pruneToEntries` (ordered or strict order): only the rows
 * between each unit's first entry and its last entry plus the window (`entryReach`); every event
 * an attempt reads, and every event between its steps (strict order, exclusions), lies inside.
 */
function eventsCte(spec: TimelineSpec): Fragment {
  const pruneToEntries = spec.pruneToEntries === true;
  const tz = spec.timeZone;
  const lower = sql`(cast(${spec.from} as date)::timestamp at time zone ${tz})`;
  const entryUpper = sql`((cast(${spec.to} as date) + 1)::timestamp at time zone ${tz})`;
  const upper = sql`(${entryUpper} + ${spec.windowMs} * interval '1 millisecond')`;
  const names = [...new Set([...spec.steps.map((s) => s.event), ...spec.exclusions.map((x) => x.event)])];
  const joins = filterJoins(spec);
  const flags = [
    ...spec.steps.map((step, k) => sql`${stepMatch(step, k, joins)} as ${raw(`s${k}`)}`),
    ...spec.exclusions.map((x, k) => sql`t.event = ${x.event} as ${raw(`x${k}`)}`),
  ];
  const identities =
    spec.countBy === 'persons' && spec.identity === 'stitch'
      ? raw(' left join cooked.identities as i on i.id = t.user_key')
      : sql``;
  // Strict order needs every event of the unit (any event between two steps breaks it).
  const eventFilter = spec.order === 'strict' ? sql`` : sql` and t.event = any(${sql.val(names)})`;
  const base = sql`select ${unitSql(spec)} as unit, t.${raw(TS)} as at, cast(floor(extract(epoch from t.${raw(TS)}) * 1000) as bigint) as ts, t.seq,
      t.${raw(TS)} < ${entryUpper} as in_range, ${breakdownValue(spec)} as bv0, ${join(flags)}
    from processed.tracks as t${identities}${join(
      joins.map((f) => filterJoinSql(f, lower, upper)),
      '',
    )}${rangeJoin(pruneToEntries ? entryReach(spec, lower, entryUpper) : null, 'r', unitSql(spec), 't')}${rangeJoin(
      spec.unitRanges,
      'k',
      unitSql(spec),
      't',
    )}
    where t.${raw(TS)} >= ${lower} and t.${raw(TS)} < ${upper}${eventFilter}`;
  if (!spec.breakdown) return sql`ev as (select e.*, '' as bv from (${base}) as e)`;
  return sql`ev0 as (${base}),
  entered_values as (select distinct unit, bv0 as bv from ev0 where s0 and in_range),
  ev as (
    select e.unit, e.at, e.ts, e.seq, e.in_range, v.bv, e.s0 and e.bv0 = v.bv as s0${raw(
      [
        ...spec.steps.slice(1).map((_, k) => `, e.s${k + 1}`),
        ...spec.exclusions.map((_, k) => `, e.x${k}`),
      ].join(''),
    )}
    from ev0 as e join entered_values as v on v.unit = e.unit
  )`;
}

/** The condition under which the event of a row reaches step k (k ≥ 1) with the attempt `pe<k>` carried to it. */
function reaches(spec: ResolvedFunnelSpec, k: number): string {
  return `s${k} and ts - pe${k} <= ${spec.windowMs}`;
}

/**
 * Ordered and strict funnels, one window pass per step: `e<k>` is the entry time (ms) of the
 * latest-started attempt that reaches step k at this event; `pe<k>` and `pt<k>` are the entry and
 * the step k−1 time of the latest-started attempt that reached step k−1 before it. The non-null `e<k−1>` of a unit never decrease in
 * (time, seq) order (each is the latest entry with a chain before its row), so the latest-started
 * attempt before a row is simply the last one: `max(e)` and `max(ts)` over the preceding rows that
 * reached step k−1, two bigint aggregates of one window. Every pass partitions and orders alike,
 * so the rows are sorted once. Exclusions cut the unit's rows into segments (`c<n>`): an attempt
 * cannot carry over an exclusion event between the steps it applies to.
 */
function levelCtes(spec: ResolvedFunnelSpec): { ctes: Fragment; last: string } {
  const last = spec.steps.length - 1;
  const unit = unitPartition(spec);
  const segments = spec.steps.slice(1).map((_, index) => {
    const k = index + 1;
    return spec.exclusions.flatMap((x, n) => (x.between[0] <= k - 1 && k - 1 < x.between[1] ? [n] : []));
  });
  const counted = [...new Set(segments.flat())];
  const counters = counted.map(
    (n) =>
      `, count(*) filter (where x${n}) over (partition by ${unit} order by at, seq rows unbounded preceding) as c${n}`,
  );
  const flagsFrom = (k: number) => spec.steps.slice(k).map((_, i) => `s${k + i}`);
  // Each pass hands on only what the later passes and the queries read: narrower rows to buffer.
  const passedOn = (k: number) =>
    [
      'unit, bv, at, ts, seq',
      ...flagsFrom(k),
      ...counted.map((n) => `c${n}`),
      'e0',
      ...spec.steps
        .slice(1, k)
        .flatMap((_, i) => [`pe${i + 1}`, `pt${i + 1}`, ...(i + 1 < k - 1 ? [`e${i + 1}`] : [])]),
    ].join(', ');
  const ctes: Fragment[] = [
    raw(
      `l0 as (select ${['unit, bv, at, ts, seq', ...flagsFrom(1)].join(', ')}, case when s0 and in_range then ts end as e0${counters.join('')} from ev)`,
    ),
  ];
  // After the first pass, an ordered funnel drops the rows that are not an entry and come more
  // than the window after the latest entry before them (or before any entry): every attempt they
  // could continue started earlier, so they reach no step and no later pass needs them. Not for
  // strict order (it reads the very previous row) nor when an exclusion applies between steps 1
  // and 2 (the first pass then carries only the entries of the row's own segment).
  const pruned =
    spec.order === 'ordered' && (segments[0] as number[]).length === 0
      ? ` where e0 is not null or ts - pe1 <= ${spec.windowMs}`
      : '';
  for (let k = 1; k <= last; k++) {
    const segment = segments[k - 1] as number[];
    // e<k−1> of this row and when it is set: the previous pass's result (step 0's is a column of l0).
    const when = k === 1 ? 'e0 is not null' : reaches(spec, k - 1);
    const reached = k === 1 ? 'e0' : `case when ${when} then pe${k - 1} end`;
    const window =
      spec.order === 'strict'
        ? `partition by ${unit} order by at, seq`
        : `partition by ${unit}${segment.length > 0 ? `, ${segment.map((n) => `c${n}`).join(' + ')}` : ''} order by at, seq rows between unbounded preceding and 1 preceding`;
    // Step 0's time is its entry: one aggregate (identical window functions are computed once).
    const [entry, time] =
      spec.order === 'strict'
        ? [`lag(${reached}) over w`, k === 1 ? `lag(${reached}) over w` : 'lag(ts) over w']
        : [
            `max(${reached}) over w`,
            k === 1 ? `max(${reached}) over w` : `max(case when ${when} then ts end) over w`,
          ];
    const previous = k === 1 ? 'l0' : `w${k - 1}${k === 2 ? pruned : ''}`;
    const carried = k === 1 ? '' : `${reached} as e${k - 1}, `;
    ctes.push(
      raw(
        `w${k} as (select ${passedOn(k)}, ${carried}${entry} as pe${k}, ${time} as pt${k} from ${previous} window w as (${window}))`,
      ),
    );
  }
  ctes.push(
    raw(
      `l${last} as (select *, case when ${reaches(spec, last)} then pe${last} end as e${last} from w${last}${last === 1 ? pruned : ''})`,
    ),
  );
  return { ctes: join(ctes, ',\n  '), last: `l${last}` };
}

/**
 * Any-order funnels: from each step event in the range (an attempt's start), the number of
 * distinct steps with an event in [start, start + window] (`reached`).
 */
function anyOrderCte(spec: ResolvedFunnelSpec): Fragment {
  const counts = spec.steps.map((_, k) => `(count(*) filter (where s${k}) over w > 0)::int`);
  const isStep = spec.steps.map((_, k) => `s${k}`).join(' or ');
  return sql`reach as (
    select unit, bv, ts, seq, (${raw(isStep)}) and in_range as start, ${raw(counts.join(' + '))} as reached
    from ev
    window w as (partition by unit, bv order by ts range between current row and ${sql.val(spec.windowMs)}::bigint following)
  )`;
}

function stepsQuery(spec: TimelineSpec): Fragment {
  const key = 'bv';
  if (spec.order === 'any') {
    const counts = spec.steps.map((_, k) => `count(*) filter (where reached >= ${k + 1})::int as n${k}`);
    const nulls = spec.steps
      .slice(1)
      .flatMap((_, k) => [`null::float8 as t${k + 1}`, `null::float8 as p${k + 1}`]);
    return sql`with ${eventsCte(spec)},
  ${anyOrderCte(spec)},
  units as (select unit, bv, max(reached) filter (where start) as reached from reach group by unit, bv)
select ${raw(key)} as breakdown, ${raw([...counts, ...nulls].join(', '))}
from units
group by ${raw(key)}
order by 1`;
  }
  const parts = orderedStepsParts(spec);
  return sql`with ${parts.ctes}
${parts.steps}
order by 1`;
}

/**
 * Ordered and strict funnels: `units` (per unit and breakdown value: `r<k>` whether it reached
 * step k, `f<k>` its first arrival at step k ≥ 1 with the time from step k − 1 in `f<k>[4]`), the
 * steps select over it, and its step times as rows `(bv, k, ms)` (the times of `t<k>`, `p<k>`).
 */
function orderedStepsParts(spec: TimelineSpec): {
  readonly ctes: Fragment;
  readonly steps: Fragment;
  readonly stepTimes: Fragment;
} {
  const key = 'bv';
  const { ctes, last } = levelCtes(spec);
  const reached = spec.steps.map((_, k) => `bool_or(e${k} is not null) as r${k}`);
  const firsts = spec.steps
    .slice(1)
    .map(
      (_, i) =>
        `min(array[${EXACT_KEY}, seq, ts - pt${i + 1}]) filter (where e${i + 1} is not null) as f${i + 1}`,
    );
  const counts = spec.steps.map((_, k) => `count(*) filter (where r${k})::int as n${k}`);
  const times = spec.steps
    .slice(1)
    .flatMap((_, i) => [
      `percentile_cont(0.5) within group (order by f${i + 1}[4] / 1000.0) as t${i + 1}`,
      `percentile_cont(0.9) within group (order by f${i + 1}[4] / 1000.0) as p${i + 1}`,
    ]);
  const values = spec.steps
    .slice(1)
    .map((_, i) => `(${i + 1}, u.f${i + 1}[4])`)
    .join(', ');
  // Grouped like the passes' partition, so the rows come sorted from them.
  return {
    ctes: sql`${eventsCte(spec)},
  ${ctes},
  units as (select ${raw(spec.breakdown ? 'bv' : "'' as bv")}, ${raw([...reached, ...firsts].join(', '))} from ${raw(last)} group by ${raw(unitPartition(spec))})`,
    steps: raw(`select ${key} as breakdown, ${[...counts, ...times].join(', ')}
from units
where r0
group by ${key}`),
    stepTimes: raw(`select u.bv, s.k, s.ms from units as u cross join lateral (values ${values}) as s(k, ms)
    where u.r0 and s.ms is not null`),
  };
}

function seriesQuery(spec: TimelineSpec): Fragment {
  const last = spec.steps.length - 1;
  const key = 'bv';
  const day = (ms: string) => sql`(to_timestamp(${raw(ms)} / 1000.0) at time zone ${spec.timeZone})::date`;
  const marks =
    spec.order === 'any'
      ? (() => {
          return sql`${anyOrderCte(spec)},
  marks as (
    select unit, bv, ${day('ts')} as day, 0 as k from reach where start
    union all
    select unit, bv, ${day('ts')} as day, ${raw(String(last))} as k from reach where start and reached = ${raw(String(spec.steps.length))}
  )`;
        })()
      : (() => {
          // One scan of the last pass (a CTE read twice would be materialized).
          const { ctes, last: table } = levelCtes(spec);
          return sql`${ctes},
  marks as (
    select l.unit, l.bv, ${day('m.ms')} as day, m.k
    from ${raw(table)} as l cross join lateral (values (0, l.e0), (${raw(String(last))}, ${raw(`l.e${last}`)})) as m(k, ms)
    where ${raw(`(l.e0 is not null or l.e${last} is not null)`)} and m.ms is not null
  )`;
        })();
  return sql`with ${eventsCte(spec)},
  ${marks}
select day, ${raw(key)} as breakdown,
  count(distinct unit) filter (where k = 0)::int as entered,
  count(distinct unit) filter (where k = ${raw(String(last))})::int as converted
from marks
group by day, ${raw(key)}
order by day, 2`;
}

/**
 * The completions of a funnel, one row per (unit, attempt entry) reaching the last step: `unit`
 * and `entry` (epoch ms of the attempt's step 1; for `any` order, of its start). For experiment
 * metrics: `with <this> select …`; `spec.unitRanges` restricts the rows read to the units (and
 * times) the metric reads.
 */
export function funnelCompletionsCtes(
  spec: TimelineSpec,
  plan: CompileFunnelOptions['plan'] = 'auto',
): Fragment {
  if (funnelPlanOf(spec, plan) === 'timeline') return timelineCompletionsCtes(spec, tracksFor(spec));
  const last = spec.steps.length - 1;
  if (spec.order === 'any')
    return sql`${eventsCte(spec)},
  ${anyOrderCte(spec)},
  completions as materialized (select unit, ts as entry from reach where start and reached = ${raw(String(spec.steps.length))})`;
  const { ctes, last: table } = levelCtes(spec);
  return sql`${eventsCte(spec)},
  ${ctes},
  completions as materialized (select unit, ${raw(`e${last}`)} as entry from ${raw(table)} where ${raw(`e${last}`)} is not null)`;
}

/**
 * Each unit's times between consecutive steps, for time-to-convert histograms (ordered and strict
 * order; `any` order has no time between steps): `with <this> select … from unit_times`, one row
 * `(bv, k, ms)` per unit (and breakdown value) and step k ≥ 1 it reached, `ms` the milliseconds
 * from step k−1 of the attempt that reached step k first — the values whose median and p90 are
 * `t<k>` and `p<k>` of the funnel statement (the same `f<k>` as its `units` CTE).
 */
export function funnelStepTimesCtes(
  spec: TimelineSpec,
  plan: CompileFunnelOptions['plan'] = 'auto',
): Fragment {
  if (funnelPlanOf(spec, plan) === 'timeline') return timelineStepTimesCtes(spec, tracksFor(spec));
  // The funnel statement's own `units`, so the histogram's times are those of its medians.
  const parts = orderedStepsParts(spec);
  return sql`${parts.ctes},
  unit_times as (${parts.stepTimes})`;
}
