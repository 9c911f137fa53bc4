import type { SqlRunner } from '../warehouse.js';

/** The bookkeeping table. */
export const MIGRATIONS_TABLE = 'tributary.migrations';

/**
 * The advisory lock key every runner takes (transaction-scoped) before reading or writing the
 * bookkeeping table, so concurrent runners apply each migration exactly once.
 */
export const MIGRATION_LOCK_KEY = '7305846295011839001';

/** A row of `tributary.migrations`. */
export interface AppliedMigrationRecord {
  readonly name: string;
  readonly checksum: string;
  readonly appliedAt: Date;
  readonly durationMs: number;
}

/** Waits for the migration lock; released when the surrounding transaction ends. */
export async function lockMigrations(tx: SqlRunner): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
}

/** Creates the bookkeeping schema and table if missing (call under the migration lock). */
export async function ensureBookkeeping(tx: SqlRunner): Promise<void> {
  await tx.exec(`CREATE SCHEMA IF NOT EXISTS tributary;
CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (
  name text PRIMARY KEY,
  checksum text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now(),
  duration_ms integer NOT NULL
);`);
}

/** Applied migrations in name order; none when the table does not exist yet (nothing is created). */
export async function readAppliedMigrations(runner: SqlRunner): Promise<AppliedMigrationRecord[]> {
  const [exists] = await runner.query<{ table: string | null }>('SELECT to_regclass($1)::text AS table', [
    MIGRATIONS_TABLE,
  ]);
  if (!exists?.table) return [];
  const rows = await runner.query<{ name: string; checksum: string; applied_at: Date; duration_ms: number }>(
    `SELECT name, checksum, applied_at, duration_ms FROM ${MIGRATIONS_TABLE} ORDER BY name`,
  );
  return rows.map((row) => ({
    name: row.name,
    checksum: row.checksum,
    appliedAt: row.applied_at,
    durationMs: row.duration_ms,
  }));
}

/** Records one applied migration (inside that migration's transaction). */
export async function recordAppliedMigration(
  tx: SqlRunner,
  name: string,
  checksum: string,
  durationMs: number,
): Promise<void> {
  await tx.query(`INSERT INTO ${MIGRATIONS_TABLE} (name, checksum, duration_ms) VALUES ($1, $2, $3)`, [
    name,
    checksum,
    Math.round(durationMs),
  ]);
}
