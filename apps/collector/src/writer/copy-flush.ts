import type { WarehouseTransaction } from '@tributary/warehouse';
import type { FlushStore, WriteRequest, WriteResult } from './batch-writer.js';
import { copyField, copyJsonField } from './copy-text.js';
import { explainFlushError, RAW_EVENTS_CHANNEL, RAW_EVENTS_LOCK_KEY } from './insert-statements.js';
import { MessageKeys, rejectedJson } from './statement-flush.js';

/** The database side of `copyFlush`: a PostgreSQL warehouse (COPY FROM STDIN and transactions). */
export interface CopyFlushDatabase {
  copyFrom(script: string, data: string | Uint8Array): Promise<number>;
  transaction<T>(fn: (tx: WarehouseTransaction) => Promise<T>): Promise<T>;
}

const LOCK_SQL = `SELECT pg_advisory_xact_lock(${RAW_EVENTS_LOCK_KEY})`;
/** COPY text format, columns in the order `copyLines` writes them. */
const EVENTS_COPY_SQL = 'COPY raw.events (message_id, received_at, source, type, event, payload) FROM STDIN';
// Under the lock no other writer has uncommitted rows in raw.events, so the highest seq is ours.
const NOTIFY_SQL = `SELECT pg_notify('${RAW_EVENTS_CHANNEL}', max(seq)::text) FROM raw.events`;
/** The whole common flush, sent with its COPY data in one round trip. */
export const COPY_FLUSH_SCRIPT = `BEGIN; ${LOCK_SQL}; ${EVENTS_COPY_SQL}; ${NOTIFY_SQL}; COMMIT`;
// Message ids are unique per source: only a stored (message_id, source) pair makes a duplicate.
const EXISTING_SQL = `SELECT e.message_id, e.source
FROM raw.events AS e
JOIN unnest($1::text[], $2::text[]) AS k(message_id, source)
  ON e.message_id = k.message_id AND e.source = k.source`;
const REJECTED_SQL = `INSERT INTO raw.rejected (received_at, stage, source, message_id, reasons, payload)
SELECT r.received_at, 'collector', r.source, r.message_id, r.reasons, r.payload
FROM jsonb_to_recordset($1::jsonb)
  AS r(received_at timestamptz, source text, message_id text, reasons jsonb, payload text)`;
const UNIQUE_VIOLATION = '23505';

/**
 * Stores a flush with COPY, PostgreSQL's bulk-load path (about a third of the server time per row
 * of `statementFlush`'s INSERT … ON CONFLICT). Repeats of a (source, message id) within the flush are
 * dropped first (the first occurrence is stored; another source's same id is not a repeat). Then, in
 * one round trip, `COPY_FLUSH_SCRIPT`:
 *
 *   BEGIN; SELECT pg_advisory_xact_lock(…);
 *   COPY raw.events (…) FROM STDIN;                                   -- data sent with the script
 *   SELECT pg_notify('tributary_raw_events', max(seq)::text) FROM raw.events;
 *   COMMIT
 *
 * If an id was stored earlier for its source (a client retry: the unique index on
 * (message_id, source) rejects the COPY), or the flush holds rejected messages, the flush runs
 * again as a checked transaction: lock; which (source, id) pairs exist;
 * COPY only the new ones; INSERT the rejected; NOTIFY; COMMIT. Every writer of raw.events holds the
 * same transaction advisory lock until commit, so that check cannot race another insert and `seq`
 * order stays commit order. A failure rolls everything back.
 */
export function copyFlush(db: CopyFlushDatabase): FlushStore {
  return async (requests) => {
    const lines = requests.map(copyLines);
    const hasRejected = requests.some((request) => request.rejected.length > 0);
    if (!hasRejected) {
      const first = firstOccurrences(requests, lines, new MessageKeys());
      if (first.copied.length === 0) return first.results;
      try {
        await db.copyFrom(COPY_FLUSH_SCRIPT, encodeLines(first.copied));
        return first.results;
      } catch (error) {
        if ((error as { code?: unknown }).code !== UNIQUE_VIOLATION) throw error;
      }
    }
    // A unique violation on the checked path (after the lookup, under the lock) means raw.events
    // is still unique on message_id alone: explainFlushError says to migrate the warehouse.
    const checked = db.transaction(async (tx) => {
      if (!tx.copyFrom) throw new Error('copyFlush needs a PostgreSQL warehouse (COPY FROM STDIN).');
      await tx.exec(LOCK_SQL);
      const ids = requests.flatMap((request) => request.events.map((event) => event.messageId));
      const sources = requests.flatMap((request) => request.events.map(() => request.source));
      const existing =
        ids.length === 0
          ? []
          : await tx.query<{ message_id: string; source: string }>(EXISTING_SQL, [ids, sources]);
      const taken = new MessageKeys();
      for (const row of existing) taken.add(row.source, row.message_id);
      const fresh = firstOccurrences(requests, lines, taken);
      if (fresh.copied.length > 0) await tx.copyFrom(EVENTS_COPY_SQL, encodeLines(fresh.copied));
      if (hasRejected) await tx.query(REJECTED_SQL, [rejectedJson(requests)]);
      if (fresh.copied.length > 0) await tx.query(NOTIFY_SQL);
      return fresh.results;
    });
    return checked.catch((error: unknown) => {
      throw explainFlushError(error);
    });
  };
}

/** Which events to store: the first occurrence of each (source, id) not in `taken`; `copied` are their lines. */
function firstOccurrences(
  requests: readonly WriteRequest[],
  lines: readonly (readonly string[])[],
  taken: MessageKeys,
): { results: WriteResult[]; copied: string[] } {
  const copied: string[] = [];
  const results = requests.map(
    (request, r): WriteResult => ({
      stored: request.events.map((event, e) => {
        if (taken.has(request.source, event.messageId)) return false;
        taken.add(request.source, event.messageId);
        copied.push(lines[r]?.[e] ?? '');
        return true;
      }),
    }),
  );
  return { results, copied };
}

/** The lines as UTF-8, written straight into one buffer (no joined string to encode again). */
function encodeLines(lines: readonly string[]): Buffer {
  let chars = 0;
  for (const line of lines) chars += line.length;
  // A UTF-16 code unit takes at most 3 UTF-8 bytes.
  const buffer = Buffer.allocUnsafe(chars * 3);
  let bytes = 0;
  for (const line of lines) bytes += buffer.write(line, bytes, 'utf8');
  return buffer.subarray(0, bytes);
}

/** One COPY text line per event of the request, in `EVENTS_COPY_SQL`'s column order. */
function copyLines(request: WriteRequest): string[] {
  const head = `\t${request.receivedAt.toISOString()}\t${copyField(request.source)}\t`;
  return request.events.map(
    (event) =>
      `${copyField(event.messageId)}${head}${copyField(event.type)}\t${copyField(event.event)}\t${copyJsonField(event.payload)}\n`,
  );
}
