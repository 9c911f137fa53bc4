import type { ResolvedFunnelSpec } from './funnel-spec.js';

/** One step of a funnel's result. */
export interface FunnelStepResult {
  /** 1-based. */
  readonly step: number;
  readonly event: string;
  /** Units that reached this step (ordered, strict), or that completed at least `step` steps (any order). */
  readonly count: number;
  /** count / count of step 1; NULL when nobody entered. */
  readonly conversionFromFirst: number | null;
  /** count / count of the previous step; NULL for step 1 or when the previous step is 0. */
  readonly conversionFromPrevious: number | null;
  /** Units of the previous step that did not reach this one (0 for step 1). */
  readonly dropOff: number;
  /** Median and 90th percentile of the seconds from the previous step (NULL for step 1 and for `any` order). */
  readonly medianSecondsFromPrevious: number | null;
  readonly p90SecondsFromPrevious: number | null;
}

/** The per-entry-day conversion of the funnel (by the day step 1 happened, in the spec's zone). */
export interface FunnelSeriesRow {
  readonly day: string;
  readonly breakdown: string | null;
  readonly entered: number;
  readonly converted: number;
  readonly conversion: number | null;
}

/** A funnel's result: steps per breakdown value (`breakdown: null` without a breakdown), and the series. */
export interface FunnelResult {
  readonly spec: ResolvedFunnelSpec;
  readonly groups: readonly {
    readonly breakdown: string | null;
    readonly steps: readonly FunnelStepResult[];
  }[];
  readonly series: readonly FunnelSeriesRow[];
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const ratio = (a: number, b: number): number | null => (b === 0 ? null : a / b);

/** Builds the result from the rows of the two compiled queries (see `compileFunnel`). */
export function assembleFunnelResult(
  spec: ResolvedFunnelSpec,
  stepRows: readonly Record<string, unknown>[],
  seriesRows: readonly Record<string, unknown>[],
): FunnelResult {
  const breakdownOf = (row: Record<string, unknown>) => (spec.breakdown ? String(row.breakdown) : null);
  const rows = stepRows.length > 0 || spec.breakdown ? stepRows : [{ breakdown: '' }];
  const groups = rows.map((row) => {
    const counts = spec.steps.map((_, k) => num(row[`n${k}`]) ?? 0);
    const first = counts[0] ?? 0;
    return {
      breakdown: breakdownOf(row),
      steps: spec.steps.map((step, k) => {
        const count = counts[k] ?? 0;
        const previous = k === 0 ? undefined : (counts[k - 1] ?? 0);
        return {
          step: k + 1,
          event: step.event,
          count,
          conversionFromFirst: ratio(count, first),
          conversionFromPrevious: previous === undefined ? null : ratio(count, previous),
          dropOff: previous === undefined ? 0 : previous - count,
          medianSecondsFromPrevious: k === 0 ? null : num(row[`t${k}`]),
          p90SecondsFromPrevious: k === 0 ? null : num(row[`p${k}`]),
        };
      }),
    };
  });
  const series = seriesRows.map((row) => {
    const entered = Number(row.entered);
    const converted = Number(row.converted);
    return {
      day: dayText(row.day),
      breakdown: breakdownOf(row),
      entered,
      converted,
      conversion: ratio(converted, entered),
    };
  });
  return { spec, groups, series };
}

function dayText(value: unknown): string {
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  return String(value).slice(0, 10);
}
