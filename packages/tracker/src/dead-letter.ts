import type { FailureReason } from './delivery-outcome.js';
import type { Message } from './message.js';

/** Why messages went to the backup instead of the collector. */
export type DeadLetterReason =
  | { readonly kind: 'rejected'; readonly cause: FailureReason }
  | { readonly kind: 'max_attempts'; readonly attempts: number; readonly cause: FailureReason }
  | { readonly kind: 'queue_full'; readonly queuedEvents: number; readonly queuedBytes: number }
  | { readonly kind: 'message_too_large'; readonly bytes: number; readonly limit: number }
  | { readonly kind: 'closed'; readonly detail: string };

/** Receives every message the tracker could not deliver; nothing is dropped silently. */
export type DeadLetterHandler = (messages: readonly Message[], reason: DeadLetterReason) => void;

/** A one-line description of a dead-letter reason, for logs. */
export function describeDeadLetter(reason: DeadLetterReason): string {
  return DESCRIBE[reason.kind](reason as never);
}

const DESCRIBE: {
  readonly [K in DeadLetterReason['kind']]: (reason: Extract<DeadLetterReason, { kind: K }>) => string;
} = {
  rejected: (r) => `the collector rejected the batch (${describeCause(r.cause)})`,
  max_attempts: (r) => `gave up after ${r.attempts} attempts (${describeCause(r.cause)})`,
  queue_full: (r) => `the queue was full (${r.queuedEvents} events, ${r.queuedBytes} bytes)`,
  message_too_large: (r) => `the message is ${r.bytes} bytes, over the ${r.limit}-byte limit`,
  closed: (r) => `the tracker closed before delivery: ${r.detail}`,
};

function describeCause(cause: FailureReason): string {
  if (cause.kind === 'http')
    return `HTTP ${cause.status}${cause.body ? `: ${cause.body.slice(0, 200)}` : ''}`;
  if (cause.kind === 'timeout') return `no response within ${cause.afterMs} ms`;
  return `network error: ${cause.message}`;
}
