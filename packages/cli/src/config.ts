import { resolve } from 'node:path';
import { DEFAULT_DATA_DIR, redactPassword } from '@tributary/warehouse';
import type { LoadedConfig } from './load-config.js';

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
  config?: LoadedConfig,
): DatabaseTarget {
  const url = flag?.trim() || env.DATABASE_URL?.trim() || config?.config.databaseUrl?.trim();
  if (url) return { kind: 'url', url, description: redactPassword(url) };
  const fromEnv = env.TRIBUTARY_DATA_DIR?.trim();
  const fromConfig = config?.config.dataDir ? resolve(config.root, config.config.dataDir) : undefined;
  const dataDir = fromEnv ? resolve(cwd, fromEnv) : (fromConfig ?? resolve(cwd, DEFAULT_DATA_DIR));
  return { kind: 'embedded', dataDir, description: `embedded database in ${dataDir}` };
}

/** A directory option resolved against the cwd. */
export function resolveDir(flag: string | undefined, fallback: string, cwd: string): string {
  return resolve(cwd, flag ?? fallback);
}

/** A directory from a flag, else from the config (relative to the config file), else the default (relative to the cwd). */
export function configuredDir(
  flag: string | undefined,
  configured: string | undefined,
  fallback: string,
  cwd: string,
  config?: LoadedConfig,
): string {
  if (flag) return resolve(cwd, flag);
  if (configured && config) return resolve(config.root, configured);
  return resolve(cwd, fallback);
}
