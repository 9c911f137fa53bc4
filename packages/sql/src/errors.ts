import { TributaryError } from '@tributary/schema';

/** Stable, machine-readable error codes of @tributary/sql. */
export type SqlErrorCode =
  | 'identifier_collision'
  | 'unsupported_schema'
  | 'destructive_change'
  | 'invalid_snapshot'
  | 'invalid_migration_name';

/** Thrown by @tributary/sql: a stable `code` and a message that says what to do. */
export class SqlError extends TributaryError {
  override readonly code: SqlErrorCode;

  constructor(code: SqlErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
    this.name = 'SqlError';
    this.code = code;
  }
}
