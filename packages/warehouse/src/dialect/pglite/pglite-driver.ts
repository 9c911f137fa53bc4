import { CompiledQuery, type DatabaseConnection, type Driver, type TransactionSettings } from 'kysely';
import { type Engine, quoteIdentifier } from '../../session.js';
import { PgliteConnection } from './pglite-connection.js';

/**
 * Kysely driver for PGlite. PGlite is one connection, so `acquireConnection` waits for the
 * engine's mutex; a Kysely transaction therefore holds PGlite exclusively until it ends.
 */
export class PgliteDriver implements Driver {
  constructor(private readonly engine: Engine) {}

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    return new PgliteConnection(await this.engine.acquire());
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const modes = [
      settings.isolationLevel ? `isolation level ${settings.isolationLevel}` : undefined,
      settings.accessMode,
    ].filter((mode) => mode !== undefined);
    await connection.executeQuery(
      CompiledQuery.raw(modes.length > 0 ? `begin transaction ${modes.join(', ')}` : 'begin'),
    );
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  async savepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`savepoint ${quoteIdentifier(name)}`));
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`rollback to savepoint ${quoteIdentifier(name)}`));
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`release savepoint ${quoteIdentifier(name)}`));
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    (connection as PgliteConnection).session.release();
  }

  /** The warehouse handle closes PGlite itself (it also owns the data directory lock). */
  async destroy(): Promise<void> {}
}
