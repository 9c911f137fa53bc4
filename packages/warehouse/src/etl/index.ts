export { type EtlErrorCode, EtlError } from './etl-error.js';
export {
  DEFAULT_BULK_COOK_RATIO,
  DEFAULT_CHUNK_SIZE,
  documentOf,
  type EtlHooks,
  type EtlMode,
  type EtlProgress,
  type EtlRunResult,
  type RunEtlOptions,
  runEtl,
} from './run-etl.js';
export { RAW_EVENTS_CHANNEL, type WatchEtlOptions, watchEtl } from './watch-etl.js';
