import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Plan, type PlanDocument, toPlanDocument } from '@tributary/schema';
import { parseSnapshot, planMigration, serializeSnapshot, type WarehouseSnapshot } from '@tributary/sql';
import { WarehouseError } from '../errors.js';

/** The snapshot file kept beside the migrations: the warehouse model the last migration produced. */
export const SNAPSHOT_FILE = 'snapshot.json';

/** A file to write: `path` is inside the migrations directory. */
export interface GeneratedFile {
  readonly path: string;
  readonly content: string;
}

/** Input of `generateMigration`: a plan or its document, and the migrations directory. */
export type GenerateMigrationOptions = (
  | { readonly plan: Plan; readonly document?: never }
  | { readonly document: PlanDocument; readonly plan?: never }
) & {
  readonly dir: string;
  /** Slug of the file name; derived from the changes when absent. */
  readonly name?: string;
  /** Allow drops, narrowing and type changes (otherwise they are refused with an error naming them). */
  readonly allowDestructive?: boolean;
};

/** The next migration of a directory: its file, the updated snapshot, and the plan changes it reflects. */
export interface MigrationFilesPlan {
  readonly fileName: string;
  readonly changes: readonly string[];
  /** The migration file, then the snapshot. */
  readonly files: readonly GeneratedFile[];
}

/** What `generateMigration` wrote; `undefined` fields when the plan needed no migration. */
export interface GenerateMigrationResult {
  readonly fileName: string | undefined;
  readonly changes: readonly string[];
  /** Paths written (nothing when nothing changed). */
  readonly written: readonly string[];
}

/**
 * Plans the next migration of `dir` without writing: reads `dir/snapshot.json` and the existing
 * `.sql` files, diffs the plan against the snapshot. `undefined` when nothing changed.
 */
export function planMigrationFiles(options: GenerateMigrationOptions): MigrationFilesPlan | undefined {
  const document = options.document ?? toPlanDocument(options.plan as Plan);
  const existingFiles = existsSync(options.dir)
    ? readdirSync(options.dir).filter((name) => name.endsWith('.sql'))
    : [];
  const previousSnapshot = readSnapshot(options.dir, existingFiles);
  const planned = planMigration({
    document,
    previousSnapshot,
    existingFiles,
    ...(options.name !== undefined ? { name: options.name } : {}),
    allowDestructive: options.allowDestructive ?? false,
  });
  if (!planned) return undefined;
  return {
    fileName: planned.fileName,
    changes: planned.changes,
    files: [
      { path: join(options.dir, planned.fileName), content: planned.sql },
      { path: join(options.dir, SNAPSHOT_FILE), content: serializeSnapshot(planned.snapshot) },
    ],
  };
}

/**
 * Writes the next migration `NNNN_<slug>.sql` of `dir` and the updated snapshot; writes nothing
 * when the plan needs no change. Never overwrites an existing migration file.
 *
 * @example
 * await generateMigration({ plan, dir: 'migrations' }) // → { fileName: '0001_initial.sql', written: [...] }
 */
export async function generateMigration(options: GenerateMigrationOptions): Promise<GenerateMigrationResult> {
  const planned = planMigrationFiles(options);
  if (!planned) return { fileName: undefined, changes: [], written: [] };
  mkdirSync(options.dir, { recursive: true });
  const [migration, snapshot] = planned.files as [GeneratedFile, GeneratedFile];
  writeFileSync(migration.path, migration.content, { flag: 'wx' });
  // The snapshot is replaced atomically, so an interrupted run never leaves half a snapshot.
  const temporary = `${snapshot.path}.${process.pid}.tmp`;
  writeFileSync(temporary, snapshot.content);
  renameSync(temporary, snapshot.path);
  return { fileName: planned.fileName, changes: planned.changes, written: [migration.path, snapshot.path] };
}

function readSnapshot(dir: string, existingFiles: readonly string[]): WarehouseSnapshot | undefined {
  const path = join(dir, SNAPSHOT_FILE);
  if (!existsSync(path)) {
    if (existingFiles.length === 0) return undefined;
    throw new WarehouseError(
      'invalid_snapshot',
      `${dir} has migrations (${existingFiles.join(', ')}) but no ${SNAPSHOT_FILE}, so the next migration cannot be computed. Restore ${path} from version control.`,
      { dir },
    );
  }
  return parseSnapshot(readFileSync(path, 'utf8'));
}
