export {
  compileEtl,
  compileEtlSql,
  type DeferredIndex,
  deferredIndexesOf,
  type EtlProgram,
} from './compile-etl.js';
export {
  addChunkQuery,
  type ChunkCounts,
  chunkSettingsSql,
  COOK_PENDING,
  COOK_WATERMARK,
  ETL_LOCK_KEY,
  ETL_WATERMARK,
  type EtlQuery,
  etlTargetTables,
  finishRunQuery,
  highSeqQuery,
  lockQuery,
  readWatermarkQuery,
  resetQueries,
  startRunQuery,
  writeWatermarkQuery,
} from './etl-bookkeeping.js';
export { type EtlColumn, normalizeText, TRIM_CHARACTERS } from './etl-columns.js';
export {
  DEFAULT_INACTIVITY_MINUTES,
  type EtlEventVersion,
  type EtlLine,
  type EtlPlan,
  EtlPlanError,
  type EtlRoles,
  etlPlanOf,
} from './etl-plan.js';
export {
  ETL_STAGES,
  type EtlParam,
  type EtlResult,
  type EtlStage,
  type EtlStatement,
} from './etl-statement.js';
export {
  etlCookedTables,
  etlTables,
  identityTables,
  NON_TRACK_TABLES,
  RESERVED_PROCESSED_TABLES,
} from './etl-tables.js';
export { IDENTITY_TABLES, type IdentitySummary, identitySummarySql } from './stage-identity.js';
