import { relative } from 'node:path';
import {
  formatMigrationFailure,
  type MigrateResult,
  migrate,
  migrationStatus,
  type Warehouse,
} from '@tributary/warehouse';
import { openWarehouse } from '../database.js';
import { type Command, type CommandIo, EXIT } from '../command.js';
import {
  configuredDir,
  DEFAULT_MIGRATIONS_DIR,
  type DatabaseTarget,
  resolveDatabaseTarget,
} from '../config.js';
import { CliUsageError } from '../errors.js';
import { parseArgs } from '../parse-args.js';

const ACTIONS = ['up', 'status'] as const;
type Action = (typeof ACTIONS)[number];

export const migrateCommand: Command = {
  name: 'migrate',
  summary: 'apply pending warehouse migrations, or show their status',
  help: `Usage: tributary migrate [up|status] [--dir <dir>] [--database-url <url>] [--dry-run] [--target <name>]

  up      (default) apply pending migrations in name order, each in its own transaction;
          stops at the first failing statement (that migration is rolled back entirely)
  status  list applied, pending, changed (edited after being applied) and missing migrations

The database is --database-url, else DATABASE_URL, else the embedded database in
.tributary/data (TRIBUTARY_DATA_DIR moves it). Concurrent runners are safe: each migration is
applied exactly once. Migrations already applied must not be edited or deleted: migrate refuses
to run until the file is restored.

Options:
  --dir <dir>            migrations directory (default: ${DEFAULT_MIGRATIONS_DIR})
  --database-url <url>   postgres://user@host:5432/db (default: DATABASE_URL), or memory://
  --dry-run              print the SQL that would run; change nothing
  --target <name>        stop after this migration (e.g. 0003_add_purchase)

Exit codes: 0 done (or nothing to do), 1 a migration failed, was refused, or status found
changed/missing migrations, 2 wrong usage.

Examples:
  tributary migrate
  tributary migrate status
  DATABASE_URL=postgres://postgres@localhost:5432/analytics tributary migrate --dry-run
  tributary migrate up --dir db/migrations --target 0002_add_level_up
`,
  async run(args, io) {
    const { options, positionals } = parseArgs('migrate', args, {
      dir: { type: 'string' },
      'database-url': { type: 'string' },
      'dry-run': { type: 'boolean' },
      target: { type: 'string' },
    });
    const action = (positionals[0] ?? 'up') as Action;
    if (!ACTIONS.includes(action) || positionals.length > 1) {
      throw new CliUsageError(
        `tributary migrate: unknown action "${positionals.join(' ')}". Use "tributary migrate up" or "tributary migrate status".`,
      );
    }
    if (action === 'status' && (options['dry-run'] || options.target)) {
      throw new CliUsageError('tributary migrate status: --dry-run and --target only apply to "migrate up".');
    }
    const dir = configuredDir(
      options.dir as string | undefined,
      io.config?.config.migrationsDir,
      DEFAULT_MIGRATIONS_DIR,
      io.cwd,
      io.config,
    );
    const target = resolveDatabaseTarget(
      options['database-url'] as string | undefined,
      io.env,
      io.cwd,
      io.config,
    );
    const db = await openWarehouse('migrate', target, io);
    if (!db) return EXIT.failure;
    try {
      if (action === 'status') return await printStatus(db, dir, io);
      return await runUp(
        db,
        dir,
        target,
        options['dry-run'] === true,
        options.target as string | undefined,
        io,
      );
    } finally {
      await db.close();
    }
  },
};

async function runUp(
  db: Warehouse,
  dir: string,
  target: DatabaseTarget,
  dryRun: boolean,
  until: string | undefined,
  io: CommandIo,
): Promise<number> {
  io.stdout(
    `${dryRun ? 'Dry run: migrations' : 'Migrating'} ${target.description} from ${relative(io.cwd, dir) || dir}\n`,
  );
  const result = await migrate({
    db,
    dir,
    dryRun,
    ...(until !== undefined ? { target: until } : {}),
    onProgress(event) {
      if (event.kind === 'applying')
        io.stdout(`  applying ${event.name} (${event.statements} statements)…\n`);
      else if (event.kind === 'applied')
        io.stdout(`  applied  ${event.name} in ${Math.round(event.durationMs)} ms\n`);
      else io.stdout(`  skipped  ${event.name} (applied meanwhile by another runner)\n`);
    },
  });
  return report(result, dir, io);
}

function report(result: MigrateResult, dir: string, io: CommandIo): number {
  if (result.outcome === 'refused' && result.refused) {
    for (const changed of result.refused.changed)
      io.stderr(`  changed  ${changed.name}: edited after it was applied\n`);
    for (const name of result.refused.missing)
      io.stderr(`  missing  ${name}: applied, but the file is gone from ${dir}\n`);
    io.stderr(
      'tributary migrate: refusing to run: applied migrations no longer match their files. Restore them from version control ' +
        '(e.g. git checkout -- <file>) and put new changes in a new migration (tributary generate).\n',
    );
    return EXIT.failure;
  }
  if (result.outcome === 'failed' && result.failed) {
    io.stderr(`tributary migrate: ${formatMigrationFailure(result.failed)}\n`);
    io.stderr(
      `Nothing from ${result.failed.file} was applied (it ran in one transaction)${result.applied.length > 0 ? `; the ${result.applied.length} migration(s) before it were` : ''}. ` +
        'Fix the statement or the data it trips on, then run tributary migrate again.\n',
    );
    return EXIT.failure;
  }
  if (result.dryRun) {
    for (const planned of result.planned) io.stdout(`\n-- ${planned.name}\n${planned.sql.trimEnd()}\n`);
    io.stdout(
      `\n${result.planned.length} migration(s) would be applied; ${result.skipped.length} already applied.\n`,
    );
    return EXIT.ok;
  }
  io.stdout(
    result.applied.length === 0
      ? `Up to date: ${result.skipped.length} migration(s) already applied.\n`
      : `Applied ${result.applied.length} migration(s); ${result.skipped.length} already applied.\n`,
  );
  return EXIT.ok;
}

async function printStatus(db: Warehouse, dir: string, io: CommandIo): Promise<number> {
  const status = await migrationStatus({ db, dir });
  const lines = [
    ...status.applied.map((m) => `applied  ${m.name}  ${m.appliedAt.toISOString()}  ${m.durationMs} ms`),
    ...status.changed.map((m) => `changed  ${m.name}  (edited after it was applied)`),
    ...status.missing.map((m) => `missing  ${m.name}  (applied ${m.appliedAt.toISOString()}; file gone)`),
    ...status.pending.map((m) => `pending  ${m.name}`),
  ];
  io.stdout(lines.length > 0 ? `${lines.join('\n')}\n` : `No migrations in ${dir}.\n`);
  io.stdout(
    `${status.applied.length} applied, ${status.pending.length} pending, ${status.changed.length} changed, ${status.missing.length} missing.\n`,
  );
  if (status.changed.length > 0 || status.missing.length > 0) {
    io.stderr(
      'tributary migrate status: applied migrations were edited or deleted; restore them from version control before migrating.\n',
    );
    return EXIT.failure;
  }
  return EXIT.ok;
}
