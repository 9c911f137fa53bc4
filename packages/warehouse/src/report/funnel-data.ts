import type { PlanDocument } from '@tributary/schema';
import type {
  FunnelConditionInput,
  FunnelCountBy,
  FunnelOrder,
  FunnelSpec,
  FunnelStepInput,
  FunnelStepResult,
} from '@tributary/sql';
import { runFunnel } from '../funnels/run-funnel.js';
import type { SqlRunner } from '../warehouse.js';

/** A funnel to show: a spec without its range (the report's days and zone are used), and a title. */
export type ReportFunnelSpec = { readonly title?: string } & Omit<FunnelSpec, 'from' | 'to' | 'timeZone'>;

/** One funnel of the report, as `runFunnel` computes it with its time-to-convert histogram. */
export interface ReportFunnel {
  readonly title: string;
  /** Step labels: the event and its filter, e.g. `level_up (level ≥ 5)`. */
  readonly steps: readonly string[];
  readonly window: string;
  readonly order: FunnelOrder;
  readonly countBy: FunnelCountBy;
  /** The breakdown's name (a dimension, or the first step's property), null without one. */
  readonly breakdown: string | null;
  /** Labels of the time-to-convert buckets; null for `any` order (no time between steps). */
  readonly buckets: readonly string[] | null;
  readonly groups: readonly {
    readonly breakdown: string | null;
    readonly steps: readonly FunnelStepResult[];
    /** Per step 2..K, units by time-to-convert bucket (sums to the step's count); null for `any` order. */
    readonly timeToConvert: readonly (readonly number[])[] | null;
  }[];
}

type Range = Pick<FunnelSpec, 'from' | 'to' | 'timeZone'>;

const OPERATORS = { eq: '=', ne: '≠', gt: '>', gte: '≥', lt: '<', lte: '≤' } as const;

/** A step as the report labels it: `level_up (level ≥ 5)`, `view (page in home, shop)`. */
export function funnelStepLabel(step: FunnelStepInput): string {
  const conditions = Object.entries(step.where ?? {}).flatMap(([property, condition]) =>
    describeCondition(property, condition as FunnelConditionInput),
  );
  return conditions.length === 0 ? step.event : `${step.event} (${conditions.join(', ')})`;
}

function describeCondition(property: string, condition: FunnelConditionInput): string[] {
  if (typeof condition !== 'object') return [`${property} = ${condition}`];
  return Object.entries(condition).map(([op, value]) =>
    op === 'in'
      ? `${property} in ${(value as readonly unknown[]).join(', ')}`
      : `${property} ${OPERATORS[op as keyof typeof OPERATORS] ?? op} ${value}`,
  );
}

/** Runs each funnel over the report's range: steps per breakdown value and the time-to-convert histogram. */
export async function collectFunnelData(
  warehouse: SqlRunner,
  specs: readonly ReportFunnelSpec[],
  range: Range,
  document: PlanDocument,
): Promise<ReportFunnel[]> {
  const out: ReportFunnel[] = [];
  for (const { title, ...rest } of specs) {
    const spec: FunnelSpec = { ...rest, ...range };
    // One statement: the steps, the series and the histogram from the same sorted events.
    const result = await runFunnel(warehouse, spec, { document, timeToConvert: true });
    const histogram = result.timeToConvert;
    const labels = spec.steps.map(funnelStepLabel);
    const zeros = () => result.spec.steps.slice(1).map(() => histogram?.buckets.map(() => 0) ?? []);
    const breakdown = result.spec.breakdown;
    out.push({
      title: title ?? labels.join(' → '),
      steps: labels,
      window: result.spec.window,
      order: result.spec.order,
      countBy: result.spec.countBy,
      breakdown: breakdown ? (breakdown.kind === 'dimension' ? breakdown.name : breakdown.property) : null,
      buckets: histogram ? histogram.buckets.map((b) => b.label) : null,
      groups: result.groups.map((group) => ({
        breakdown: group.breakdown,
        steps: group.steps,
        timeToConvert: histogram
          ? (histogram.groups.find((g) => g.breakdown === group.breakdown)?.steps.map((s) => s.units) ??
            zeros())
          : null,
      })),
    });
  }
  return out;
}
