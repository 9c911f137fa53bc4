import type { EventName } from '@tributary/schema';
import type { FunnelOrder, FunnelStep, FunnelStepInput, FunnelWindow } from '../funnels/funnel-spec.js';

type EventOf<P> = [P] extends [never] ? string : EventName<P>;
type StepOf<P> = [P] extends [never] ? FunnelStepInput : FunnelStep<P>;

/** The metric kinds an experiment reads out, in the order the docs list them. */
export const EXPERIMENT_METRIC_KINDS = ['conversion', 'revenue', 'retention', 'sessions', 'funnel'] as const;
export type ExperimentMetricKind = (typeof EXPERIMENT_METRIC_KINDS)[number];

/**
 * A metric of the catalogue, per exposed unit, measured from its first exposure:
 * - `conversion`: did the unit do `event` within `withinDays` (a proportion);
 * - `revenue`: revenue (the plan's revenue role) within `withinDays`, per exposed unit (a mean, zeros included);
 * - `retention`: active on local day N after the exposure day (a proportion);
 * - `sessions`: sessions started within `withinDays` (a mean);
 * - `funnel`: completed the funnel in an attempt that started within one window of the exposure (a proportion).
 * Each also has a pre-exposure value over the same span before the exposure, CUPED's covariate.
 */
export type ExperimentMetric<P = never> =
  | {
      readonly kind: 'conversion';
      readonly name?: string;
      readonly event: EventOf<P>;
      readonly withinDays: number;
    }
  | { readonly kind: 'revenue'; readonly name?: string; readonly withinDays: number }
  | { readonly kind: 'retention'; readonly name?: string; readonly day: number }
  | { readonly kind: 'sessions'; readonly name?: string; readonly withinDays: number }
  | {
      readonly kind: 'funnel';
      readonly name?: string;
      readonly steps: readonly StepOf<P>[];
      readonly window: FunnelWindow;
      readonly order?: FunnelOrder;
    };

/**
 * An experiment on the plan: who saw which variant (the exposure event, Segment's
 * `experiment_viewed` convention: a property naming the experiment and one naming the variant) and
 * what to read out. The first variant is the control. `defineExperiment<typeof plan>({...})` types
 * the events and funnel steps by the plan.
 */
export interface ExperimentDefinition<P = never> {
  readonly key: string;
  /** Two or more variant names; the first is the control. */
  readonly variants: readonly string[];
  /** The planned split (relative weights, one per variant; default equal), for the sample-ratio check. */
  readonly weights?: readonly number[];
  readonly exposureEvent: EventOf<P>;
  /** The exposure event's property holding the experiment key (default `experiment`). */
  readonly experimentProperty?: string;
  /** The exposure event's property holding the variant (default `variant`). */
  readonly variantProperty?: string;
  readonly metrics: readonly ExperimentMetric<P>[];
}

/** Declares an experiment (the identity function, for types: `defineExperiment<typeof plan>({ … })`). */
export function defineExperiment<P = never>(
  definition: ExperimentDefinition<NoInfer<P>>,
): ExperimentDefinition<P> {
  return definition;
}

/** Which exposures and data a readout uses. */
export interface ExperimentWindow {
  /** First local day of exposures, `YYYY-MM-DD`. */
  readonly from: string;
  /** Last local day of exposures (inclusive); metrics may look past it by their own span. */
  readonly to: string;
  readonly timeZone?: string;
  /** `stitch` (default when the plan stitches) assigns persons; `raw` user keys. */
  readonly identity?: 'stitch' | 'raw';
}
