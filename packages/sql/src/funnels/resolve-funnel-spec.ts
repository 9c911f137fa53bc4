import { calendarDateMessage, dayNumber, isCalendarDate } from '../calendar-date.js';
import { type PlanDocument, TributaryError } from '@tributary/schema';
import { etlPlanOf } from '../etl/etl-plan.js';
import {
  FUNNEL_COUNT_BY,
  FUNNEL_ORDERS,
  type FunnelCatalog,
  type FunnelConditionInput,
  type FunnelEventTable,
  type FunnelPropertyColumn,
  type FunnelScalar,
  type FunnelSpec,
  MAX_FUNNEL_STEPS,
  MIN_FUNNEL_STEPS,
  type ResolvedCondition,
  type ResolvedFunnelSpec,
  type ResolvedFunnelStep,
} from './funnel-spec.js';

/** Stable codes of funnel spec problems. */
export type FunnelErrorCode =
  | 'invalid_steps'
  | 'unknown_event'
  | 'unknown_property'
  | 'invalid_filter'
  | 'invalid_window'
  | 'invalid_date'
  | 'invalid_range'
  | 'unknown_time_zone'
  | 'unknown_dimension'
  | 'invalid_exclusion'
  | 'invalid_funnel_option';

/** A funnel spec that cannot be compiled; the message names the value and what is accepted. */
export class FunnelError extends TributaryError {
  override readonly code: FunnelErrorCode;

  constructor(code: FunnelErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
    this.name = 'FunnelError';
    this.code = code;
  }
}

const MAX_WINDOW_MS = 365 * 86_400_000;
const MAX_RANGE_DAYS = 3660;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 } as const;

/** The funnel catalog of a plan document: zones, dimensions, events with their filterable properties. */
export function funnelCatalogOf(document: PlanDocument): FunnelCatalog {
  const plan = etlPlanOf(document);
  const events = new Map<string, FunnelEventTable[]>();
  for (const line of plan.lines) {
    const properties = new Map<string, FunnelPropertyColumn>();
    for (const version of line.versions) {
      for (const c of version.properties) {
        if (c.from?.from !== 'properties' || c.from.path.length !== 1) continue;
        const kind = kindOf(c.type.name);
        if (kind) properties.set(c.from.path[0] as string, { column: c.name, kind });
      }
    }
    const columns = new Set(line.versions.flatMap((v) => v.context.map((c) => c.name)));
    events.set(line.event, [...(events.get(line.event) ?? []), { table: line.table, properties, columns }]);
  }
  return {
    reportingTimeZones: plan.reportingTimeZones,
    dimensions: new Map(plan.roles.dimensions.map((d) => [d.name, d.column])),
    events,
    identityMode: plan.identityMode,
  };
}

function kindOf(type: string): FunnelPropertyColumn['kind'] | undefined {
  if (['smallint', 'integer', 'bigint', 'numeric', 'double precision', 'real'].includes(type))
    return 'number';
  if (type === 'text' || type === 'varchar') return 'string';
  if (type === 'boolean') return 'boolean';
  return undefined;
}

/** Parses `30m`, `12h`, `7d`, `2w` to milliseconds; FunnelError outside 1 minute..365 days. */
export function parseFunnelWindow(window: unknown): number {
  const match = typeof window === 'string' ? /^(\d+)(m|h|d|w)$/.exec(window) : null;
  const ms = match ? Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS] : Number.NaN;
  if (!(ms >= 60_000 && ms <= MAX_WINDOW_MS))
    throw new FunnelError(
      'invalid_window',
      `window ${JSON.stringify(window)} is not accepted: give a number and a unit (m, h, d or w), from 1m to 365d, e.g. "30m", "1d", "7d".`,
      { window },
    );
  return ms;
}

/**
 * Checks a funnel spec against the plan's catalog and fills in the defaults; throws FunnelError
 * with a message naming the bad value and what is accepted.
 */
export function resolveFunnelSpec<P = never>(
  spec: FunnelSpec<NoInfer<P>>,
  catalog: FunnelCatalog,
): ResolvedFunnelSpec {
  const known = [...catalog.events.keys()].sort();
  const stepsIn = spec.steps as readonly { event: string; where?: Record<string, FunnelConditionInput> }[];
  if (!Array.isArray(stepsIn) || stepsIn.length < MIN_FUNNEL_STEPS || stepsIn.length > MAX_FUNNEL_STEPS)
    throw new FunnelError(
      'invalid_steps',
      `A funnel has ${MIN_FUNNEL_STEPS} to ${MAX_FUNNEL_STEPS} steps (got ${Array.isArray(stepsIn) ? stepsIn.length : 'none'}).`,
      { steps: Array.isArray(stepsIn) ? stepsIn.length : undefined },
    );
  const tablesOf = (event: unknown, where: string): readonly FunnelEventTable[] => {
    const tables = typeof event === 'string' ? catalog.events.get(event) : undefined;
    if (!tables)
      throw new FunnelError(
        'unknown_event',
        `Unknown event ${JSON.stringify(event)} in ${where}; the plan's events are: ${known.join(', ') || 'none'}.`,
        { event },
      );
    return tables;
  };
  const steps: ResolvedFunnelStep[] = stepsIn.map((step, index) => {
    const where = `step ${index + 1}`;
    const tables = tablesOf(step?.event, where);
    const conditions = Object.entries(step.where ?? {}).flatMap(([property, condition]) =>
      resolveCondition(step.event, property, condition as FunnelConditionInput, tables, where),
    );
    const usable = tables.filter((t) => conditions.every((c) => t.properties.has(c.property)));
    return { event: step.event, conditions, tables: usable };
  });
  const windowMs = parseFunnelWindow(spec.window);
  const from = checkDate('from', spec.from);
  const to = checkDate('to', spec.to);
  const span = dayNumber(to) - dayNumber(from);
  if (span < 0)
    throw new FunnelError('invalid_range', `The range is empty: from ${from} is after to ${to}.`, {
      from,
      to,
    });
  if (span >= MAX_RANGE_DAYS)
    throw new FunnelError(
      'invalid_range',
      `The range ${from}..${to} spans ${span + 1} days; at most ${MAX_RANGE_DAYS} are allowed.`,
      { from, to },
    );
  const zones = catalog.reportingTimeZones;
  const timeZone = spec.timeZone ?? zones[0] ?? 'UTC';
  if (!zones.includes(timeZone))
    throw new FunnelError(
      'unknown_time_zone',
      `Time zone "${timeZone}" is not a reporting time zone of the plan (${zones.join(', ')}).`,
      { timeZone },
    );
  const order = oneOf('order', spec.order ?? 'ordered', FUNNEL_ORDERS);
  const countBy = oneOf('countBy', spec.countBy ?? 'persons', FUNNEL_COUNT_BY);
  const stitched = catalog.identityMode === 'stitch';
  const identity = oneOf('identity', spec.identity ?? (stitched ? 'stitch' : 'raw'), [
    'stitch',
    'raw',
  ] as const);
  if (identity === 'stitch' && !stitched)
    throw new FunnelError(
      'invalid_funnel_option',
      'identity "stitch" needs the identity tables: set etl.identity.mode to "stitch" (the default), or ask for identity "raw".',
    );
  const exclusions = (spec.exclusions ?? []).map((exclusion, n) => {
    const where = `exclusion ${n + 1}`;
    const tables = tablesOf(exclusion?.event, where);
    const [i, j] = Array.isArray(exclusion.between) ? exclusion.between : [];
    if (
      !Number.isInteger(i) ||
      !Number.isInteger(j) ||
      (i as number) < 0 ||
      (i as number) >= (j as number) ||
      (j as number) >= steps.length
    )
      throw new FunnelError(
        'invalid_exclusion',
        `${where}: between must be two step indexes [i, j] with 0 <= i < j <= ${steps.length - 1} (got ${JSON.stringify(exclusion.between)}).`,
      );
    const clash = steps.slice(i as number, (j as number) + 1).find((s) => s.event === exclusion.event);
    if (clash)
      throw new FunnelError(
        'invalid_exclusion',
        `${where}: "${exclusion.event}" is also a step between ${i} and ${j}; an exclusion must be another event.`,
      );
    return { event: exclusion.event, between: [i as number, j as number] as const, tables };
  });
  return {
    steps,
    window: spec.window,
    windowMs,
    from,
    to,
    timeZone,
    breakdown: resolveBreakdown(spec.breakdown, catalog, steps[0] as ResolvedFunnelStep),
    order,
    countBy,
    exclusions,
    identity,
  };
}

function resolveBreakdown(
  breakdown: FunnelSpec['breakdown'],
  catalog: FunnelCatalog,
  first: ResolvedFunnelStep,
): ResolvedFunnelSpec['breakdown'] {
  if (breakdown === undefined) return undefined;
  if (typeof breakdown === 'string') {
    const column = catalog.dimensions.get(breakdown);
    if (column === undefined)
      throw new FunnelError(
        'unknown_dimension',
        `Unknown dimension "${breakdown}"; the plan's roles.dimensions are: ${[...catalog.dimensions.keys()].join(', ') || 'none'} (or break down by a property of the first step: { property }).`,
        { dimension: breakdown },
      );
    return { kind: 'dimension', name: breakdown, column };
  }
  const all = catalog.events.get(first.event) ?? [];
  const tables = all.filter((t) => t.properties.has(breakdown.property));
  if (tables.length === 0)
    throw new FunnelError(
      'unknown_property',
      `"${first.event}" has no property "${breakdown.property}" to break down by; its properties are: ${propertyNames(all).join(', ') || 'none'}.`,
      { property: breakdown.property },
    );
  return { kind: 'property', property: breakdown.property, tables };
}

const OPERATORS = ['eq', 'ne', 'in', 'gt', 'gte', 'lt', 'lte'] as const;

function resolveCondition(
  event: string,
  property: string,
  condition: FunnelConditionInput,
  tables: readonly FunnelEventTable[],
  where: string,
): ResolvedCondition[] {
  const column = tables.map((t) => t.properties.get(property)).find((c) => c !== undefined);
  if (!column)
    throw new FunnelError(
      'unknown_property',
      `${where}: "${event}" has no property "${property}"; its properties are: ${propertyNames(tables).join(', ') || 'none'}.`,
      { event, property },
    );
  const entries: [string, unknown][] =
    condition !== null && typeof condition === 'object' ? Object.entries(condition) : [['eq', condition]];
  if (entries.length === 0)
    throw new FunnelError('invalid_filter', `${where}: the condition on "${property}" is empty.`, {
      property,
    });
  return entries.map(([op, value]) => {
    if (!(OPERATORS as readonly string[]).includes(op))
      throw new FunnelError(
        'invalid_filter',
        `${where}: unknown operator "${op}" on "${property}"; use one of ${OPERATORS.join(', ')}.`,
      );
    const ordered = op === 'gt' || op === 'gte' || op === 'lt' || op === 'lte';
    if (ordered && column.kind !== 'number')
      throw new FunnelError(
        'invalid_filter',
        `${where}: "${op}" needs a number property; "${property}" is a ${column.kind}.`,
      );
    const values = op === 'in' ? value : [value];
    if (
      !Array.isArray(values) ||
      values.length === 0 ||
      !values.every((v) => typeof v === column.kind && (typeof v !== 'number' || Number.isFinite(v)))
    )
      throw new FunnelError(
        'invalid_filter',
        `${where}: "${property}" is a ${column.kind}; ${op} needs ${op === 'in' ? `a non-empty list of ${column.kind}s` : `a ${column.kind}`} (got ${JSON.stringify(value)}).`,
        { property, value },
      );
    return {
      property,
      op: op as ResolvedCondition['op'],
      value: op === 'in' ? (values as FunnelScalar[]) : (value as FunnelScalar),
    };
  });
}

function propertyNames(tables: readonly FunnelEventTable[]): string[] {
  return [...new Set(tables.flatMap((t) => [...t.properties.keys()]))].sort();
}

function checkDate(name: string, value: unknown): string {
  if (!isCalendarDate(value))
    throw new FunnelError('invalid_date', calendarDateMessage(name, value), { [name]: value });
  return value;
}

function oneOf<T extends string>(name: string, value: unknown, allowed: readonly T[]): T {
  if (!(allowed as readonly unknown[]).includes(value))
    throw new FunnelError(
      'invalid_funnel_option',
      `"${name}" must be one of ${allowed.join(', ')} (got ${JSON.stringify(value)}).`,
    );
  return value as T;
}
