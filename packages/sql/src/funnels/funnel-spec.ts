import type { EventName, EventProperties } from '@tributary/schema';

/** `strict`: each step is the person's very next event; `ordered`: steps in order, anything between; `any`: steps in any order. */
export const FUNNEL_ORDERS = ['ordered', 'strict', 'any'] as const;
export type FunnelOrder = (typeof FUNNEL_ORDERS)[number];

/** The unit a funnel counts: persons (identity-resolved when the plan stitches) or sessions. */
export const FUNNEL_COUNT_BY = ['persons', 'sessions'] as const;
export type FunnelCountBy = (typeof FUNNEL_COUNT_BY)[number];

export const MIN_FUNNEL_STEPS = 2;
export const MAX_FUNNEL_STEPS = 20;

/** A conversion window: minutes, hours, days or weeks (`30m`, `12h`, `7d`, `2w`), from 1 minute to 365 days. */
export type FunnelWindow = `${number}${'m' | 'h' | 'd' | 'w'}`;

/** A property value a step filter compares with. */
export type FunnelScalar = string | number | boolean;

type Ordered<T> = [T] extends [number]
  ? { readonly gt?: number; readonly gte?: number; readonly lt?: number; readonly lte?: number }
  : { readonly gt?: never; readonly gte?: never; readonly lt?: never; readonly lte?: never };

/** A value (equality) or an operator object: `eq`, `ne`, `in`; and `gt`, `gte`, `lt`, `lte` for numbers. */
export type FunnelCondition<T extends FunnelScalar = FunnelScalar> =
  | T
  | ({ readonly eq?: T; readonly ne?: T; readonly in?: readonly T[] } & Ordered<T>);

type ScalarKeys<P> = {
  [K in keyof P]-?: [NonNullable<P[K]>] extends [FunnelScalar] ? K : never;
}[keyof P];

/** Conditions on an event's scalar properties (of its latest version), all of which must hold. */
export type FunnelWhere<P> = {
  readonly [K in ScalarKeys<P>]?: FunnelCondition<NonNullable<P[K]> & FunnelScalar>;
};

/** A condition of an untyped step: any operator (types are checked at run time). */
export type FunnelConditionInput =
  | FunnelScalar
  | {
      readonly eq?: FunnelScalar;
      readonly ne?: FunnelScalar;
      readonly in?: readonly FunnelScalar[];
      readonly gt?: number;
      readonly gte?: number;
      readonly lt?: number;
      readonly lte?: number;
    };

/** A step of an untyped spec (the CLI, JSON): any event name, any property. */
export interface FunnelStepInput {
  readonly event: string;
  readonly where?: Readonly<Record<string, FunnelConditionInput>>;
}

/** A step typed by the plan: the event is one of the plan's, `where` names its properties with their types. */
export type FunnelStep<P> = {
  [N in EventName<P>]: { readonly event: N; readonly where?: FunnelWhere<EventProperties<P, N>> };
}[EventName<P>];

type StepOf<P> = [P] extends [never] ? FunnelStepInput : FunnelStep<P>;
type EventOf<P> = [P] extends [never] ? string : EventName<P>;

/** An event that, between two steps, stops an attempt from going on (see the README). */
export interface FunnelExclusion<E extends string = string> {
  readonly event: E;
  /** Step indexes (0-based) `[i, j]`, i < j: the event must not occur after step i and before step j. */
  readonly between: readonly [number, number];
}

/**
 * What to compute. `FunnelSpec<typeof plan>` types the steps by the plan (a wrong event, property
 * name or value type does not compile); plain `FunnelSpec` takes any strings (checked at run time).
 */
export interface FunnelSpec<P = never> {
  readonly steps: readonly StepOf<P>[];
  readonly window: FunnelWindow;
  /** First local day on which step 1 may happen, `YYYY-MM-DD`. */
  readonly from: string;
  /** Last local day on which step 1 may happen (inclusive); later steps may follow within the window. */
  readonly to: string;
  /** One of the plan's `etl.reportingTimeZones` (default: the first). */
  readonly timeZone?: string;
  /** A dimension of `roles.dimensions`, or a property of the first step's event, valued at step 1. */
  readonly breakdown?: string | { readonly property: string };
  /** Default `ordered`. */
  readonly order?: FunnelOrder;
  /** Default `persons`. */
  readonly countBy?: FunnelCountBy;
  readonly exclusions?: readonly FunnelExclusion<EventOf<P>>[];
  /** `stitch` (default when the plan stitches) counts persons across ids; `raw` user keys. */
  readonly identity?: 'stitch' | 'raw';
}

/** A property column a step filter can use, in one processed table of the event. */
export interface FunnelPropertyColumn {
  readonly column: string;
  readonly kind: 'number' | 'string' | 'boolean';
}

/** One processed table (line) of an event, with its filterable top-level properties. */
export interface FunnelEventTable {
  readonly table: string;
  readonly properties: ReadonlyMap<string, FunnelPropertyColumn>;
  /** Its context columns (dimension columns it has, for breakdowns read from the event table). */
  readonly columns?: ReadonlySet<string>;
}

/** What the compiler needs to know of the plan. */
export interface FunnelCatalog {
  readonly reportingTimeZones: readonly string[];
  /** Dimension name → its `processed.tracks` column. */
  readonly dimensions: ReadonlyMap<string, string>;
  /** Event name → its processed tables. */
  readonly events: ReadonlyMap<string, readonly FunnelEventTable[]>;
  readonly identityMode: 'stitch' | 'none';
}

/** A checked step condition, on one property. */
export interface ResolvedCondition {
  readonly property: string;
  readonly op: 'eq' | 'ne' | 'in' | 'gt' | 'gte' | 'lt' | 'lte';
  readonly value: FunnelScalar | readonly FunnelScalar[];
}

export interface ResolvedFunnelStep {
  readonly event: string;
  readonly conditions: readonly ResolvedCondition[];
  /** The event's tables that have every property the conditions name. */
  readonly tables: readonly FunnelEventTable[];
}

/** A spec with every default filled in and every value checked. */
export interface ResolvedFunnelSpec {
  readonly steps: readonly ResolvedFunnelStep[];
  readonly window: string;
  readonly windowMs: number;
  readonly from: string;
  readonly to: string;
  readonly timeZone: string;
  readonly breakdown:
    | { readonly kind: 'dimension'; readonly name: string; readonly column: string }
    | { readonly kind: 'property'; readonly property: string; readonly tables: readonly FunnelEventTable[] }
    | undefined;
  readonly order: FunnelOrder;
  readonly countBy: FunnelCountBy;
  /** Each exclusion with the processed tables of its event. */
  readonly exclusions: readonly {
    readonly event: string;
    readonly between: readonly [number, number];
    readonly tables: readonly FunnelEventTable[];
  }[];
  readonly identity: 'stitch' | 'raw';
}
