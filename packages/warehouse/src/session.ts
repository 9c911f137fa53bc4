/** Rows of one statement plus the command tag's row count. */
export interface StatementResult<T> {
  readonly rows: T[];
  readonly command: string | undefined;
  readonly rowCount: number | undefined;
}

/** One database session (a pooled `pg` client or the PGlite instance while its mutex is held). */
export interface EngineSession {
  /** One statement, parameters as `$1…$n` (extended protocol). */
  query<T>(text: string, params?: readonly unknown[]): Promise<StatementResult<T>>;
  /** Any number of statements without parameters (simple protocol). */
  exec(sql: string): Promise<void>;
  /**
   * A script (simple protocol) holding one `COPY … FROM STDIN`, sent with `data` in one round trip;
   * returns the rows copied. PostgreSQL only (absent on PGlite).
   */
  copyFrom?(script: string, data: string | Uint8Array): Promise<number>;
}

/** A session on loan: call `release` once; `broken` discards it (a pooled client is destroyed). */
export interface LeasedSession extends EngineSession {
  release(broken?: boolean): void;
}

/** What a database engine provides to the warehouse handle. */
export interface Engine {
  readonly kind: 'postgres' | 'pglite';
  acquire(): Promise<LeasedSession>;
  listen(channel: string, handler: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** Quotes an identifier for statements that cannot take parameters (LISTEN, CREATE DATABASE). */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
