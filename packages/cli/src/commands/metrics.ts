import { type PlanDocument, toPlanDocument } from '@tributary/schema';
import {
  isMetricName,
  METRIC_NAMES,
  type MetricCatalog,
  type MetricFilter,
  type MetricName,
  type MetricSpec,
  metricCatalogOf,
} from '@tributary/sql';
import { explainMetric, runMetric } from '@tributary/warehouse';
import { withWarehouse } from '../database.js';
import { type Command, type CommandIo, EXIT } from '../command.js';
import { CliUsageError } from '../errors.js';
import { loadPlanModule } from '../load-plan.js';
import { type OptionSpec, parseArgs } from '../parse-args.js';

const FORMATS = ['table', 'json', 'csv'] as const;
type Format = (typeof FORMATS)[number];
const IDENTITIES = ['stitch', 'raw'] as const;
type Identity = (typeof IDENTITIES)[number];

const OPTIONS: Readonly<Record<string, OptionSpec>> = {
  from: { type: 'string' },
  to: { type: 'string' },
  tz: { type: 'string' },
  by: { type: 'string' },
  format: { type: 'string' },
  sql: { type: 'boolean' },
  'database-url': { type: 'string' },
  plan: { type: 'string' },
  filter: { type: 'string', multiple: true },
  'exclude-user': { type: 'string', multiple: true },
  days: { type: 'string' },
  'max-offset': { type: 'string' },
  granularity: { type: 'string' },
  mode: { type: 'string' },
  period: { type: 'string' },
  'last-complete-day': { type: 'string' },
  identity: { type: 'string' },
};

export const metricsCommand: Command = {
  name: 'metrics',
  summary: 'compute DAU/MAU, retention, churn, revenue… from the cooked tables',
  help: `Usage: tributary metrics <names…> --from <YYYY-MM-DD> --to <YYYY-MM-DD> [options]

Metrics: ${METRIC_NAMES.join(', ')}
Each daily metric has one row per local day of the range (zero days included); cohort metrics
one row per install cohort (and offset). Definitions: packages/sql/src/metrics/README.md.

Options:
  --tz <zone>                 reporting time zone, one of the plan's etl.reportingTimeZones (default: the first)
  --by <dimension>            break down by a dimension of roles.dimensions (platform, country, …)
  --filter <dim>=<v1,v2>      keep activity with one of these values (repeatable; <dim>!=<v> excludes)
  --exclude-user <key>        leave a user key out of every count (repeatable)
  --days <N>                  N of retention (default 1), inactivity_churn (7), cohort_conversion (7)
  --max-offset <K>            retention_triangle offsets 0..K (default 30 days / 8 weeks)
  --granularity day|week      retention_triangle cohorts (default day)
  --mode on|on_or_after       retention: active on day N, or on any day from N (default on)
  --period week|month         period_churn periods (default week)
  --last-complete-day <day>   cells after it are NULL (default: yesterday in the zone, or --to)
  --identity stitch|raw       count persons (anonymous ids joined to the user ids they signed in as;
                              the default when the plan keeps person tables) or each user key on its own
  --format table|json|csv     output (default table); NULL prints as an empty cell
  --sql                       print the SQL (with its parameters) instead of running it
  --plan <file>               plan module for the zones and dimensions (default: the config's plan,
                              else what the cooked tables hold)
  --database-url <url>        postgres://… (default: DATABASE_URL, else the embedded database)

Examples:
  tributary metrics dau mau stickiness --from 2026-03-01 --to 2026-03-31
  tributary metrics retention_triangle --granularity week --from 2026-01-05 --to 2026-03-29 --format csv
  tributary metrics revenue arpdau --by platform --filter country!=XX --from 2026-03-01 --to 2026-03-07 --sql
  tributary metrics dau mau installs --identity raw --from 2026-03-01 --to 2026-03-31
`,
  async run(args, io) {
    const { options, positionals } = parseArgs('metrics', args, OPTIONS);
    if (positionals.length === 0)
      throw new CliUsageError(
        `tributary metrics: name at least one metric (${METRIC_NAMES.join(', ')}). See tributary metrics --help.`,
      );
    for (const name of positionals)
      if (!isMetricName(name))
        throw new CliUsageError(
          `tributary metrics: unknown metric "${name}". Known metrics: ${METRIC_NAMES.join(', ')}.`,
        );
    const format = (options.format ?? 'table') as Format;
    if (!FORMATS.includes(format))
      throw new CliUsageError(`tributary metrics: --format must be table, json or csv (got "${format}").`);
    const specs = (positionals as MetricName[]).map((metric) => specOf(metric, options));
    const catalog = await planCatalog(options.plan as string | undefined, io);
    if (options.sql === true) {
      for (const spec of specs)
        io.stdout(`-- ${spec.metric}\n${explainMetric(spec, catalog ? { catalog } : {}).text}\n`);
      return EXIT.ok;
    }
    return withWarehouse('metrics', options['database-url'] as string | undefined, io, async (db) => {
      const results: { metric: MetricName; columns: readonly string[]; rows: Record<string, unknown>[] }[] =
        [];
      for (const spec of specs) {
        const { query, rows } = await runMetric(db, spec, catalog ? { catalog } : {});
        results.push({
          metric: spec.metric,
          columns: query.columns,
          rows: rows as Record<string, unknown>[],
        });
      }
      io.stdout(render(results, format));
      return EXIT.ok;
    });
  },
};

type Options = Record<string, string | boolean | string[] | undefined>;

/** The spec of one metric from the command-line options. */
export function specOf(metric: MetricName, options: Options): MetricSpec {
  const text = (name: string): string | undefined => options[name] as string | undefined;
  const from = text('from');
  const to = text('to');
  if (!from || !to)
    throw new CliUsageError(
      'tributary metrics: --from and --to are required (local days, YYYY-MM-DD, inclusive).',
    );
  const integer = (name: string): number | undefined => {
    const value = text(name);
    if (value === undefined) return undefined;
    if (!/^\d+$/.test(value))
      throw new CliUsageError(`tributary metrics: --${name} must be a whole number (got "${value}").`);
    return Number(value);
  };
  const days = integer('days');
  const maxOffset = integer('max-offset');
  const identity = text('identity');
  if (identity !== undefined && !IDENTITIES.includes(identity as Identity))
    throw new CliUsageError(
      `tributary metrics: --identity must be ${IDENTITIES.join(' or ')} (got "${identity}").`,
    );
  return {
    metric,
    from,
    to,
    ...(text('tz') ? { timeZone: text('tz') } : {}),
    ...(text('by') ? { breakdown: text('by') } : {}),
    ...(options.filter ? { filters: (options.filter as string[]).map(parseFilter) } : {}),
    ...(options['exclude-user'] ? { excludeUsers: options['exclude-user'] as string[] } : {}),
    ...(days !== undefined ? { days } : {}),
    ...(maxOffset !== undefined ? { maxOffset } : {}),
    ...(text('granularity') ? { granularity: text('granularity') as 'day' | 'week' } : {}),
    ...(text('mode') ? { retentionMode: text('mode') as 'on' | 'on_or_after' } : {}),
    ...(text('period') ? { period: text('period') as 'week' | 'month' } : {}),
    ...(text('last-complete-day') ? { lastCompleteDay: text('last-complete-day') } : {}),
    ...(identity !== undefined ? { identity: identity as Identity } : {}),
  };
}

/** `platform=ios,android` → in; `country!=XX` → not_in. */
export function parseFilter(text: string): MetricFilter {
  const match = /^([^!=]+)(!?=)(.+)$/.exec(text);
  if (!match)
    throw new CliUsageError(
      `tributary metrics: --filter "${text}" is not <dimension>=<v1,v2> or <dimension>!=<v1,v2>.`,
    );
  return {
    dimension: (match[1] as string).trim(),
    op: match[2] === '=' ? 'in' : 'not_in',
    values: (match[3] as string).split(',').map((v) => v.trim()),
  };
}

async function planCatalog(planFlag: string | undefined, io: CommandIo): Promise<MetricCatalog | undefined> {
  let document: PlanDocument | undefined;
  if (planFlag || io.config) document = toPlanDocument(await loadPlanModule(planFlag, io));
  return document ? metricCatalogOf(document) : undefined;
}

const RATIOS = new Set([
  'stickiness',
  'sessions_per_dau',
  'avg_session_length_seconds',
  'retention',
  'churn',
  'revenue',
  'arpdau',
  'arppu',
  'conversion',
]);

function cell(value: unknown, format: Format, fractional: boolean): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' && fractional && format === 'table') return value.toFixed(4);
  const text = String(value);
  return format === 'csv' && /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Renders results: one aligned table (or CSV block) per metric, or one JSON object keyed by metric. */
export function render(
  results: readonly {
    metric: string;
    columns: readonly string[];
    rows: readonly Record<string, unknown>[];
  }[],
  format: Format,
): string {
  if (format === 'json')
    return `${JSON.stringify(Object.fromEntries(results.map((r) => [r.metric, r.rows])), null, 2)}\n`;
  return results
    .map(({ metric, columns, rows }) => {
      // A column with any fraction (a ratio, revenue) prints every value with four decimals in tables.
      const fractional = columns.map(
        (c) => RATIOS.has(c) || rows.some((row) => typeof row[c] === 'number' && !Number.isInteger(row[c])),
      );
      const lines = [
        columns.map((c) => c),
        ...rows.map((row) => columns.map((c, i) => cell(row[c], format, fractional[i] === true))),
      ];
      if (format === 'csv')
        return `${results.length > 1 ? `# ${metric}\n` : ''}${lines.map((l) => l.join(',')).join('\n')}\n`;
      const widths = columns.map((_, i) => Math.max(...lines.map((l) => (l[i] as string).length)));
      const text = lines.map((l) =>
        l
          .map((v, i) => v.padStart(widths[i] as number))
          .join('  ')
          .trimEnd(),
      );
      return `${metric}\n${text.join('\n')}\n`;
    })
    .join('\n');
}
