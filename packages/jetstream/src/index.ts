export {
  type BrokerConfig,
  DEFAULT_BROKER,
  kindOfSubject,
  type RecordKind,
  type ResolvedBrokerConfig,
  recordSubject,
  resolveBrokerConfig,
  streamSubjects,
} from './config/broker-config.js';
export { formatDuration, parseDuration } from './config/duration.js';
export {
  DEFAULT_STREAM_SETTINGS,
  resolveStreamSettings,
  type StreamSettings,
} from './config/stream-settings.js';
export { connectBroker } from './connect-broker.js';
export { BrokerError, type BrokerErrorCode } from './errors.js';
export {
  JetStreamLoader,
  type LoaderObserver,
  type LoaderOptions,
} from './load/jetstream-loader.js';
export { type BatchOutcome, type LoadDatabase, loadBatch } from './load/load-batch.js';
export {
  explainFlushError,
  FLUSH_SQL,
  RAW_EVENTS_CHANNEL,
  RAW_EVENTS_LOCK_KEY,
} from './load/raw-events-statement.js';
export {
  type ConsumerLag,
  readConsumerLag,
  renderConsumerLag,
  tryReadConsumerLag,
} from './metrics/consumer-lag.js';
export { type LoaderStats, renderLoaderMetrics, sumLoaderStats } from './metrics/loader-metrics.js';
export { type MetricsServer, startMetricsServer } from './metrics/metrics-server.js';
export {
  JetStreamSink,
  type JetStreamSinkOptions,
  type SinkRequest,
  type SinkResult,
} from './publish/jetstream-sink.js';
export type { SinkEventRow, SinkRejectedRow } from './publish/wire-records.js';
export { natsMessageId, parseNatsMessageId } from './publish/wire-records.js';
export { ensureStream, type SetupResult } from './setup/ensure-stream.js';
export { formatStreamStatus } from './setup/format-status.js';
export { toConsumerConfig, toStreamConfig } from './setup/stream-config.js';
export { BrokerAdmin, type StreamStatus } from './setup/broker-admin.js';
