import { resolve } from 'node:path';
import { DEFAULT_DATA_DIR, redactPassword } from '@tributary/warehouse';

/** Where `tributary generate` writes migrations and `tributary migrate` reads them, relative to the cwd. */
export const DEFAULT_MIGRATIONS_DIR = 'migrations';

/** Which database a command uses: a URL (`--database-url`, else `DATABASE_URL`) or the embedded data directory. */
export type DatabaseTarget =
  | { readonly kind: 'url'; readonly url: string; readonly description: string }
  | { readonly kind: 'embedded'; readonly dataDir: string; readonly description: string };

/** Resolves the database from flags and environment; `TRIBUTARY_DATA_DIR` moves the embedded database. */
export function resolveDatabaseTarget(
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): DatabaseTarget {
  const url = flag?.trim() || env.DATABASE_URL?.trim();
  if (url) return { kind: 'url', url, description: redactPassword(url) };
  const dataDir = resolve(cwd, env.TRIBUTARY_DATA_DIR?.trim() || DEFAULT_DATA_DIR);
  return { kind: 'embedded', dataDir, description: `embedded database in ${dataDir}` };
}

/** A directory option resolved against the cwd. */
export function resolveDir(flag: string | undefined, fallback: string, cwd: string): string {
  return resolve(cwd, flag ?? fallback);
}
