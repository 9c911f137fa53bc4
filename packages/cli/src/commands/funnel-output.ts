import type { FunnelResult, ResolvedFunnelSpec } from '@tributary/sql';
import { alignTable, csvCell, formatDuration, formatPercent } from './human-format.js';

/** The output formats of `tributary funnel`. */
export const FUNNEL_FORMATS = ['table', 'json', 'csv'] as const;
export type FunnelFormat = (typeof FUNNEL_FORMATS)[number];

type Result = Pick<FunnelResult, 'spec' | 'groups' | 'series'>;

const CSV_COLUMNS = [
  'step',
  'event',
  'count',
  'conversion_from_first',
  'conversion_from_previous',
  'drop_off',
  'median_seconds_from_previous',
  'p90_seconds_from_previous',
] as const;

/** Renders a funnel: a table for people, the result as JSON, or one CSV row per step (and breakdown value). */
export function renderFunnel(result: Result, format: FunnelFormat): string {
  if (format === 'json') return `${JSON.stringify(funnelJson(result), null, 2)}\n`;
  const broken = result.spec.breakdown !== undefined;
  if (format === 'csv') {
    const header = [...(broken ? ['breakdown'] : []), ...CSV_COLUMNS];
    const rows = result.groups.flatMap((group) =>
      group.steps.map((s) => [
        ...(broken ? [group.breakdown] : []),
        s.step,
        s.event,
        s.count,
        s.conversionFromFirst,
        s.conversionFromPrevious,
        s.dropOff,
        s.medianSecondsFromPrevious,
        s.p90SecondsFromPrevious,
      ]),
    );
    return [header, ...rows].map((row) => `${row.map(csvCell).join(',')}\n`).join('');
  }
  const spec = result.spec;
  const label = spec.steps.map((s) => s.event).join(' → ');
  const title = `${label}: within ${spec.window} of step 1, ${spec.order} order, ${spec.countBy} (${spec.identity === 'stitch' ? 'stitched' : 'raw user keys'}), step 1 on ${spec.from}..${spec.to} ${spec.timeZone}`;
  const header = [
    ...(broken ? [breakdownName(spec)] : []),
    'step',
    'event',
    'count',
    'from first',
    'from previous',
    'drop-off',
    'median time',
    'p90 time',
  ];
  const rows = result.groups.flatMap((group) =>
    group.steps.map((s) => [
      ...(broken ? [group.breakdown ?? ''] : []),
      String(s.step),
      stepLabel(spec, s.step - 1),
      String(s.count),
      formatPercent(s.conversionFromFirst),
      formatPercent(s.conversionFromPrevious),
      s.step === 1 ? '' : String(s.dropOff),
      formatDuration(s.medianSecondsFromPrevious),
      formatDuration(s.p90SecondsFromPrevious),
    ]),
  );
  const eventColumn = broken ? 2 : 1;
  return `${title}\n${alignTable([header, ...rows], broken ? [0, eventColumn] : [eventColumn]).join('\n')}\n`;
}

/** What `--format json` prints: the funnel as resolved (defaults filled in), its steps per group and the series. */
function funnelJson(result: Result) {
  const { spec } = result;
  return {
    funnel: {
      steps: spec.steps.map((s) => ({
        event: s.event,
        ...(s.conditions.length > 0
          ? { where: s.conditions.map((c) => ({ property: c.property, op: c.op, value: c.value })) }
          : {}),
      })),
      window: spec.window,
      from: spec.from,
      to: spec.to,
      timeZone: spec.timeZone,
      order: spec.order,
      countBy: spec.countBy,
      identity: spec.identity,
      breakdown: spec.breakdown ? breakdownName(spec) : null,
      exclusions: spec.exclusions,
    },
    groups: result.groups,
    series: result.series,
  };
}

function breakdownName(spec: ResolvedFunnelSpec): string {
  if (spec.breakdown === undefined) return '';
  return spec.breakdown.kind === 'dimension' ? spec.breakdown.name : spec.breakdown.property;
}

const SYMBOLS = { eq: '=', ne: '!=', in: '=', gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;

/** `level_up [level>=5]`: the event with its conditions as `--where` writes them. */
function stepLabel(spec: ResolvedFunnelSpec, index: number): string {
  const step = spec.steps[index];
  if (!step) return '';
  if (step.conditions.length === 0) return step.event;
  const conditions = step.conditions.map(
    (c) => `${c.property}${SYMBOLS[c.op]}${Array.isArray(c.value) ? c.value.join(',') : String(c.value)}`,
  );
  return `${step.event} [${conditions.join(' ')}]`;
}
