import { performance } from 'node:perf_hooks';
import { WarehouseError } from '../errors.js';
import type { Warehouse } from '../warehouse.js';
import {
  ensureBookkeeping,
  lockMigrations,
  readAppliedMigrations,
  recordAppliedMigration,
} from './bookkeeping.js';
import { type MigrationFile, readMigrationFiles } from './migration-files.js';
import { type ChangedMigration, compareMigrations } from './migration-status.js';
import { splitStatements } from './split-statements.js';

/** Options of `migrate`. */
export interface MigrateOptions {
  readonly db: Warehouse;
  /** The directory of `NNNN_<slug>.sql` files. */
  readonly dir: string;
  /** Only report what would run (with its SQL); the database is not changed. */
  readonly dryRun?: boolean;
  /** Stop after this migration (file name, with or without `.sql`). */
  readonly target?: string;
  /** Progress, for the CLI. */
  readonly onProgress?: (event: MigrationProgress) => void;
  /** Clock for durations in ms (tests inject one). */
  readonly now?: () => number;
}

/** Progress events in the order they happen. */
export type MigrationProgress =
  | { readonly kind: 'applying'; readonly name: string; readonly statements: number }
  | { readonly kind: 'applied'; readonly name: string; readonly durationMs: number }
  | { readonly kind: 'skipped'; readonly name: string };

/** A migration applied by this run. */
export interface AppliedMigration {
  readonly name: string;
  readonly durationMs: number;
}

/** What a dry run would apply. */
export interface PlannedMigration {
  readonly name: string;
  readonly sql: string;
  readonly statements: readonly string[];
}

/** The statement that failed; its migration was rolled back entirely. */
export interface MigrationFailure {
  readonly file: string;
  /** 0-based index of the statement in the file (comment-only chunks are not counted). */
  readonly statementIndex: number;
  /** 1-based line where the statement starts. */
  readonly line: number;
  readonly statement: string;
  readonly error: { readonly message: string; readonly code?: string };
}

/** Why nothing ran: the applied history no longer matches the files. */
export interface MigrationRefusal {
  readonly changed: readonly ChangedMigration[];
  readonly missing: readonly string[];
}

/** The outcome of `migrate`; expected problems are data here, not exceptions. */
export interface MigrateResult {
  readonly outcome: 'ok' | 'failed' | 'refused';
  readonly dryRun: boolean;
  /** Applied by this run, in order. */
  readonly applied: readonly AppliedMigration[];
  /** Already applied (before this run, or by a concurrent runner while this one waited). */
  readonly skipped: readonly string[];
  /** Dry run only: what would be applied. */
  readonly planned: readonly PlannedMigration[];
  readonly failed?: MigrationFailure;
  readonly refused?: MigrationRefusal;
}

/**
 * Applies pending migrations of `dir` in name order, each in its own transaction under a
 * transaction-scoped advisory lock (so concurrent runners apply each one exactly once).
 * Stops at the first failing statement; that migration leaves no trace.
 * Refuses to run when an applied migration's file was edited or deleted.
 */
export async function migrate(options: MigrateOptions): Promise<MigrateResult> {
  const { db, dir, dryRun = false, onProgress = () => {}, now = () => performance.now() } = options;
  const files = readMigrationFiles(dir);
  const status = compareMigrations(files, await readAppliedMigrations(db));
  const skipped = status.applied.map((record) => record.name);
  const base = { dryRun, applied: [], skipped, planned: [] };
  if (status.changed.length > 0 || status.missing.length > 0) {
    return {
      ...base,
      outcome: 'refused',
      refused: { changed: status.changed, missing: status.missing.map((record) => record.name) },
    };
  }
  const pending = upToTarget(status.pending, files, options.target);
  if (dryRun) {
    const planned = pending.map((file) => ({
      name: file.name,
      sql: file.sql,
      statements: splitStatements(file.sql).map((s) => s.text),
    }));
    return { ...base, outcome: 'ok', planned };
  }
  await db.transaction(async (tx) => {
    await lockMigrations(tx);
    await ensureBookkeeping(tx);
  });
  const applied: AppliedMigration[] = [];
  const skippedNow = [...skipped];
  for (const file of pending) {
    const outcome = await applyOne(db, file, onProgress, now);
    if (outcome.kind === 'failed')
      return { ...base, outcome: 'failed', applied, skipped: skippedNow, failed: outcome.failure };
    if (outcome.kind === 'changed') {
      return {
        ...base,
        outcome: 'refused',
        applied,
        skipped: skippedNow,
        refused: { changed: [outcome.changed], missing: [] },
      };
    }
    if (outcome.kind === 'skipped') {
      skippedNow.push(file.name);
      onProgress({ kind: 'skipped', name: file.name });
    } else {
      applied.push({ name: file.name, durationMs: outcome.durationMs });
      onProgress({ kind: 'applied', name: file.name, durationMs: outcome.durationMs });
    }
  }
  return { ...base, outcome: 'ok', applied, skipped: skippedNow };
}

type ApplyOutcome =
  | { readonly kind: 'applied'; readonly durationMs: number }
  | { readonly kind: 'skipped' }
  | { readonly kind: 'changed'; readonly changed: ChangedMigration }
  | { readonly kind: 'failed'; readonly failure: MigrationFailure };

class StatementFailed extends Error {
  constructor(readonly failure: MigrationFailure) {
    super(failure.error.message);
  }
}

async function applyOne(
  db: Warehouse,
  file: MigrationFile,
  onProgress: (event: MigrationProgress) => void,
  now: () => number,
): Promise<ApplyOutcome> {
  const statements = splitStatements(file.sql);
  const control = statements.findIndex((statement) => isTransactionControl(statement.text));
  const controlStatement = statements[control];
  if (controlStatement) {
    const message =
      'transaction control is not allowed in a migration: each migration already runs in its own transaction. Remove this statement.';
    return {
      kind: 'failed',
      failure: {
        file: file.name,
        statementIndex: control,
        line: controlStatement.line,
        statement: controlStatement.text,
        error: { message },
      },
    };
  }
  try {
    return await db.transaction<ApplyOutcome>(async (tx) => {
      await lockMigrations(tx);
      // Another runner may have applied it while this one waited for the lock.
      const [existing] = await tx.query<{ checksum: string }>(
        'SELECT checksum FROM tributary.migrations WHERE name = $1',
        [file.name],
      );
      if (existing) {
        return existing.checksum === file.checksum
          ? { kind: 'skipped' }
          : {
              kind: 'changed',
              changed: { name: file.name, appliedChecksum: existing.checksum, fileChecksum: file.checksum },
            };
      }
      onProgress({ kind: 'applying', name: file.name, statements: statements.length });
      const started = now();
      for (const [statementIndex, statement] of statements.entries()) {
        try {
          await tx.exec(statement.text);
        } catch (error) {
          throw new StatementFailed({
            file: file.name,
            statementIndex,
            line: statement.line,
            statement: statement.text,
            error: describeError(error),
          });
        }
      }
      const durationMs = now() - started;
      await recordAppliedMigration(tx, file.name, file.checksum, durationMs);
      return { kind: 'applied', durationMs };
    });
  } catch (error) {
    if (error instanceof StatementFailed) return { kind: 'failed', failure: error.failure };
    throw error;
  }
}

const LEADING_COMMENTS = /^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*/;
const TRANSACTION_CONTROL =
  /^(?:begin|commit|rollback|abort|end|start\s+transaction|savepoint|release|prepare\s+transaction)\b/i;

function isTransactionControl(statement: string): boolean {
  return TRANSACTION_CONTROL.test(statement.replace(LEADING_COMMENTS, ''));
}

function upToTarget(
  pending: readonly MigrationFile[],
  files: readonly MigrationFile[],
  target: string | undefined,
): readonly MigrationFile[] {
  if (target === undefined) return pending;
  const name = target.endsWith('.sql') ? target : `${target}.sql`;
  if (!files.some((file) => file.name === name)) {
    throw new WarehouseError(
      'unknown_migration_target',
      `No migration named ${name}. Known: ${files.map((file) => file.name).join(', ') || 'none'}.`,
      { target },
    );
  }
  return pending.filter((file) => file.name <= name);
}

function describeError(error: unknown): MigrationFailure['error'] {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? { message: error.message, code } : { message: error.message };
  }
  return { message: String(error) };
}

/** A one-line, human description of a failure: file, statement number, line, error and the statement. */
export function formatMigrationFailure(failure: MigrationFailure): string {
  const code = failure.error.code ? ` [SQLSTATE ${failure.error.code}]` : '';
  return `${failure.file}: statement ${failure.statementIndex + 1} (line ${failure.line}) failed: ${failure.error.message}${code}\n${failure.statement}`;
}
