import { TributaryError, toPlanDocument } from '@tributary/schema';
import { compileEtlSql, type IdentitySummary } from '@tributary/sql';
import { type EtlProgress, type EtlRunResult, runEtl, watchEtl } from '@tributary/warehouse';
import { openWarehouse } from '../database.js';
import { type Command, type CommandIo, EXIT } from '../command.js';
import { resolveDatabaseTarget } from '../config.js';
import { CliUsageError } from '../errors.js';
import { loadPlanModule } from '../load-plan.js';
import { parseArgs } from '../parse-args.js';

export const etlCommand: Command = {
  name: 'etl',
  summary: 'load raw events into the processed and cooked tables (incremental, --full or --watch)',
  help: `Usage: tributary etl [--full] [--watch] [--sql] [--plan <file>] [--database-url <url>] [--chunk-size <n>]

Runs the staging-area ETL: raw.events rows after the watermark are extracted, validated in SQL
(types, required fields, bounds, enums, formats, thresholds, duplicates, spam, bots), loaded into
processed.<event> tables and processed.tracks, and the cooked tables (user_days, users, sessions,
…) are re-cooked for the users and days they touch. Each chunk is one transaction; rejected rows
go to raw.rejected (stage 'etl') with their reasons. Every chunk reconciles
extracted = loaded + rejected + duplicates, or fails and is rolled back. With etl.identity.mode
"stitch" (the default) the identity graph and the person tables are kept too, and each run ends
with the graph's totals (links, conflicts, ids in alias loops, self-aliases, identifies without
a user id).

Options:
  --full                 rebuild: empty processed and cooked, drop the ETL's raw.rejected rows,
                         reset the watermark, then load everything from raw.events
  --watch                stay running: LISTEN for the collector's notifications (and poll every
                         5 s), run incrementally after each; stop with Ctrl-C (SIGINT) or SIGTERM
  --sql                  print the generated SQL of every stage and exit (no database needed)
  --chunk-size <n>       raw rows per chunk and transaction (default: the config's etl.chunkSize, else 100000)
  --plan <file>          plan module (default: the plan of tributary.config.ts)
  --database-url <url>   postgres://… (default: DATABASE_URL, else the embedded database)

Exit codes: 0 done, 1 a chunk failed (rolled back; the message says why), 2 wrong usage.

Examples:
  tributary etl
  tributary etl --full --chunk-size 100000
  tributary etl --watch
  tributary etl --sql > etl.sql
`,
  async run(args, io) {
    const { options, positionals } = parseArgs('etl', args, {
      full: { type: 'boolean' },
      watch: { type: 'boolean' },
      sql: { type: 'boolean' },
      'chunk-size': { type: 'string' },
      plan: { type: 'string' },
      'database-url': { type: 'string' },
    });
    if (positionals.length > 0)
      throw new CliUsageError(
        `tributary etl: unexpected argument "${positionals[0]}". See tributary etl --help.`,
      );
    const chunkSize =
      options['chunk-size'] === undefined ? io.config?.config.etl?.chunkSize : Number(options['chunk-size']);
    if (chunkSize !== undefined && (!Number.isInteger(chunkSize) || chunkSize < 1))
      throw new CliUsageError(
        `tributary etl: --chunk-size must be a positive integer, got "${String(options['chunk-size'])}".`,
      );
    if (options.sql && (options.full || options.watch))
      throw new CliUsageError(
        'tributary etl: --sql only prints the SQL; it cannot be combined with --full or --watch.',
      );
    const document = toPlanDocument(await loadPlanModule(options.plan as string | undefined, io));
    if (options.sql) {
      io.stdout(compileEtlSql(document));
      return EXIT.ok;
    }
    const target = resolveDatabaseTarget(
      options['database-url'] as string | undefined,
      io.env,
      io.cwd,
      io.config,
    );
    const warehouse = await openWarehouse('etl', target, io);
    if (!warehouse) return EXIT.failure;
    const onProgress = progressPrinter(io);
    try {
      if (options.full || !options.watch) {
        const mode = options.full ? 'full' : 'incremental';
        io.stdout(`ETL (${mode}) on ${target.description}\n`);
        const result = await runEtl({
          warehouse,
          document,
          mode,
          ...(chunkSize ? { chunkSize } : {}),
          onProgress,
        });
        io.stdout(summary(result));
      }
      if (options.watch) {
        io.stdout(`Watching ${target.description} for new raw events (Ctrl-C to stop)…\n`);
        const controller = new AbortController();
        const stop = () => controller.abort();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        try {
          await watchEtl({
            warehouse,
            document,
            signal: controller.signal,
            ...(chunkSize ? { chunkSize } : {}),
            onRun: (result) => io.stdout(summary(result)),
            onError: (error) => io.stderr(`tributary etl: ${(error as Error).message}\n`),
          });
        } finally {
          process.removeListener('SIGINT', stop);
          process.removeListener('SIGTERM', stop);
        }
        io.stdout('Stopped watching.\n');
      }
      return EXIT.ok;
    } catch (error) {
      if ((error as { code?: unknown }).code === '42P01') {
        io.stderr(
          `tributary etl: ${(error as Error).message} in ${target.description}. Create the warehouse tables first: tributary generate, then tributary migrate.\n`,
        );
        return EXIT.failure;
      }
      if (!TributaryError.isInstance(error)) throw error;
      io.stderr(`tributary etl: ${error.message}\n`);
      return EXIT.failure;
    } finally {
      await warehouse.close();
    }
  },
};

/** Prints `chunk n/N … rows/s` after each chunk (the ETL of a large backlog takes a while), and the final cook. */
function progressPrinter(io: CommandIo): (progress: EtlProgress) => void {
  return (p) => {
    if (p.cooking === 'all') io.stdout('  cooking every cooked table from the processed tables…\n');
    else if (p.cooking === 'done') io.stdout(`  cooked (${(p.elapsedMs / 1000).toFixed(1)} s so far)\n`);
    else
      io.stdout(
        `  chunk ${p.chunk}/${p.chunks}: seq ≤ ${p.toSeq} of ${p.highSeq}, ${p.extracted} rows, ${p.rowsPerSecond} rows/s\n`,
      );
  };
}

function summary(r: EtlRunResult): string {
  const reasons = Object.entries(r.rejectedByReason)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([rule, n]) => `${rule} ${n}`)
    .join(', ');
  return (
    `${r.extracted} extracted = ${r.loaded} loaded + ${r.rejected} rejected + ${r.duplicates} duplicates` +
    ` (seq ${r.fromSeq}→${r.toSeq}, ${r.chunks} chunk(s), ${Math.round(r.durationMs)} ms)` +
    `${reasons ? `\n  rejected by rule: ${reasons}` : ''}\n` +
    (r.identity ? identityLine(r.identity) : '')
  );
}

/** The identity graph's totals after the run (plan `etl.identity.mode` = `stitch`). */
function identityLine(i: IdentitySummary): string {
  return (
    `  identity: ${i.links} links, ${i.conflicts} conflicts (kept apart), ${i.loopedIds} ids in alias loops,` +
    ` ${i.selfAliases} self-aliases, ${i.identifiesWithoutUserId} identifies without a user id\n`
  );
}
