import { type Dialect, Kysely, PostgresDialect } from 'kysely';
import { pgliteDialect } from './dialect/pglite/pglite-dialect.js';
import type { PostgresEngine } from './dialect/postgres/postgres-engine.js';
import { WarehouseError } from './errors.js';
import type { Engine, EngineSession } from './session.js';

/** Which engine a warehouse runs on. */
export type WarehouseKind = 'postgres' | 'pglite';

/** Raw SQL on a warehouse or inside one of its transactions. */
export interface SqlRunner {
  readonly kind: WarehouseKind;
  /** Runs one statement with `$1…$n` parameters and returns its rows. */
  query<T = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<T[]>;
  /** Runs a script of any number of statements (no parameters). */
  exec(sql: string): Promise<void>;
}

/** The handle passed to `transaction(fn)`: every statement runs in that transaction. */
export interface WarehouseTransaction extends SqlRunner {
  /**
   * PostgreSQL only (undefined on PGlite): runs `script`, statements around exactly one
   * `COPY … FROM STDIN`, sending `data` (in the COPY's format) with it in one round trip; returns
   * the rows copied. See `Warehouse#copyFrom`.
   */
  readonly copyFrom?: (script: string, data: string | Uint8Array) => Promise<number>;
}

/**
 * An open warehouse database: PostgreSQL through a `pg` pool, or embedded PGlite.
 * Values: int8 and numeric come back as strings, date as `YYYY-MM-DD`, timestamptz as Date, on both engines.
 */
export class Warehouse<DB = any> implements SqlRunner {
  readonly kind: WarehouseKind;
  /** A Kysely instance on the same database (on PGlite it shares the one connection). */
  readonly db: Kysely<DB>;
  #closed = false;

  constructor(
    private readonly engine: Engine,
    /** Where it is: the URL with any password removed, `memory://`, or the data directory. */
    readonly location: string,
  ) {
    this.kind = engine.kind;
    this.db = new Kysely<DB>({ dialect: dialectOf(engine) });
  }

  /** Runs one statement with `$1…$n` parameters and returns its rows. */
  async query<T = Record<string, unknown>>(text: string, params: readonly unknown[] = []): Promise<T[]> {
    return this.#withSession(async (session) => (await session.query<T>(text, params)).rows);
  }

  /** Runs a script of any number of statements (no parameters), e.g. a DDL file. */
  async exec(sql: string): Promise<void> {
    await this.#withSession((session) => session.exec(sql));
  }

  /**
   * Runs `fn` in a transaction on one session: committed when `fn` resolves, rolled back when it
   * throws (the error is rethrown). Use the handle, not the warehouse, inside `fn`: on PGlite the
   * warehouse waits for the transaction to end.
   */
  async transaction<T>(fn: (tx: WarehouseTransaction) => Promise<T>): Promise<T> {
    let broken = false;
    return this.#withSession(
      async (session) => {
        await session.exec('BEGIN');
        const tx: WarehouseTransaction = {
          kind: this.kind,
          query: async <R>(text: string, params: readonly unknown[] = []) =>
            (await session.query<R>(text, params)).rows,
          exec: (sql: string) => session.exec(sql),
          ...(session.copyFrom ? { copyFrom: session.copyFrom } : {}),
        };
        let result: T;
        try {
          result = await fn(tx);
        } catch (error) {
          await session.exec('ROLLBACK').catch(() => {
            broken = true;
          });
          throw error;
        }
        await session.exec('COMMIT');
        return result;
      },
      () => broken,
    );
  }

  /**
   * PostgreSQL only: runs `script` (simple protocol: statements around exactly one
   * `COPY … FROM STDIN`) with `data` for its COPY, all in ONE round trip, and returns the rows
   * copied. The script may bring its own transaction; if it fails, an open transaction is rolled
   * back before the error is rethrown.
   *
   * @example
   * await wh.copyFrom('BEGIN; SELECT pg_advisory_xact_lock(7); COPY t (a, b) FROM STDIN; COMMIT', 'x\t1\n');
   */
  async copyFrom(script: string, data: string | Uint8Array): Promise<number> {
    let broken = false;
    return this.#withSession(
      async (session) => {
        if (!session.copyFrom)
          throw new WarehouseError(
            'copy_unsupported',
            `COPY FROM STDIN needs PostgreSQL; ${this.location} is ${this.kind}. Use INSERT statements instead.`,
          );
        try {
          return await session.copyFrom(script, data);
        } catch (error) {
          await session.exec('ROLLBACK').catch(() => {
            broken = true;
          });
          throw error;
        }
      },
      () => broken,
    );
  }

  /** Subscribes to NOTIFY on `channel`; resolves with a function that unsubscribes. */
  async listen(channel: string, handler: (payload: string) => void): Promise<() => Promise<void>> {
    this.#assertOpen();
    return this.engine.listen(channel, handler);
  }

  /** Sends a notification (delivered on commit when called inside a transaction on the same session). */
  async notify(channel: string, payload = ''): Promise<void> {
    await this.query('SELECT pg_notify($1, $2)', [channel, payload]);
  }

  /** Closes Kysely, the pool or PGlite, and releases the data directory lock. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.db.destroy();
    await this.engine.close();
  }

  /** `isBroken` is asked on release: a session whose rollback failed must not go back to the pool. */
  async #withSession<T>(
    fn: (session: EngineSession) => Promise<T>,
    isBroken: () => boolean = () => false,
  ): Promise<T> {
    this.#assertOpen();
    const session = await this.engine.acquire();
    try {
      return await fn(session);
    } finally {
      session.release(isBroken());
    }
  }

  #assertOpen(): void {
    if (this.#closed)
      throw new WarehouseError(
        'warehouse_closed',
        `The warehouse ${this.location} is closed; connect() again.`,
      );
  }
}

function dialectOf(engine: Engine): Dialect {
  // The pool is shared: Kysely's destroy() would end it, so the warehouse closes it through the engine.
  if (engine.kind === 'postgres') {
    const pool = (engine as PostgresEngine).pool;
    return new PostgresDialect({
      pool: { connect: () => pool.connect(), end: async () => {} } as unknown as typeof pool,
    });
  }
  return pgliteDialect(engine);
}
