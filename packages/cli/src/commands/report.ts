import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { toPlanDocument } from '@tributary/schema';
import { metricCatalogOf } from '@tributary/sql';
import { collectReportData, renderReportHtml } from '@tributary/warehouse';
import { openWarehouse } from '../database.js';
import { type Command, EXIT } from '../command.js';
import { resolveDatabaseTarget } from '../config.js';
import { CliUsageError } from '../errors.js';
import { loadPlanModule } from '../load-plan.js';
import { parseArgs } from '../parse-args.js';

const DAY = 86_400_000;

export const reportCommand: Command = {
  name: 'report',
  summary: 'write a self-contained HTML page with DAU/WAU/MAU, stickiness, revenue, ARPDAU and retention',
  help: `Usage: tributary report --out <file.html> [--from <YYYY-MM-DD>] [--to <YYYY-MM-DD>] [--tz <zone>]

Writes one HTML file that opens offline (the uPlot chart library, styles and data are inlined):
DAU/WAU/MAU lines, stickiness, revenue and ARPDAU charts, and a retention heat map (daily
install cohorts, D0..D14; --weekly for weekly cohorts W0..W8). Blank cells are not complete yet.
With report.funnels and report.experiments in tributary.config.ts, the page also charts those
funnels (step 1 on the report's days) and reads out those experiments (exposures on those days).

Options:
  --out <file>            where to write the page (default: report.html)
  --from / --to <day>     local days, inclusive (default: the 30 days ending yesterday)
  --tz <zone>             reporting time zone (default: the plan's first)
  --weekly                weekly retention cohorts
  --title <text>          page title
  --plan <file>           plan module for zones and dimensions (default: the config's plan, else the cooked tables)
  --database-url <url>    postgres://… (default: DATABASE_URL, else the embedded database)

Examples:
  tributary report --out report.html
  tributary report --out march.html --from 2026-03-01 --to 2026-03-31 --tz Europe/Berlin
`,
  async run(args, io) {
    const { options, positionals } = parseArgs('report', args, {
      out: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      tz: { type: 'string' },
      weekly: { type: 'boolean' },
      title: { type: 'string' },
      plan: { type: 'string' },
      'database-url': { type: 'string' },
    });
    if (positionals.length > 0)
      throw new CliUsageError(
        `tributary report: unexpected argument "${positionals[0]}". See tributary report --help.`,
      );
    const yesterday = new Date(Date.now() - DAY).toISOString().slice(0, 10);
    const to = (options.to as string | undefined) ?? yesterday;
    if (!isDay(to))
      throw new CliUsageError(
        `tributary report: --to must be a day YYYY-MM-DD (got "${to}"), e.g. --to 2026-03-31.`,
      );
    const from =
      (options.from as string | undefined) ??
      new Date(Date.parse(`${to}T00:00:00Z`) - 29 * DAY).toISOString().slice(0, 10);
    if (!isDay(from))
      throw new CliUsageError(
        `tributary report: --from must be a day YYYY-MM-DD (got "${from}"), e.g. --from 2026-03-01.`,
      );
    const planFile = (options.plan as string | undefined) ?? io.config?.planPath;
    const document = planFile ? toPlanDocument(await loadPlanModule(planFile, io)) : undefined;
    const catalog = document ? metricCatalogOf(document) : undefined;
    // Keys were checked against `experiments` when the config loaded; the report keeps their order.
    const configured = io.config?.config;
    const funnels = configured?.report?.funnels ?? [];
    const experiments = (configured?.report?.experiments ?? []).flatMap((key) =>
      (configured?.experiments ?? []).filter((e) => e.key === key),
    );
    const out = resolve(io.cwd, (options.out as string | undefined) ?? 'report.html');
    const target = resolveDatabaseTarget(
      options['database-url'] as string | undefined,
      io.env,
      io.cwd,
      io.config,
    );
    const db = await openWarehouse('report', target, io);
    if (!db) return EXIT.failure;
    try {
      const data = await collectReportData(db, {
        from,
        to,
        ...(options.tz ? { timeZone: options.tz as string } : {}),
        ...(options.title ? { title: options.title as string } : {}),
        ...(catalog ? { catalog } : {}),
        ...(document ? { document } : {}),
        ...(funnels.length > 0 ? { funnels } : {}),
        ...(experiments.length > 0 ? { experiments } : {}),
        retention: { granularity: options.weekly ? 'week' : 'day' },
      });
      writeFileSync(out, renderReportHtml(data));
      io.stdout(`Wrote ${out} (${data.from}..${data.to}, ${data.timeZone}).\n`);
      return EXIT.ok;
    } finally {
      await db.close();
    }
  },
};

function isDay(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`));
}
