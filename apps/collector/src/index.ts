export { hashKey } from './auth/hash-key.js';
export { type Collector, createCollector } from './create-collector.js';
export {
  CollectorConfigError,
  type CollectorConfigErrorCode,
} from './errors/collector-config-error.js';
export {
  CollectorError,
  type CollectorErrorCode,
  ERROR_STATUS,
  type ErrorBody,
} from './errors/collector-error.js';
export { INGEST_PATHS, MESSAGE_TYPES, type MessageType } from './messages/message-types.js';
export type { Reason } from './messages/reason.js';
export { type CollectorMetrics, createCollectorMetrics } from './metrics/collector-metrics.js';
export {
  type CollectorLimits,
  type CollectorOptions,
  DEFAULT_FLUSH,
  DEFAULT_LIMITS,
  type FlushSettings,
  type IpAnonymization,
  type SourceConfig,
} from './options.js';
export type { IngestResponse } from './routes/ingest.js';
export {
  type CollectorServer,
  type CollectorServerOptions,
  startCollectorServer,
} from './server/start-server.js';
export type { EventSink } from './writer/event-sink.js';
export { RAW_EVENTS_CHANNEL } from './writer/insert-statements.js';
