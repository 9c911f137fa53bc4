import { sql } from 'kysely';
import { ddlKysely } from '../dialect/postgres/ddl-kysely.js';
import { type CompileFunnelOptions, funnelPlanOf, funnelStepTimesCtes } from './compile-funnel.js';
import type { FunnelCatalog, FunnelSpec, ResolvedFunnelSpec } from './funnel-spec.js';
import { raw } from './funnel-sql.js';
import { resolveFunnelSpec } from './resolve-funnel-spec.js';
import { funnelPrunesToEntries } from './timeline-funnel.js';
import {
  histogramSql,
  TIME_TO_CONVERT_BUCKETS,
  type TimeToConvertBucket,
} from './time-to-convert-buckets.js';

export { TIME_TO_CONVERT_BUCKETS, type TimeToConvertBucket };

/** The histogram query: rows `{ breakdown, step, bucket, units }` (step 1-based, bucket 0-based). */
export interface CompiledTimeToConvert {
  readonly spec: ResolvedFunnelSpec;
  /** Whether the statement prunes rows to each unit's entries plus the window (`tableRows`, as `compileFunnel`). */
  readonly prunedToEntries: boolean;
  readonly sql: string;
  readonly parameters: readonly unknown[];
}

/** Per breakdown value and step after the first: units by bucket of their time from the previous step. */
export interface FunnelTimeToConvert {
  readonly buckets: readonly TimeToConvertBucket[];
  /** One group without a breakdown; with one, the values that have any unit past step 1. */
  readonly groups: readonly {
    readonly breakdown: string | null;
    /** Steps 2..K; `units[b]` counts units in `buckets[b]` and sums to the step's count. */
    readonly steps: readonly {
      readonly step: number;
      readonly event: string;
      readonly units: readonly number[];
    }[];
  }[];
}

/**
 * Compiles a funnel's time-to-convert histogram: per step k ≥ 2, the units that reached it, by
 * the bucket of the time from step k−1 of their first attempt to arrive (the times behind the
 * median and p90 of `runFunnel`). Null for `any` order, which has no time between steps. With
 * `options.tableRows` (row estimates) it prunes rows to each unit's entries as `compileFunnel` does
 * (`prunedToEntries`); the histogram is the same either way.
 *
 * @example
 * compileFunnelTimeToConvert({ steps: [{ event: 'install' }, { event: 'purchase' }], window: '7d', from: '2026-03-01', to: '2026-03-31' }, catalog)?.sql
 * // 'with ev as (…), …, unit_times as (…)
 * //  select bv as breakdown, k as step, width_bucket(ms, array[60000, 300000, …]::bigint[]) as bucket, count(*)::int as units
 * //  from unit_times group by 1, 2, 3 order by 1, 2, 3'
 */
export function compileFunnelTimeToConvert<P = never>(
  spec: FunnelSpec<NoInfer<P>>,
  catalog: FunnelCatalog,
  buckets: readonly TimeToConvertBucket[] = TIME_TO_CONVERT_BUCKETS,
  options: CompileFunnelOptions = {},
): CompiledTimeToConvert | null {
  const resolved = resolveFunnelSpec(spec, catalog);
  if (resolved.order === 'any') return null;
  const prunedToEntries = funnelPrunesToEntries(
    resolved,
    options.tableRows,
    funnelPlanOf(resolved, options.plan),
  );
  const compiled =
    sql`with ${funnelStepTimesCtes({ ...resolved, pruneToEntries: prunedToEntries }, options.plan)}
${histogramSql(raw('unit_times'), buckets)}
order by 1, 2, 3`.compile(ddlKysely());
  return { spec: resolved, prunedToEntries, sql: compiled.sql, parameters: compiled.parameters };
}

/** Builds the histogram from the rows of `compileFunnelTimeToConvert`'s query. */
export function assembleTimeToConvert(
  spec: ResolvedFunnelSpec,
  rows: readonly Record<string, unknown>[],
  buckets: readonly TimeToConvertBucket[] = TIME_TO_CONVERT_BUCKETS,
): FunnelTimeToConvert {
  const empty = () => spec.steps.slice(1).map(() => buckets.map(() => 0));
  const byBreakdown = new Map<string | null, number[][]>();
  if (!spec.breakdown) byBreakdown.set(null, empty());
  for (const row of rows) {
    const breakdown = spec.breakdown ? String(row.breakdown) : null;
    let steps = byBreakdown.get(breakdown);
    if (!steps) {
      steps = empty();
      byBreakdown.set(breakdown, steps);
    }
    const counts = steps[Number(row.step) - 1] as number[];
    const bucket = Number(row.bucket);
    counts[bucket] = (counts[bucket] ?? 0) + Number(row.units);
  }
  return {
    buckets,
    groups: [...byBreakdown].map(([breakdown, steps]) => ({
      breakdown,
      steps: steps.map((units, i) => ({
        step: i + 2,
        event: (spec.steps[i + 1] as { event: string }).event,
        units,
      })),
    })),
  };
}
