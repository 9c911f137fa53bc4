import { TributaryError } from '@tributary/schema';

/** Stable, machine-readable error codes of @tributary/warehouse. */
export type WarehouseErrorCode =
  | 'invalid_database_url'
  | 'data_dir_locked'
  | 'data_dir_lock_unreadable'
  | 'warehouse_closed'
  | 'migrations_dir_missing'
  | 'unknown_migration_target'
  | 'invalid_snapshot'
  | 'copy_unsupported'
  | 'report_needs_plan';

/** Thrown for problems the caller has to fix (a bad URL, a data directory owned by another process, …). */
export class WarehouseError extends TributaryError {
  constructor(code: WarehouseErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
    this.name = 'WarehouseError';
  }
}
