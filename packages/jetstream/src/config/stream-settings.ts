import { BrokerError } from '../errors.js';

/**
 * How the stream keeps messages and how the loaders' consumer redelivers them.
 * - `limits`: messages stay until `maxAgeMs`/`maxBytes` (replay possible: a new consumer can
 *   reload history); `workqueue`: a message is removed once the loaders acknowledged it.
 */
export interface StreamSettings {
  readonly retention: 'limits' | 'workqueue';
  /** How long a message is kept at most (0 = no limit). */
  readonly maxAgeMs: number;
  /** Stream size limit in bytes (-1 = no limit); the oldest messages go first under `limits`. */
  readonly maxBytes: number;
  /** How long JetStream remembers a `Nats-Msg-Id` to drop a republished duplicate. */
  readonly duplicateWindowMs: number;
  /** Copies of every message (1, or 3/5 on a cluster). */
  readonly replicas: number;
  /** A delivered message not acknowledged within this time is redelivered. */
  readonly ackWaitMs: number;
  /** Unacknowledged messages the consumer hands out at most (across all loaders). */
  readonly maxAckPending: number;
}

/** Defaults: limits retention for 7 days, 2-minute dedupe window, one replica, 30 s ack wait. */
export const DEFAULT_STREAM_SETTINGS: StreamSettings = {
  retention: 'limits',
  maxAgeMs: 7 * 86_400_000,
  maxBytes: -1,
  duplicateWindowMs: 2 * 60_000,
  replicas: 1,
  ackWaitMs: 30_000,
  maxAckPending: 20_000,
};

/** The settings with defaults filled in, checked (each error names the setting and the rule). */
export function resolveStreamSettings(settings: Partial<StreamSettings> = {}): StreamSettings {
  const resolved = { ...DEFAULT_STREAM_SETTINGS, ...settings };
  const fail = (message: string) => {
    throw new BrokerError('invalid_broker_config', message);
  };
  if (resolved.retention !== 'limits' && resolved.retention !== 'workqueue')
    fail(`retention must be "limits" or "workqueue", got "${String(resolved.retention)}".`);
  if (!Number.isInteger(resolved.replicas) || resolved.replicas < 1 || resolved.replicas > 5)
    fail(`replicas must be an integer from 1 to 5, got ${resolved.replicas}.`);
  if (!Number.isInteger(resolved.maxAgeMs) || resolved.maxAgeMs < 0)
    fail(`maxAge must be 0 (no limit) or positive, got ${resolved.maxAgeMs} ms.`);
  if (!Number.isInteger(resolved.duplicateWindowMs) || resolved.duplicateWindowMs < 100)
    fail(`duplicateWindow must be at least 100 ms, got ${resolved.duplicateWindowMs} ms.`);
  if (resolved.maxAgeMs > 0 && resolved.duplicateWindowMs > resolved.maxAgeMs)
    fail('duplicateWindow cannot be longer than maxAge.');
  if (!Number.isInteger(resolved.ackWaitMs) || resolved.ackWaitMs < 1000)
    fail(`ackWait must be at least 1 s, got ${resolved.ackWaitMs} ms.`);
  if (!Number.isInteger(resolved.maxAckPending) || resolved.maxAckPending < 1)
    fail(`maxAckPending must be a positive integer, got ${resolved.maxAckPending}.`);
  if (!Number.isInteger(resolved.maxBytes) || (resolved.maxBytes < 1 && resolved.maxBytes !== -1))
    fail(`maxBytes must be -1 (no limit) or positive, got ${resolved.maxBytes}.`);
  return resolved;
}
