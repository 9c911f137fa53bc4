import type { CompiledQuery, DatabaseConnection, QueryResult } from 'kysely';
import type { LeasedSession } from '../../session.js';

const COMMANDS_WITH_AFFECTED_ROWS = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE']);

/** A Kysely connection over a leased PGlite session (the mutex is held while it exists). */
export class PgliteConnection implements DatabaseConnection {
  constructor(readonly session: LeasedSession) {}

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const result = await this.session.query<R>(compiledQuery.sql, compiledQuery.parameters);
    const affected = result.command !== undefined && COMMANDS_WITH_AFFECTED_ROWS.has(result.command);
    return affected
      ? { rows: result.rows, numAffectedRows: BigInt(result.rowCount ?? 0) }
      : { rows: result.rows };
  }

  // biome-ignore lint/correctness/useYield: streaming is refused before anything is yielded
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('PGlite dialect: streaming queries are not supported; use execute() or paginate.');
  }
}
