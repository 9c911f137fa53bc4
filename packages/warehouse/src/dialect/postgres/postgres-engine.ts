import pg from 'pg';
import { type Engine, type LeasedSession, quoteIdentifier } from '../../session.js';
import { pinnedParsers } from '../../type-parsers.js';
import { copyScript } from './copy-script.js';

/** Options of the `pg` pool. */
export interface PostgresPoolOptions {
  readonly max?: number;
}

/** Type parsing for this pool only (no global `pg.types` mutation). */
const typeParsers = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    const pinned = pinnedParsers[oid];
    if (pinned && format !== 'binary') return pinned;
    return pg.types.getTypeParser(oid, format ?? 'text');
  },
} as pg.CustomTypesConfig;

/** Creates the pool; it is shared with Kysely's PostgresDialect. */
export function createPostgresPool(url: string, options: PostgresPoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10, types: typeParsers });
  // An idle client that dies (server restart) must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  // A connection cut while a client is checked out (server restart, pg_terminate_backend, network
  // loss) is emitted on the client: without a listener it would crash the process. The pending
  // query fails instead, and the client, no longer queryable, is discarded on release.
  pool.on('connect', (client) => {
    client.on('error', () => {});
  });
  return pool;
}

/** The engine over a `pg` pool; LISTEN uses one dedicated client for all channels. */
export class PostgresEngine implements Engine {
  readonly kind = 'postgres';
  #listener: Promise<pg.PoolClient> | undefined;
  readonly #handlers = new Map<string, Set<(payload: string) => void>>();

  constructor(readonly pool: pg.Pool) {}

  async acquire(): Promise<LeasedSession> {
    const client = await this.pool.connect();
    let released = false;
    return {
      async query<T>(text: string, params: readonly unknown[] = []) {
        const result = await client.query(text, [...params]);
        return { rows: result.rows as T[], command: result.command, rowCount: result.rowCount ?? undefined };
      },
      async exec(sql: string) {
        await client.query(sql);
      },
      copyFrom: (script: string, data: string | Uint8Array) => copyScript(client, script, data),
      release(broken = false) {
        if (released) return;
        released = true;
        client.release(broken);
      },
    };
  }

  async listen(channel: string, handler: (payload: string) => void): Promise<() => Promise<void>> {
    const client = await this.#listenerClient();
    let handlers = this.#handlers.get(channel);
    if (!handlers) {
      handlers = new Set();
      this.#handlers.set(channel, handlers);
      await client.query(`LISTEN ${quoteIdentifier(channel)}`);
    }
    handlers.add(handler);
    return async () => {
      const current = this.#handlers.get(channel);
      if (!current?.delete(handler) || current.size > 0) return;
      this.#handlers.delete(channel);
      await client.query(`UNLISTEN ${quoteIdentifier(channel)}`);
    };
  }

  #listenerClient(): Promise<pg.PoolClient> {
    this.#listener ??= this.pool.connect().then((client) => {
      client.on('notification', (message) => {
        for (const handler of this.#handlers.get(message.channel) ?? []) handler(message.payload ?? '');
      });
      // The LISTEN connection died: drop it and listen again on a new one (retrying while the
      // server is away), so subscribers keep getting notifications after a restart.
      client.once('error', () => {
        if (this.#listener === undefined) return;
        this.#listener = undefined;
        client.release(true);
        this.#relisten(1);
      });
      return client;
    });
    return this.#listener;
  }

  #relisten(attempt: number): void {
    if (this.pool.ended || this.#handlers.size === 0) return;
    const timer = setTimeout(
      async () => {
        try {
          const client = await this.#listenerClient();
          for (const channel of this.#handlers.keys())
            await client.query(`LISTEN ${quoteIdentifier(channel)}`);
        } catch {
          this.#listener = undefined;
          this.#relisten(attempt + 1);
        }
      },
      Math.min(5_000, 250 * attempt),
    );
    timer.unref();
  }

  async close(): Promise<void> {
    if (this.#listener) {
      const client = await this.#listener;
      this.#listener = undefined;
      this.#handlers.clear();
      client.release(true);
    }
    if (!this.pool.ended) await this.pool.end();
  }
}
