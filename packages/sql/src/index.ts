export { type CompiledSql, compileStatement } from './dialect/postgres/compile-statement.js';
export { describeStatement } from './describe-statement.js';
export { isWidening } from './diff/column-widening.js';
export { type DiffOptions, diffWarehouse } from './diff/diff-warehouse.js';
export { SqlError, type SqlErrorCode } from './errors.js';
export { formatSql } from './format-sql.js';
export { identifierBytes, MAX_IDENTIFIER_BYTES, quoteIdentifier, shortenIdentifier } from './identifiers.js';
export { type ColumnMapping, mapColumn } from './model/column-mapping.js';
export { type PlanToWarehouseOptions, planToWarehouse } from './model/plan-to-warehouse.js';
export {
  type CheckConstraint,
  type CheckValue,
  type ColumnDefault,
  type ColumnModel,
  type ColumnSource,
  type ColumnType,
  type ColumnTypeName,
  columnTypeSql,
  type IndexModel,
  type KeyConstraint,
  qualifiedName,
  type TableModel,
  type TableOrigin,
  WAREHOUSE_SCHEMAS,
  type WarehouseModel,
} from './model/types.js';
export { type PlanChange, describePlanChanges } from './plan-changes.js';
export {
  nextMigrationNumber,
  type PlannedMigration,
  type PlanMigrationInput,
  planMigration,
  slugify,
} from './plan-migration.js';
export { compileDdl, formatStatements, renderSql } from './render-sql.js';
export {
  parseSnapshot,
  SNAPSHOT_FORMAT,
  serializeSnapshot,
  snapshotOf,
  type WarehouseSnapshot,
} from './snapshot.js';
export { splitSqlStatements } from './split-sql.js';
export {
  isDestructive,
  STATEMENT_EFFECTS,
  STATEMENT_PHASES,
  type Statement,
  type StatementKind,
  type StatementOf,
} from './statements.js';
export {
  type ColumnTsType,
  columnTsType,
  generateKyselyTypes,
  TYPED_SCHEMAS,
  type TypedTable,
  typedTables,
} from './codegen/kysely-types.js';
export { jsonSchemaToTs } from './codegen/json-type.js';
export {
  addChunkQuery,
  type ChunkCounts,
  chunkSettingsSql,
  compileEtl,
  compileEtlSql,
  COOK_PENDING,
  type DeferredIndex,
  deferredIndexesOf,
  COOK_WATERMARK,
  DEFAULT_INACTIVITY_MINUTES,
  ETL_LOCK_KEY,
  ETL_STAGES,
  ETL_WATERMARK,
  type EtlColumn,
  type EtlEventVersion,
  type EtlLine,
  type EtlParam,
  type EtlPlan,
  EtlPlanError,
  type EtlProgram,
  type EtlQuery,
  type EtlResult,
  type EtlRoles,
  type EtlStage,
  type EtlStatement,
  etlCookedTables,
  etlPlanOf,
  etlTables,
  etlTargetTables,
  finishRunQuery,
  highSeqQuery,
  IDENTITY_TABLES,
  type IdentitySummary,
  identitySummarySql,
  identityTables,
  lockQuery,
  NON_TRACK_TABLES,
  normalizeText,
  RESERVED_PROCESSED_TABLES,
  readWatermarkQuery,
  resetQueries,
  startRunQuery,
  TRIM_CHARACTERS,
  writeWatermarkQuery,
} from './etl/index.js';
export {
  type CompiledMetricQuery,
  compileMetricQuery,
  formatMetricQuery,
  isMetricName,
  METRIC_NAMES,
  type MetricCatalog,
  MetricError,
  type MetricErrorCode,
  type MetricFilter,
  type MetricName,
  type MetricResult,
  type MetricRows,
  type MetricSpec,
  metricCatalogOf,
  type ResolvedMetricSpec,
  resolveMetricSpec,
  type RetentionRow,
} from './metrics/index.js';
export * from './funnels/index.js';
export * from './experiments/index.js';
