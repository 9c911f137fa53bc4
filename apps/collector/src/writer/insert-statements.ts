// The flush statement, its commit-order lock and the NOTIFY channel moved to @tributary/jetstream,
// whose loader runs the same statement (that package cannot import the collector, which depends
// on it for the broker sink).
export {
  explainFlushError,
  FLUSH_SQL,
  RAW_EVENTS_CHANNEL,
  RAW_EVENTS_LOCK_KEY,
} from '@tributary/jetstream';
