import { TributaryError, toPlanDocument } from '@tributary/schema';
import {
  type CompiledExperiment,
  compileExperiment,
  type ExperimentDefinition,
  type ExperimentWindow,
  formatSql,
  funnelCatalogOf,
} from '@tributary/sql';
import { runExperiment } from '@tributary/warehouse';
import { type Command, type CommandIo, EXIT } from '../command.js';
import { withWarehouse } from '../database.js';
import { CliUsageError } from '../errors.js';
import { loadPlanModule } from '../load-plan.js';
import { type OptionSpec, parseArgs } from '../parse-args.js';
import { renderExperiment } from './experiment-output.js';

const FORMATS = ['table', 'json'] as const;
type Format = (typeof FORMATS)[number];
const IDENTITIES = ['stitch', 'raw'] as const;
const DAY_MS = 86_400_000;
/** Days in the default range, which ends yesterday. */
const DEFAULT_DAYS = 30;

const OPTIONS: Readonly<Record<string, OptionSpec>> = {
  from: { type: 'string' },
  to: { type: 'string' },
  tz: { type: 'string' },
  identity: { type: 'string' },
  alpha: { type: 'string' },
  format: { type: 'string' },
  sql: { type: 'boolean' },
  plan: { type: 'string' },
  'database-url': { type: 'string' },
};

export const experimentCommand: Command = {
  name: 'experiment',
  summary: 'read out an A/B test of the config: exposures, sample ratio, lift with intervals, CUPED',
  help: `Usage: tributary experiment <key> [--from <YYYY-MM-DD>] [--to <YYYY-MM-DD>] [options]

Reads out an experiment declared in tributary.config.ts (experiments: [defineExperiment({…})]):
the units exposed per variant (first exposure decides; units that saw several variants are
excluded and counted), the sample-ratio mismatch test against the planned split, and per metric
the value per variant and, for each treatment against the control (the first variant), the
difference and relative lift with intervals and p-value, the CUPED-adjusted lift (the same
metric before exposure as covariate) and an always-valid interval that may be checked any day.
Warnings come first. Definitions: packages/sql/src/metrics/README.md, "Experiments".

Options:
  --from / --to <day>      local days of first exposure, inclusive (default: the ${DEFAULT_DAYS} days ending
                           yesterday in the zone); metrics may look past --to by their own span
  --tz <zone>              reporting time zone, one of the plan's etl.reportingTimeZones (default: the first)
  --identity stitch|raw    assign persons joined across their ids (default when the plan stitches) or user keys
  --alpha <a>              two-sided significance level, 0 < a < 1 (default 0.05: 95% intervals)
  --format table|json      table (default) or the readout as JSON
  --sql                    print the queries (with their parameters) instead of running them
  --plan <file>            plan module (default: the config's plan)
  --database-url <url>     postgres://… (default: DATABASE_URL, else the embedded database)

Examples:
  tributary experiment starter-pack-price
  tributary experiment starter-pack-price --from 2026-03-01 --to 2026-03-31 --tz America/New_York
  tributary experiment starter-pack-price --alpha 0.01 --format json
`,
  async run(args, io) {
    const { options, positionals } = parseArgs('experiment', args, OPTIONS);
    const definition = experimentOf(positionals, io);
    const format = (options.format ?? 'table') as Format;
    if (!FORMATS.includes(format))
      throw new CliUsageError(`tributary experiment: --format must be table or json (got "${format}").`);
    const alpha = alphaOf(options.alpha as string | undefined);
    const identity = options.identity as string | undefined;
    if (identity !== undefined && !(IDENTITIES as readonly string[]).includes(identity))
      throw new CliUsageError(`tributary experiment: --identity must be stitch or raw (got "${identity}").`);
    const catalog = funnelCatalogOf(
      toPlanDocument(await loadPlanModule(options.plan as string | undefined, io)),
    );
    const zones = catalog.reportingTimeZones;
    const timeZone = (options.tz as string | undefined) ?? zones[0] ?? 'UTC';
    if (!zones.includes(timeZone))
      throw new CliUsageError(
        `tributary experiment: --tz "${timeZone}" is not a reporting time zone of the plan (${zones.join(', ')}).`,
      );
    const window: ExperimentWindow = {
      ...rangeOf(options.from as string | undefined, options.to as string | undefined, timeZone, io),
      timeZone,
      ...(identity ? { identity: identity as 'stitch' | 'raw' } : {}),
    };
    const compiled = checked(() => compileExperiment(definition, window, catalog));
    if (options.sql === true) {
      io.stdout(experimentSql(compiled));
      return EXIT.ok;
    }
    return withWarehouse('experiment', options['database-url'] as string | undefined, io, async (db) => {
      const readout = await runExperiment(db, definition, window, {
        catalog,
        ...(alpha !== undefined ? { alpha } : {}),
      });
      io.stdout(renderExperiment(readout, format, alpha ?? 0.05));
      return EXIT.ok;
    });
  },
};

/** The configured experiment the positional argument names. */
function experimentOf(positionals: readonly string[], io: CommandIo): ExperimentDefinition {
  const experiments = io.config?.config.experiments ?? [];
  const keys = experiments.map((e) => e.key);
  if (keys.length === 0)
    throw new CliUsageError(
      'tributary experiment: no experiments are configured. Add experiments: [defineExperiment({ key, variants, exposureEvent, metrics })] to tributary.config.ts.',
    );
  const [key, ...extra] = positionals;
  if (key === undefined || extra.length > 0)
    throw new CliUsageError(
      `tributary experiment: name one experiment (got ${positionals.length}). Configured experiments: ${keys.join(', ')}.`,
    );
  const definition = experiments.find((e) => e.key === key);
  if (!definition)
    throw new CliUsageError(
      `tributary experiment: unknown experiment "${key}". Configured experiments: ${keys.join(', ')}.`,
    );
  return definition;
}

function alphaOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const alpha = Number(text);
  if (text.trim() === '' || !(alpha > 0 && alpha < 1))
    throw new CliUsageError(
      `tributary experiment: --alpha must be a number between 0 and 1, e.g. 0.05 for 95% intervals (got "${text}").`,
    );
  return alpha;
}

/** --from/--to, defaulting to the last DEFAULT_DAYS days ending yesterday in the zone. */
function rangeOf(
  from: string | undefined,
  to: string | undefined,
  timeZone: string,
  io: CommandIo,
): { from: string; to: string } {
  for (const [name, value] of [
    ['from', from],
    ['to', to],
  ] as const)
    if (value !== undefined && !isDay(value))
      throw new CliUsageError(
        `tributary experiment: --${name} must be a day YYYY-MM-DD (got "${value}"), e.g. --${name} 2026-03-01.`,
      );
  const end = to ?? addDays(localDay((io.now ?? Date.now)(), timeZone), -1);
  return { from: from ?? addDays(end, 1 - DEFAULT_DAYS), to: end };
}

function isDay(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`));
}

function localDay(ms: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(ms);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** A definition or window the plan does not accept is wrong usage; the error's message names the problem. */
function checked<T>(build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (
      TributaryError.isInstance(error) &&
      (error.name === 'ExperimentError' || error.name === 'FunnelError')
    )
      throw new CliUsageError(`tributary experiment: ${error.message}`);
    throw error;
  }
}

function experimentSql(compiled: CompiledExperiment): string {
  const query = (title: string, q: { sql: string; parameters: readonly unknown[] }) =>
    `-- ${title}\n${formatSql(q.sql)};\n${q.parameters.map((value, i) => `-- $${i + 1} = ${JSON.stringify(value)}\n`).join('')}`;
  return [
    query('assignment', compiled.assignment),
    ...compiled.metrics.map((m) => query(`metric: ${m.metric.name}`, m)),
  ].join('\n');
}
