/** An accepted event as the collector hands it over (payload: the enriched message as JSON text). */
export interface SinkEventRow {
  readonly messageId: string;
  readonly type: string;
  readonly event: string | null;
  readonly payload: string;
}

/** A rejected message: its reasons and the payload as it arrived (text). */
export interface SinkRejectedRow {
  readonly messageId: string | null;
  readonly reasons: readonly unknown[];
  readonly payload: string;
}

/**
 * One event on the stream: exactly a row of the loader's `jsonb_to_recordset` (`message_id`,
 * `received_at`, `source`, `type`, `event`, `payload`), so the loader joins message bodies into
 * its statement parameter without parsing them. `payload` is embedded as JSON, not as a string.
 */
export function encodeEventRecord(source: string, receivedAtIso: string, row: SinkEventRow): string {
  return `{"message_id":${JSON.stringify(row.messageId)},"received_at":${JSON.stringify(receivedAtIso)},"source":${JSON.stringify(source)},"type":${JSON.stringify(row.type)},"event":${JSON.stringify(row.event)},"payload":${row.payload}}`;
}

/** One rejected message on the stream: a row of the loader's raw.rejected parameter. */
export function encodeRejectedRecord(source: string, receivedAtIso: string, row: SinkRejectedRow): string {
  return JSON.stringify({
    received_at: receivedAtIso,
    source,
    message_id: row.messageId,
    reasons: row.reasons,
    payload: row.payload,
  });
}

/**
 * The `Nats-Msg-Id` of an accepted event: JetStream drops a republished id within the duplicate
 * window, and message ids are unique per source, so the id carries the source:
 * `<source>:<messageId>`, the source percent-encoded (a `:` in it cannot make two pairs meet).
 *
 * @example
 * natsMessageId('web', 'm-1') // → 'web:m-1'
 */
export function natsMessageId(source: string, messageId: string): string {
  return `${encodeURIComponent(source)}:${messageId}`;
}

/**
 * The source and message id of a `Nats-Msg-Id` written by `natsMessageId`; a header without `:`
 * (published before ids carried the source) is a message id of no known source.
 */
export function parseNatsMessageId(header: string): { source: string | null; messageId: string } {
  const colon = header.indexOf(':');
  if (colon < 0) return { source: null, messageId: header };
  try {
    return { source: decodeURIComponent(header.slice(0, colon)), messageId: header.slice(colon + 1) };
  } catch {
    return { source: null, messageId: header };
  }
}
