import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WarehouseError } from '../errors.js';

/** A migration file on disk; `name` is the file name (e.g. `0002_add_level_up.sql`). */
export interface MigrationFile {
  readonly name: string;
  readonly path: string;
  readonly sql: string;
  readonly checksum: string;
}

/**
 * The sha256 of a migration's text, hex. Line endings are normalised to `\n` first so a
 * checkout with CRLF conversion does not look like an edit.
 */
export function migrationChecksum(sql: string): string {
  return createHash('sha256').update(sql.replaceAll('\r\n', '\n')).digest('hex');
}

/** Every `*.sql` file of `dir`, in name order (which is the order they apply in). */
export function readMigrationFiles(dir: string): MigrationFile[] {
  if (!existsSync(dir)) {
    throw new WarehouseError(
      'migrations_dir_missing',
      `Migrations directory ${dir} does not exist. Generate migrations first (tributary generate --out ${dir}) or pass the right --dir.`,
      { dir },
    );
  }
  return readdirSync(dir)
    .filter((name) => name.endsWith('.sql'))
    .sort()
    .map((name) => {
      const path = join(dir, name);
      const sql = readFileSync(path, 'utf8');
      return { name, path, sql, checksum: migrationChecksum(sql) };
    });
}
