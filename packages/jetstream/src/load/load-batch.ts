import type { JsMsg } from '@nats-io/jetstream';
import { kindOfSubject, type ResolvedBrokerConfig } from '../config/broker-config.js';
import { parseNatsMessageId } from '../publish/wire-records.js';
import { EXISTING_REJECTED_SQL, explainFlushError, FLUSH_SQL } from './raw-events-statement.js';

/** The database side of the loader: one parameterised statement at a time (pg or PGlite). */
export interface LoadDatabase {
  query<T>(text: string, params?: readonly unknown[]): Promise<T[]>;
}

/** What one batch did. */
export interface BatchOutcome {
  /** Events new in raw.events. */
  readonly inserted: number;
  /** Events whose message_id was already stored for their source (a redelivery, or a republish after the window). */
  readonly duplicates: number;
  /** Rejected messages written to raw.rejected. */
  readonly rejected: number;
  /** Rejected messages skipped because a redelivery found them already stored. */
  readonly rejectedAlreadyStored: number;
  /** Messages that are not Tributary records (another subject); acknowledged and ignored. */
  readonly foreign: number;
}

/**
 * Writes one batch of stream messages with the collector's flush statement (one atomic statement:
 * events `ON CONFLICT (message_id, source) DO NOTHING` in stream order under the commit-order lock,
 * rejected messages, NOTIFY). Message bodies are joined into the parameter without parsing: a
 * body is already a row of the statement. Throws when the statement fails (nothing committed).
 */
export async function loadBatch(
  db: LoadDatabase,
  config: ResolvedBrokerConfig,
  messages: readonly JsMsg[],
): Promise<BatchOutcome> {
  const events: string[] = [];
  const rejected: string[] = [];
  const redeliveredRejected: number[] = [];
  let foreign = 0;
  for (const message of messages) {
    const kind = kindOfSubject(config, message.subject);
    const text = message.string();
    if (kind === 'events') events.push(`{"n":${events.length},${text.slice(1)}`);
    else if (kind === 'rejected') {
      if (message.redelivered) redeliveredRejected.push(rejected.length);
      rejected.push(text);
    } else foreign++;
  }
  let skip = new Set<number>();
  if (redeliveredRejected.length > 0) {
    const probe = `[${redeliveredRejected.map((i) => `{"i":${i},${(rejected[i] as string).slice(1)}`).join(',')}]`;
    const rows = await db.query<{ i: number }>(EXISTING_REJECTED_SQL, [probe]);
    skip = new Set(rows.map((row) => row.i));
  }
  const toInsert = skip.size === 0 ? rejected : rejected.filter((_, i) => !skip.has(i));
  let inserted = 0;
  if (events.length > 0 || toInsert.length > 0) {
    const rows = await db
      .query<{ message_id: string | null }>(FLUSH_SQL, [`[${events.join(',')}]`, `[${toInsert.join(',')}]`])
      .catch((error: unknown) => {
        throw explainFlushError(error);
      });
    inserted = rows.filter((row) => row.message_id !== null).length;
  }
  return {
    inserted,
    duplicates: events.length - inserted,
    rejected: toInsert.length,
    rejectedAlreadyStored: skip.size,
    foreign,
  };
}

/**
 * A message that failed on its own with a non-connection error (its body is not a valid record):
 * stored whole in raw.rejected (stage `collector`, rule `invalid_broker_message`) so it is kept,
 * then acknowledged. NUL characters, which text cannot hold, are written as `\u0000`.
 */
export async function rejectUnloadable(db: LoadDatabase, message: JsMsg, error: unknown): Promise<void> {
  const reason = {
    path: '',
    rule: 'invalid_broker_message',
    expected: 'a Tributary record published by the collector',
    received: `a message on ${message.subject} (stream sequence ${message.seq})`,
    message: String((error as Error)?.message ?? error).replace(/\0/g, '\\u0000'),
  };
  const header = message.headers?.get('Nats-Msg-Id') || null;
  const id = header === null ? { source: null, messageId: null } : parseNatsMessageId(header);
  const row = {
    received_at: new Date(message.info.timestampNanos / 1e6).toISOString(),
    source: id.source,
    message_id: id.messageId,
    reasons: [reason],
    payload: message.string().replace(/\0/g, '\\u0000'),
  };
  await db.query(FLUSH_SQL, ['[]', JSON.stringify([row])]);
}
