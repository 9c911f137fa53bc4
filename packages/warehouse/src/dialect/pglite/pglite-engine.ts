import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { acquireDataDirLock, type DataDirLock } from '../../data-dir-lock.js';
import type { Engine, EngineSession, LeasedSession, StatementResult } from '../../session.js';
import { pinnedParsers } from '../../type-parsers.js';
import { Mutex } from './mutex.js';

/** Where a PGlite database lives: in memory, or in a data directory guarded by a lock file. */
export type PgliteLocation =
  | { readonly kind: 'memory' }
  | { readonly kind: 'directory'; readonly dataDir: string };

/** Opens PGlite; a data directory is locked first so a second process fails before touching it. */
export async function openPgliteEngine(location: PgliteLocation): Promise<Engine> {
  let lock: DataDirLock | undefined;
  if (location.kind === 'directory') {
    lock = acquireDataDirLock(location.dataDir);
    mkdirSync(location.dataDir, { recursive: true });
  }
  try {
    const pglite = await PGlite.create({
      ...(location.kind === 'directory' ? { dataDir: location.dataDir } : {}),
      parsers: pinnedParsers as Record<number, (value: string) => unknown>,
    });
    return new PgliteEngine(pglite, lock);
  } catch (error) {
    lock?.release();
    throw error;
  }
}

class PgliteEngine implements Engine {
  readonly kind = 'pglite';
  readonly #mutex = new Mutex();
  readonly #session: EngineSession;

  constructor(
    private readonly pglite: PGlite,
    private readonly lock: DataDirLock | undefined,
  ) {
    this.#session = {
      async query<T>(text: string, params: readonly unknown[] = []): Promise<StatementResult<T>> {
        const result = await pglite.query<T>(text, [...params]);
        return {
          rows: result.rows,
          command: result.command,
          rowCount: result.rowCount ?? result.affectedRows,
        };
      },
      async exec(sql: string): Promise<void> {
        await pglite.exec(sql);
      },
    };
  }

  async acquire(): Promise<LeasedSession> {
    const release = await this.#mutex.lock();
    return { query: this.#session.query, exec: this.#session.exec, release };
  }

  async listen(channel: string, handler: (payload: string) => void): Promise<() => Promise<void>> {
    const session = await this.acquire();
    try {
      const unlisten = await this.pglite.listen(channel, handler);
      return async () => {
        const again = await this.acquire();
        try {
          await unlisten();
        } finally {
          again.release();
        }
      };
    } finally {
      session.release();
    }
  }

  async close(): Promise<void> {
    const release = await this.#mutex.lock();
    try {
      if (!this.pglite.closed) await this.pglite.close();
    } finally {
      this.lock?.release();
      release();
    }
  }
}
