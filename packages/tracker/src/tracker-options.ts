import type { EventDefinition, Plan, Priority } from '@tributary/schema';
import type { BackoffPolicy } from './backoff.js';
import type { Clock } from './clock.js';
import type { DeadLetterHandler } from './dead-letter.js';
import type { FetchLike } from './fetch-like.js';
import type { KeyValueStorage } from './key-value-storage.js';
import type { LibraryInfo } from './message.js';
import type { Persistence } from './persistence.js';
import type { IdGenerator, Random } from './uuid-v7.js';
import type { PropertyValidator, ViolationPolicy } from './validation.js';

/** Any plan, whatever its events and context. */
export type AnyPlan = Plan<EventDefinition<string, number, any>, any>;

/** Options shared by the Node and browser trackers. Everything but plan, endpoint and writeKey has a default. */
export interface TrackerOptions<P extends AnyPlan> {
  readonly plan: P;
  /** The collector's base URL (`/v1/batch` is appended unless the URL already ends with it). */
  readonly endpoint: string;
  /** Sent as HTTP Basic auth `writeKey:` (and in the body of page-hide beacons). */
  readonly writeKey: string;
  /**
   * Where the write key goes: `header` (HTTP Basic auth, JSON body; the Node default) or `body`
   * (`writeKey` in a text/plain JSON body: a CORS "simple request" with no preflight, so
   * cross-origin keepalive sends on page hide work; the browser default, as Segment's analytics.js).
   */
  readonly writeKeyIn?: 'header' | 'body';
  /** The user of every message until `identify()` changes it. */
  readonly userId?: string;
  /** Added to every message's context (e.g. `{ platform: 'ios', app_version: '1.2.0' }`). */
  readonly context?: Readonly<Record<string, unknown>>;
  /** Events per request, and the queue length that triggers an immediate send. Default 100. */
  readonly flushAt?: number;
  /** A partial batch is sent after this long. Default 1000 ms. */
  readonly flushIntervalMs?: number;
  /** Request body limit. Default (and maximum) 500 KB. */
  readonly maxBatchBytes?: number;
  /** Queue bounds (pending + in flight). Defaults 10,000 events and 16 MiB. */
  readonly maxQueueEvents?: number;
  readonly maxQueueBytes?: number;
  /** Attempts per message before it goes to the backup. Default 10. */
  readonly maxAttempts?: number;
  /** Exponential backoff with full jitter. Default base 500 ms, max 30 s. */
  readonly backoff?: BackoffPolicy;
  /** A request without a response after this long is aborted and retried. Default 10 s. */
  readonly requestTimeoutMs?: number;
  /** Concurrent requests. Default 1 (keeps batches in order, easiest on the collector). */
  readonly maxConcurrentRequests?: number;
  /** Send as soon as a critical event is queued. Default true. */
  readonly flushOnCritical?: boolean;
  /** Inactivity after which a new session starts. Default 30 minutes. */
  readonly sessionTimeoutMs?: number;
  /** Client-side validation against the plan. Default 'warn' (the Node entry picks by NODE_ENV). */
  readonly onViolation?: ViolationPolicy;
  /** Receives every message that could not be delivered, with the reason. */
  readonly onDeadLetter?: DeadLetterHandler;
  /** Receives warnings and non-fatal errors (storage failures, violations in 'warn' mode). Default console.warn. */
  readonly onWarning?: (message: string, error?: unknown) => void;
  /** Journal compaction after this many acknowledged messages. Default 10,000. */
  readonly compactAfterAcks?: number;

  readonly clock?: Clock;
  readonly random?: Random;
  readonly generateId?: IdGenerator;
  readonly fetch?: FetchLike;
  readonly storage?: KeyValueStorage;
  readonly persistence?: Persistence;
  readonly validator?: PropertyValidator;
  /** Per-message context (the browser adds page URL, title, …). */
  readonly dynamicContext?: () => Readonly<Record<string, unknown>>;
  readonly library?: LibraryInfo;
}

/** Per-call options of `track()`. */
export interface TrackOptions<V extends number = number> {
  /** Send an older version of the event (types its properties). Default: the latest. */
  readonly version?: V;
  /** Overrides the event definition's priority. */
  readonly priority?: Priority;
  readonly userId?: string;
  readonly anonymousId?: string;
  /** When the event happened; default now. */
  readonly timestamp?: Date;
  readonly context?: Readonly<Record<string, unknown>>;
}

/** Per-call options of `identify()`, `page()` and `screen()`. */
export type MessageOptions = Omit<TrackOptions, 'version'>;
