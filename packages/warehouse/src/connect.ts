import { resolve } from 'node:path';
import { openPgliteEngine } from './dialect/pglite/pglite-engine.js';
import {
  createPostgresPool,
  type PostgresPoolOptions,
  PostgresEngine,
} from './dialect/postgres/postgres-engine.js';
import { WarehouseError } from './errors.js';
import { Warehouse } from './warehouse.js';

/** The default embedded data directory, relative to the working directory. */
export const DEFAULT_DATA_DIR = '.tributary/data';

/** Options of `connect`. */
export interface ConnectOptions {
  /** Embedded data directory when no URL is given (default: `TRIBUTARY_DATA_DIR`, else `.tributary/data`). */
  readonly dataDir?: string;
  /** Environment to read `TRIBUTARY_DATA_DIR` from (default `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Base for a relative data directory (default `process.cwd()`). */
  readonly cwd?: string;
  /** `pg` pool options for `postgres://` URLs. */
  readonly pool?: PostgresPoolOptions;
}

/**
 * Opens a warehouse: `postgres://…` → a `pg` pool; `memory://` → an in-memory PGlite;
 * no URL → PGlite in the data directory (locked against a second process).
 *
 * @example
 * const wh = await connect(process.env.DATABASE_URL);
 * await wh.query('SELECT 1 AS one'); // [{ one: 1 }]
 * await wh.close();
 */
export async function connect<DB = any>(url?: string, options: ConnectOptions = {}): Promise<Warehouse<DB>> {
  const target = url?.trim();
  if (!target) {
    const env = options.env ?? process.env;
    const dataDir = resolve(
      options.cwd ?? process.cwd(),
      options.dataDir ?? (env.TRIBUTARY_DATA_DIR || DEFAULT_DATA_DIR),
    );
    return new Warehouse<DB>(await openPgliteEngine({ kind: 'directory', dataDir }), dataDir);
  }
  if (target === 'memory://' || target === 'memory:') {
    return new Warehouse<DB>(await openPgliteEngine({ kind: 'memory' }), 'memory://');
  }
  if (/^postgres(ql)?:\/\//.test(target)) {
    const engine = new PostgresEngine(createPostgresPool(target, options.pool));
    return new Warehouse<DB>(engine, redactPassword(target));
  }
  throw new WarehouseError(
    'invalid_database_url',
    `Unsupported database URL "${redactPassword(target)}". Use postgres://user@host:5432/db, memory:// for an in-memory database, or no URL for the embedded database in ${DEFAULT_DATA_DIR} (TRIBUTARY_DATA_DIR).`,
  );
}

/**
 * The URL with its password replaced by `***`, for messages and logs: the one after `user:` and
 * the `password` / `sslpassword` query parameters (the `pg` driver reads both).
 */
export function redactPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    for (const name of SECRET_PARAMETERS)
      if (parsed.searchParams.has(name)) parsed.searchParams.set(name, '***');
    return parsed.toString();
  } catch {
    // Not a URL the WHATWG parser accepts (e.g. an unencoded '/' in the password): redact up to the last '@'.
    return url
      .replace(/^([a-z][\w+.-]*:\/\/[^:/?#@]*:).*@/i, '$1***@')
      .replace(/([?&](?:ssl)?password=)[^&#]*/gi, '$1***');
  }
}

const SECRET_PARAMETERS = ['password', 'sslpassword'] as const;
