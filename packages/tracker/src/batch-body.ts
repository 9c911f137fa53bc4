import type { QueuedMessage } from './message.js';

/** Segment's limits: 500 KB per batch request, 32 KB per message. */
export const MAX_BATCH_BYTES = 500 * 1024;
export const MAX_MESSAGE_BYTES = 32 * 1024;

const ENVELOPE_BYTES = 64;
/** Bytes `,"sentAt":"2026-11-29T12:00:00.000Z"` adds to each message. */
export const SENT_AT_BYTES = 37;

/** The largest sum of message sizes that keeps a request body within `maxRequestBytes`. */
export function payloadBudget(maxRequestBytes: number, maxCount: number): number {
  return maxRequestBytes - ENVELOPE_BYTES - maxCount * (SENT_AT_BYTES + 1);
}

/**
 * Serialises a Segment batch request body: `{"batch":[…],"sentAt":"…"}` with `sentAt` also set
 * on every message (the collector uses it for clock-skew correction). Messages are spliced as
 * text, so a retry sends exactly the bytes enqueued plus the new `sentAt`.
 */
export function batchBody(messages: readonly QueuedMessage[], sentAt: string, writeKey?: string): string {
  const tail = ',"sentAt":"' + sentAt + '"}';
  let body = '{"batch":[';
  for (let i = 0; i < messages.length; i++) {
    const json = messages[i]!.json;
    if (i > 0) body += ',';
    body += json.slice(0, -1) + tail;
  }
  body += '],"sentAt":"' + sentAt + '"';
  if (writeKey !== undefined) body += ',"writeKey":' + JSON.stringify(writeKey);
  return body + '}';
}
