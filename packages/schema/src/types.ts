import type { EventDefinition } from './event.js';
import type { Plan } from './plan.js';

type Tuple<N extends number, T extends unknown[] = []> = T['length'] extends N ? T : Tuple<N, [...T, 0]>;
type GreaterThan<A extends number, B extends number> = A extends B
  ? false
  : Tuple<A> extends [...Tuple<B>, ...unknown[]]
    ? true
    : false;
/** The largest member of a union of small non-negative integer literals. */
type MaxOf<U extends number, All extends number = U> = number extends U
  ? number
  : U extends unknown
    ? true extends (All extends unknown ? GreaterThan<All, U> : never)
      ? never
      : U
    : never;

/** The union of event definitions of a plan. */
export type PlanEvents<P> = P extends Plan<infer E, unknown> ? E : never;

/** The event names of a plan: `'app_install' | 'level_up' | …`. */
export type EventName<P> = PlanEvents<P>['name'];

/** The versions of one event of a plan: `1 | 2`. */
export type EventVersion<P, N extends EventName<P>> = Extract<PlanEvents<P>, { name: N }>['version'];

/** The latest version of one event of a plan. */
export type LatestVersion<P, N extends EventName<P>> = MaxOf<EventVersion<P, N>>;

/** The properties (input type) of an event version; the latest version by default. */
export type EventProperties<P, N extends EventName<P>, V extends EventVersion<P, N> = LatestVersion<P, N>> =
  Extract<PlanEvents<P>, { name: N; version: V }> extends EventDefinition<string, number, infer I>
    ? I
    : never;

/** The context input type of a plan. */
export type PlanContext<P> = P extends Plan<EventDefinition, infer C> ? C : never;

/** The properties input type of a single event definition. */
export type PropertiesOf<E> = E extends EventDefinition<string, number, infer I> ? I : never;
