export { type BackoffPolicy, backoffDelay, parseRetryAfter } from './backoff.js';
export { MAX_BATCH_BYTES, MAX_MESSAGE_BYTES } from './batch-body.js';
export { browserStorage } from './browser/browser-storage.js';
export {
  BrowserTracker,
  type BrowserTrackerOptions,
  createBrowserTracker,
} from './browser/create-browser-tracker.js';
export { indexedDbPersistence } from './browser/indexeddb-persistence.js';
export { localStoragePersistence } from './browser/local-storage-persistence.js';
export { pageContext } from './browser/page-context.js';
export { type Clock, systemClock } from './clock.js';
export { type DeadLetterHandler, type DeadLetterReason, describeDeadLetter } from './dead-letter.js';
export type { DeliveryOutcome, FailureReason } from './delivery-outcome.js';
export { TrackerError, type TrackerErrorCode } from './errors.js';
export type { FetchLike } from './fetch-like.js';
export { type KeyValueStorage, memoryStorage } from './key-value-storage.js';
export type {
  IdentifyMessage,
  LibraryInfo,
  Message,
  MessageContext,
  PageMessage,
  ScreenMessage,
  StoredMessage,
  TrackMessage,
} from './message.js';
export { memoryPersistence, type Persistence } from './persistence.js';
export { Tracker } from './tracker.js';
export type { AnyPlan, MessageOptions, TrackerOptions, TrackOptions } from './tracker-options.js';
export { createUuidV7, type IdGenerator, type Random, UUID_V7_PATTERN, uuidV7Time } from './uuid-v7.js';
export {
  type PropertyValidator,
  type PropertyViolation,
  planPropertyValidator,
  type ViolationPolicy,
  zodPropertyValidator,
} from './validation.js';
export { LIBRARY } from './version.js';
