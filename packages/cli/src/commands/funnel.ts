import { TributaryError, toPlanDocument } from '@tributary/schema';
import {
  compileFunnel,
  funnelCanPrune,
  type FunnelCatalog,
  type FunnelSpec,
  formatSql,
  funnelCatalogOf,
  MAX_FUNNEL_STEPS,
  MIN_FUNNEL_STEPS,
  resolveFunnelSpec,
} from '@tributary/sql';
import { runFunnel } from '@tributary/warehouse';
import { type Command, EXIT } from '../command.js';
import { withWarehouse } from '../database.js';
import { CliUsageError } from '../errors.js';
import { loadPlanModule } from '../load-plan.js';
import { type OptionSpec, parseArgs } from '../parse-args.js';
import { funnelSpecOf } from './funnel-args.js';
import { FUNNEL_FORMATS, type FunnelFormat, renderFunnel } from './funnel-output.js';

const OPTIONS: Readonly<Record<string, OptionSpec>> = {
  steps: { type: 'string' },
  window: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  tz: { type: 'string' },
  by: { type: 'string' },
  'by-property': { type: 'string' },
  order: { type: 'string' },
  'count-by': { type: 'string' },
  exclude: { type: 'string', multiple: true },
  where: { type: 'string', multiple: true },
  identity: { type: 'string' },
  format: { type: 'string' },
  sql: { type: 'boolean' },
  plan: { type: 'string' },
  'database-url': { type: 'string' },
};

export const funnelCommand: Command = {
  name: 'funnel',
  summary: 'ordered conversion through plan events: counts, conversion, drop-off, time to convert',
  help: `Usage: tributary funnel --steps <e1,e2,…> --window <n><m|h|d|w> --from <YYYY-MM-DD> --to <YYYY-MM-DD> [options]

Counts the persons (or sessions) whose step 1 event happened on a local day from..to and who then
did each next step within the window of step 1: per step the count, conversion from the first and
the previous step, drop-off, and the median and 90th percentile of the time from the previous step.
${MIN_FUNNEL_STEPS} to ${MAX_FUNNEL_STEPS} steps, each an event of the plan; a window from 1m to 365d.
Definitions: packages/sql/src/metrics/README.md, "Funnels".

Options:
  --tz <zone>                  reporting time zone of from/to, one of the plan's etl.reportingTimeZones (default: the first)
  --by <dimension>             break down by a dimension of roles.dimensions, valued at step 1
  --by-property <name>         break down by a property of the first step's event
  --where <step>:<prop><op><v> keep only the step's events whose property matches (repeatable; all must hold).
                               Steps count from 1; op is = != > >= < <= (quote the option: > and < are
                               shell redirections); = with commas keeps any of the values:
                               --where '2:level>=5'  --where 1:store=app_store,play_store
  --exclude <event>:<i>:<j>    an attempt stops at step i when the event happens after step i and before
                               step j (steps from 1; repeatable), e.g. --exclude ad_watched:1:3
  --order ordered|strict|any   ordered (default): other events may come between steps; strict: each step
                               is the very next event; any: the steps in any order
  --count-by persons|sessions  the unit counted (default persons)
  --identity stitch|raw        persons joined across their ids (default when the plan stitches) or user keys
  --format table|json|csv      table (default), the result as JSON (steps per group and the conversion by
                               entry day), or one CSV row per step (and breakdown value)
  --sql                        print the two queries (with their parameters) instead of running them
  --plan <file>                plan module (default: the config's plan)
  --database-url <url>         postgres://… (default: DATABASE_URL, else the embedded database)

Examples:
  tributary funnel --steps app_install,level_up,purchase --window 7d --from 2026-03-01 --to 2026-03-31
  tributary funnel --steps app_install,level_up,purchase --where '2:level>=5' --window 7d --by platform \\
    --from 2026-03-01 --to 2026-03-31 --format csv
  tributary funnel --steps session_start,purchase --window 30m --count-by sessions --exclude ad_watched:1:2 \\
    --from 2026-03-01 --to 2026-03-07 --tz America/New_York
`,
  async run(args, io) {
    const { options, positionals } = parseArgs('funnel', args, OPTIONS);
    if (positionals.length > 0)
      throw new CliUsageError(
        `tributary funnel: unexpected argument "${positionals[0]}"; name the steps with --steps, e.g. --steps app_install,purchase.`,
      );
    const format = (options.format ?? 'table') as FunnelFormat;
    if (!FUNNEL_FORMATS.includes(format))
      throw new CliUsageError(`tributary funnel: --format must be table, json or csv (got "${format}").`);
    const document = toPlanDocument(await loadPlanModule(options.plan as string | undefined, io));
    const catalog = funnelCatalogOf(document);
    const spec = checked(() => {
      const spec = funnelSpecOf(options, catalog);
      resolveFunnelSpec(spec, catalog);
      return spec;
    });
    if (options.sql === true) {
      io.stdout(funnelSql(spec, catalog));
      return EXIT.ok;
    }
    return withWarehouse('funnel', options['database-url'] as string | undefined, io, async (db) => {
      io.stdout(renderFunnel(await runFunnel(db, spec, { catalog }), format));
      return EXIT.ok;
    });
  },
};

/** A spec the plan does not accept is wrong usage: FunnelError's message names the value and what is accepted. */
function checked<T>(build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (TributaryError.isInstance(error) && error.name === 'FunnelError')
      throw new CliUsageError(`tributary funnel: ${error.message}`);
    throw error;
  }
}

/** The statement, formatted, with its plan and its parameters. */
function funnelSql(spec: FunnelSpec, catalog: FunnelCatalog): string {
  const compiled = compileFunnel(spec, catalog);
  const parameters = compiled.parameters.map((value, i) => `-- $${i + 1} = ${JSON.stringify(value)}\n`);
  const pruning = funnelCanPrune(compiled.spec, compiled.plan)
    ? "-- when run: rows outside each unit's entries plus the window are dropped before the sort if the tables' row estimates put step 1's under a quarter of the pruned ones'\n"
    : '';
  return `-- ${compiled.plan} plan: the steps and the series by entry day (column part)\n${pruning}${formatSql(compiled.sql)};\n${parameters.join('')}`;
}
