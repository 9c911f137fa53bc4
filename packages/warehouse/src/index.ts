export { type ConnectOptions, connect, DEFAULT_DATA_DIR, redactPassword } from './connect.js';
export {
  acquireDataDirLock,
  type DataDirLock,
  type LockEnvironment,
  type LockOwner,
  lockPathOf,
} from './data-dir-lock.js';
export { WarehouseError, type WarehouseErrorCode } from './errors.js';
export { PINNED_TYPE_OIDS } from './type-parsers.js';
export { type SqlRunner, Warehouse, type WarehouseKind, type WarehouseTransaction } from './warehouse.js';
