import { calendarDateMessage, dayNumber, isCalendarDate } from '../calendar-date.js';
import { MetricError } from './metric-error.js';
import {
  METRIC_NAMES,
  type MetricCatalog,
  type MetricName,
  type MetricSpec,
  type ResolvedMetricSpec,
} from './metric-spec.js';

/** Longest range a query may span; longer ranges are almost always a typo in a year. */
const MAX_RANGE_DAYS = 3660;
const MAX_OFFSET = 400;

/** Whether `name` is a metric the builders know. */
export function isMetricName(name: string): name is MetricName {
  return (METRIC_NAMES as readonly string[]).includes(name);
}

/**
 * Checks a spec against the plan's catalog and fills in the defaults. Throws `MetricError` with a
 * message that names the bad value and the accepted ones.
 */
export function resolveMetricSpec<M extends MetricName>(
  spec: MetricSpec<M>,
  catalog: MetricCatalog,
): ResolvedMetricSpec<M> {
  if (!isMetricName(spec.metric))
    throw new MetricError(
      'unknown_metric',
      `Unknown metric "${String(spec.metric)}". Known metrics: ${METRIC_NAMES.join(', ')}.`,
      { metric: spec.metric },
    );
  const from = checkDate('from', spec.from);
  const to = checkDate('to', spec.to);
  const span = dayNumber(to) - dayNumber(from);
  if (span < 0)
    throw new MetricError('invalid_range', `The range is empty: from ${from} is after to ${to}.`, {
      from,
      to,
    });
  if (span >= MAX_RANGE_DAYS)
    throw new MetricError(
      'invalid_range',
      `The range ${from}..${to} spans ${span + 1} days; at most ${MAX_RANGE_DAYS} are allowed.`,
      { from, to },
    );
  const zones = catalog.reportingTimeZones;
  const timeZone = spec.timeZone ?? zones[0] ?? 'UTC';
  if (!zones.includes(timeZone))
    throw new MetricError(
      'unknown_time_zone',
      `Time zone "${timeZone}" is not a reporting time zone of the plan (${zones.join(', ')}); add it to etl.reportingTimeZones and run tributary etl --full.`,
      { timeZone },
    );
  const checkDimension = (dimension: string, where: string): void => {
    if (!catalog.dimensions.includes(dimension))
      throw new MetricError(
        'unknown_dimension',
        `Unknown dimension "${dimension}" in ${where}; the plan's roles.dimensions are: ${catalog.dimensions.join(', ') || 'none (declare roles.dimensions in the plan)'}.`,
        { dimension },
      );
  };
  if (spec.breakdown !== undefined) checkDimension(spec.breakdown, 'the breakdown');
  for (const filter of spec.filters ?? []) {
    checkDimension(filter.dimension, 'a filter');
    if (filter.op !== 'in' && filter.op !== 'not_in')
      throw new MetricError(
        'invalid_metric_option',
        `Filter op must be "in" or "not_in" (got "${String(filter.op)}").`,
      );
    if (filter.values.length === 0)
      throw new MetricError(
        'invalid_metric_option',
        `The filter on "${filter.dimension}" has no values; give at least one value.`,
      );
  }
  const stitched = catalog.identityMode === 'stitch';
  const identity = oneOf('identity', spec.identity ?? (stitched ? 'stitch' : 'raw'), [
    'stitch',
    'raw',
  ] as const);
  if (identity === 'stitch' && !stitched)
    throw new MetricError(
      'invalid_metric_option',
      'identity "stitch" needs person tables: set etl.identity.mode to "stitch" in the plan (the default), then tributary generate, migrate and etl --full; or ask for identity "raw".',
      { identity },
    );
  const granularity = oneOf('granularity', spec.granularity ?? 'day', ['day', 'week'] as const);
  const defaultDays = spec.metric === 'retention' ? 1 : 7;
  const lastCompleteDay =
    spec.lastCompleteDay === undefined ? to : minDate(checkDate('lastCompleteDay', spec.lastCompleteDay), to);
  return {
    metric: spec.metric,
    from,
    to,
    timeZone,
    breakdown: spec.breakdown,
    filters: spec.filters ?? [],
    excludeUsers: spec.excludeUsers ?? [],
    days: checkCount('days', spec.days ?? defaultDays, spec.metric === 'inactivity_churn' ? 1 : 0),
    maxOffset: checkCount('maxOffset', spec.maxOffset ?? (granularity === 'week' ? 8 : 30), 0),
    granularity,
    retentionMode: oneOf('retentionMode', spec.retentionMode ?? 'on', ['on', 'on_or_after'] as const),
    period: oneOf('period', spec.period ?? 'week', ['week', 'month'] as const),
    lastCompleteDay,
    identity,
  };
}

function checkDate(name: string, value: unknown): string {
  if (!isCalendarDate(value))
    throw new MetricError('invalid_date', calendarDateMessage(name, value), { [name]: value });
  return value;
}

function checkCount(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min || value > MAX_OFFSET)
    throw new MetricError(
      'invalid_metric_option',
      `"${name}" must be an integer from ${min} to ${MAX_OFFSET} (got ${value}).`,
    );
  return value;
}

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value))
    throw new MetricError(
      'invalid_metric_option',
      `"${name}" must be one of ${allowed.join(', ')} (got "${value}").`,
    );
  return value as T;
}

function minDate(a: string, b: string): string {
  return a < b ? a : b;
}
