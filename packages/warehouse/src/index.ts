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
export {
  type AppliedMigrationRecord,
  ensureBookkeeping,
  MIGRATION_LOCK_KEY,
  MIGRATIONS_TABLE,
  readAppliedMigrations,
} from './migrations/bookkeeping.js';
export {
  type AppliedMigration,
  formatMigrationFailure,
  type MigrateOptions,
  type MigrateResult,
  type MigrationFailure,
  type MigrationProgress,
  type MigrationRefusal,
  migrate,
  type PlannedMigration,
} from './migrations/migrate.js';
export { type MigrationFile, migrationChecksum, readMigrationFiles } from './migrations/migration-files.js';
export {
  type ChangedMigration,
  compareMigrations,
  type MigrationStatus,
  migrationStatus,
} from './migrations/migration-status.js';
export { type ScriptStatement, splitStatements } from './migrations/split-statements.js';
export {
  type GeneratedFile,
  type GenerateMigrationOptions,
  type GenerateMigrationResult,
  generateMigration,
  type MigrationFilesPlan,
  planMigrationFiles,
  SNAPSHOT_FILE,
} from './migrations/generate-migration.js';
export { type CatalogColumn, introspectColumns } from './catalog/introspect.js';
export {
  compareTypesWithDatabase,
  diffTypesAndCatalog,
  type TypeDifference,
  type TypeDifferenceKind,
} from './catalog/compare-types.js';
export {
  discoverMetricCatalog,
  explainMetric,
  type MetricRun,
  type RunMetricOptions,
  runMetric,
} from './metrics/index.js';
export {
  explainFunnel,
  type RunFunnelOptions,
  runFunnel,
  runFunnelTimeToConvert,
} from './funnels/index.js';
export {
  type ExperimentReadout,
  type MetricComparison,
  type MetricReadout,
  type RunExperimentOptions,
  runExperiment,
  type VariantValue,
} from './experiments/index.js';
export {
  collectReportData,
  formatRetention,
  funnelStepLabel,
  type IdentityComparison,
  type ReportAssets,
  type ReportData,
  type ReportExperiment,
  type ReportFunnel,
  type ReportFunnelSpec,
  type ReportIdentity,
  type ReportOptions,
  renderReportHtml,
  reportAssets,
} from './report/index.js';
export {
  DEFAULT_BULK_COOK_RATIO,
  DEFAULT_CHUNK_SIZE,
  documentOf,
  type EtlErrorCode,
  EtlError,
  type EtlHooks,
  type EtlMode,
  type EtlProgress,
  type EtlRunResult,
  RAW_EVENTS_CHANNEL,
  type RunEtlOptions,
  runEtl,
  type WatchEtlOptions,
  watchEtl,
} from './etl/index.js';
export { isConnectionError } from './connection-errors.js';
