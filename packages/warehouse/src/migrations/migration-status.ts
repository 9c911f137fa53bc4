import type { Warehouse } from '../warehouse.js';
import { type AppliedMigrationRecord, readAppliedMigrations } from './bookkeeping.js';
import { type MigrationFile, readMigrationFiles } from './migration-files.js';

/** An applied migration whose file no longer has the checksum it was applied with. */
export interface ChangedMigration {
  readonly name: string;
  readonly appliedChecksum: string;
  readonly fileChecksum: string;
}

/** Where every migration stands. A database is consistent when `changed` and `missing` are empty. */
export interface MigrationStatus {
  /** Applied, and the file is unchanged. */
  readonly applied: readonly AppliedMigrationRecord[];
  /** Files not applied yet, in the order they would apply. */
  readonly pending: readonly MigrationFile[];
  /** Applied, but the file was edited since. */
  readonly changed: readonly ChangedMigration[];
  /** Applied, but the file is gone. */
  readonly missing: readonly AppliedMigrationRecord[];
}

/** Compares the migration files of `dir` with `tributary.migrations`; creates nothing. */
export async function migrationStatus({
  db,
  dir,
}: {
  readonly db: Warehouse;
  readonly dir: string;
}): Promise<MigrationStatus> {
  return compareMigrations(readMigrationFiles(dir), await readAppliedMigrations(db));
}

/** The pure comparison behind `migrationStatus`. */
export function compareMigrations(
  files: readonly MigrationFile[],
  applied: readonly AppliedMigrationRecord[],
): MigrationStatus {
  const byName = new Map(files.map((file) => [file.name, file]));
  const appliedNames = new Set(applied.map((record) => record.name));
  const changed: ChangedMigration[] = [];
  const missing: AppliedMigrationRecord[] = [];
  const unchanged: AppliedMigrationRecord[] = [];
  for (const record of applied) {
    const file = byName.get(record.name);
    if (!file) missing.push(record);
    else if (file.checksum !== record.checksum)
      changed.push({ name: record.name, appliedChecksum: record.checksum, fileChecksum: file.checksum });
    else unchanged.push(record);
  }
  return {
    applied: unchanged,
    pending: files.filter((file) => !appliedNames.has(file.name)),
    changed,
    missing,
  };
}
