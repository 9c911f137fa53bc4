import {
  FUNNEL_COUNT_BY,
  FUNNEL_ORDERS,
  type FunnelCatalog,
  type FunnelConditionInput,
  type FunnelCountBy,
  type FunnelExclusion,
  type FunnelOrder,
  type FunnelSpec,
  type FunnelStepInput,
  type FunnelWindow,
} from '@tributary/sql';
import { CliUsageError } from '../errors.js';

/** A value a step condition compares with. */
type Scalar = string | number | boolean;

type Options = Record<string, string | boolean | string[] | undefined>;

const IDENTITIES = ['stitch', 'raw'] as const;
const OPERATORS = { '=': 'eq', '!=': 'ne', '>': 'gt', '>=': 'gte', '<': 'lt', '<=': 'lte' } as const;
type Operator = keyof typeof OPERATORS;

/**
 * The funnel spec of `tributary funnel`'s options. Step numbers in `--where` and `--exclude` count
 * from 1, as the output prints them. Values are typed by the step event's property in the catalog;
 * what only the plan can judge (an unknown event or property, the window, the dates, the zone,
 * the breakdown) is left to `resolveFunnelSpec`, whose FunnelError names the accepted values.
 */
export function funnelSpecOf(options: Options, catalog: FunnelCatalog): FunnelSpec {
  const text = (name: string): string | undefined => options[name] as string | undefined;
  const list = (name: string): string[] => (options[name] as string[] | undefined) ?? [];
  const stepsText = text('steps');
  const window = text('window');
  const from = text('from');
  const to = text('to');
  if (!stepsText || !window || !from || !to)
    throw new CliUsageError(
      'tributary funnel: --steps, --window, --from and --to are required, e.g. --steps app_install,level_up,purchase --window 7d --from 2026-03-01 --to 2026-03-31.',
    );
  const events = stepsText.split(',').map((s) => s.trim());
  if (events.some((e) => e === ''))
    throw new CliUsageError(
      `tributary funnel: --steps "${stepsText}" has an empty step; list event names separated by commas.`,
    );
  const where = events.map(() => new Map<string, Record<string, Scalar | Scalar[]>>());
  for (const filter of list('where')) {
    const { step, property, operator, value } = parseWhere(filter, events.length);
    const conditions = where[step - 1]?.get(property) ?? {};
    const op = operator === '=' && value.includes(',') ? 'in' : OPERATORS[operator];
    if (op in conditions)
      throw new CliUsageError(
        `tributary funnel: --where "${filter}" repeats ${operator} on "${property}" of step ${step}; give each operator once per property (combine values with commas: ${step}:${property}=a,b).`,
      );
    const kind = propertyKind(catalog, events[step - 1] as string, property);
    conditions[op] =
      op === 'in'
        ? value.split(',').map((v) => typed(v.trim(), kind, filter, property))
        : typed(value, kind, filter, property);
    where[step - 1]?.set(property, conditions);
  }
  const steps: FunnelStepInput[] = events.map((event, i) => {
    const conditions = where[i] as Map<string, Record<string, Scalar | Scalar[]>>;
    if (conditions.size === 0) return { event };
    return { event, where: Object.fromEntries(conditions) as Record<string, FunnelConditionInput> };
  });
  const by = text('by');
  const byProperty = text('by-property');
  if (by !== undefined && byProperty !== undefined)
    throw new CliUsageError(
      'tributary funnel: give --by <dimension> or --by-property <property of the first step>, not both.',
    );
  const order = oneOf('order', text('order'), FUNNEL_ORDERS);
  const countBy = oneOf('count-by', text('count-by'), FUNNEL_COUNT_BY);
  const identity = oneOf('identity', text('identity'), IDENTITIES);
  const exclusions = list('exclude').map((exclude) => parseExclude(exclude, events));
  return {
    steps,
    window: window as FunnelWindow,
    from,
    to,
    ...(text('tz') ? { timeZone: text('tz') } : {}),
    ...(by !== undefined ? { breakdown: by } : {}),
    ...(byProperty !== undefined ? { breakdown: { property: byProperty } } : {}),
    ...(order ? { order: order as FunnelOrder } : {}),
    ...(countBy ? { countBy: countBy as FunnelCountBy } : {}),
    ...(exclusions.length > 0 ? { exclusions } : {}),
    ...(identity ? { identity } : {}),
  };
}

/** `2:level>=5` → step 2, level, >=, "5". */
export function parseWhere(
  filter: string,
  stepCount: number,
): { step: number; property: string; operator: Operator; value: string } {
  const match = /^(\d+):([^<>=!]+)(>=|<=|!=|=|>|<)(.+)$/.exec(filter);
  if (!match)
    throw new CliUsageError(
      `tributary funnel: --where "${filter}" is not <step>:<property><op><value> with op one of = != > >= < <= (e.g. --where '2:level>=5', --where 1:store=app_store,play_store).`,
    );
  const step = Number(match[1]);
  if (step < 1 || step > stepCount)
    throw new CliUsageError(
      `tributary funnel: --where "${filter}" names step ${step}; the funnel has steps 1 to ${stepCount}.`,
    );
  const operator = match[3] as Operator;
  const value = match[4] as string;
  if (operator === '!=' && value.includes(','))
    throw new CliUsageError(
      `tributary funnel: --where "${filter}": != takes one value; repeat --where for another step, or use = with the values to keep.`,
    );
  return { step, property: (match[2] as string).trim(), operator, value };
}

/** `ad_watched:2:3` (steps from 1) → `{ event: 'ad_watched', between: [1, 2] }`. */
export function parseExclude(exclude: string, events: readonly string[]): FunnelExclusion {
  const match = /^([^:]+):(\d+):(\d+)$/.exec(exclude);
  const [i, j] = match ? [Number(match[2]), Number(match[3])] : [0, 0];
  if (!match || i < 1 || i >= j || j > events.length)
    throw new CliUsageError(
      `tributary funnel: --exclude "${exclude}" is not <event>:<i>:<j> with step numbers 1 <= i < j <= ${events.length} (the event may not happen after step i and before step j), e.g. --exclude ad_watched:1:${events.length}.`,
    );
  const event = (match[1] as string).trim();
  const clash = events.slice(i - 1, j).indexOf(event);
  if (clash !== -1)
    throw new CliUsageError(
      `tributary funnel: --exclude "${exclude}": "${event}" is step ${i + clash} of the funnel; exclude an event that is not one of steps ${i} to ${j}.`,
    );
  return { event, between: [i - 1, j - 1] };
}

function propertyKind(catalog: FunnelCatalog, event: string, property: string): string | undefined {
  return (catalog.events.get(event) ?? [])
    .map((table) => table.properties.get(property)?.kind)
    .find((kind) => kind !== undefined);
}

/** The value as the property's type; an unknown property keeps the text (the spec check names the properties). */
function typed(value: string, kind: string | undefined, filter: string, property: string): Scalar {
  if (kind === 'number') {
    const number = Number(value);
    if (value.trim() === '' || !Number.isFinite(number))
      throw new CliUsageError(
        `tributary funnel: --where "${filter}": "${property}" is a number; "${value}" is not one.`,
      );
    return number;
  }
  if (kind === 'boolean') {
    if (value !== 'true' && value !== 'false')
      throw new CliUsageError(
        `tributary funnel: --where "${filter}": "${property}" is a boolean; write true or false (got "${value}").`,
      );
    return value === 'true';
  }
  return value;
}

function oneOf<T extends string>(
  option: string,
  value: string | undefined,
  allowed: readonly T[],
): T | undefined {
  if (value !== undefined && !(allowed as readonly string[]).includes(value))
    throw new CliUsageError(
      `tributary funnel: --${option} must be ${allowed.slice(0, -1).join(', ')} or ${allowed.at(-1)} (got "${value}").`,
    );
  return value as T | undefined;
}
