import type { BackoffPolicy } from './backoff.js';
import { MAX_BATCH_BYTES, MAX_MESSAGE_BYTES, payloadBudget } from './batch-body.js';
import { TrackerError } from './errors.js';
import type { AnyPlan, TrackerOptions } from './tracker-options.js';
import { utf8ByteLength } from './utf8.js';

/** Delivery options with defaults applied, plus the byte budgets derived from them. */
export interface DeliverySettings {
  readonly url: string;
  readonly flushAt: number;
  readonly flushIntervalMs: number;
  readonly maxBatchBytes: number;
  readonly maxAttempts: number;
  readonly backoff: BackoffPolicy;
  readonly requestTimeoutMs: number;
  readonly maxConcurrentRequests: number;
  readonly flushOnCritical: boolean;
  readonly compactAfterAcks: number;
  readonly maxQueueEvents: number;
  readonly maxQueueBytes: number;
  readonly sessionTimeoutMs: number;
  /** Bytes `,"writeKey":"…"` adds to a body when the key travels in it (else 0). */
  readonly keyBytes: number;
  /** The largest sum of message sizes per request. */
  readonly payloadBytes: number;
}

/** Applies the defaults documented on TrackerOptions; throws `invalid_options` for impossible settings. */
export function resolveDeliverySettings(options: TrackerOptions<AnyPlan>): DeliverySettings {
  const flushAt = options.flushAt ?? 100;
  const maxBatchBytes = Math.min(options.maxBatchBytes ?? MAX_BATCH_BYTES, MAX_BATCH_BYTES);
  const maxAttempts = options.maxAttempts ?? 10;
  const maxConcurrentRequests = options.maxConcurrentRequests ?? 1;
  if (!(flushAt >= 1) || !(maxConcurrentRequests >= 1) || !(maxAttempts >= 1)) {
    throw new TrackerError(
      'invalid_options',
      'flushAt, maxAttempts and maxConcurrentRequests must be at least 1.',
    );
  }
  const keyBytes = options.writeKeyIn === 'body' ? utf8ByteLength(JSON.stringify(options.writeKey)) + 12 : 0;
  const payloadBytes = payloadBudget(maxBatchBytes - keyBytes, flushAt);
  if (payloadBytes < MAX_MESSAGE_BYTES) {
    throw new TrackerError(
      'invalid_options',
      `maxBatchBytes ${maxBatchBytes} is too small for ${flushAt} events per batch; raise it or lower flushAt.`,
    );
  }
  return {
    url: /\/v1\/batch\/?$/.test(options.endpoint)
      ? options.endpoint
      : options.endpoint.replace(/\/+$/, '') + '/v1/batch',
    flushAt,
    flushIntervalMs: options.flushIntervalMs ?? 1000,
    maxBatchBytes,
    maxAttempts,
    backoff: options.backoff ?? { baseMs: 500, maxMs: 30_000 },
    requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
    maxConcurrentRequests,
    flushOnCritical: options.flushOnCritical ?? true,
    compactAfterAcks: options.compactAfterAcks ?? 10_000,
    maxQueueEvents: options.maxQueueEvents ?? 10_000,
    maxQueueBytes: options.maxQueueBytes ?? 16 * 1024 * 1024,
    sessionTimeoutMs: options.sessionTimeoutMs ?? 30 * 60_000,
    keyBytes,
    payloadBytes,
  };
}
