import type { FlushStore, WriteRequest, WriteResult } from './batch-writer.js';
import { explainFlushError, FLUSH_SQL } from './insert-statements.js';

/** The database side of `statementFlush`: one parameterised statement (atomic on its own). */
export interface FlushDatabase {
  query<T>(text: string, params?: readonly unknown[]): Promise<T[]>;
}

/**
 * Stores a flush with ONE statement (`FLUSH_SQL`, atomic by itself, one round trip): a multi-row
 * INSERT of events from a jsonb array (`ON CONFLICT (message_id, source) DO NOTHING`), one of
 * rejected messages, and a NOTIFY with the highest new seq. Runs on both engines; on PostgreSQL
 * the collector prefers `copyFlush`.
 */
export function statementFlush(db: FlushDatabase): FlushStore {
  return async (requests) => {
    const rows = await db
      .query<{ message_id: string | null; source: string | null }>(FLUSH_SQL, [
        eventsJson(requests),
        rejectedJson(requests),
      ])
      .catch((error: unknown) => {
        throw explainFlushError(error);
      });
    // Message ids are unique per source. The first occurrence of a new (source, id) in arrival
    // order is the stored one; later ones are duplicates.
    const fresh = new MessageKeys();
    for (const row of rows) if (row.message_id !== null) fresh.add(row.source ?? '', row.message_id);
    return requests.map(
      (request): WriteResult => ({
        stored: request.events.map((row) => fresh.delete(request.source, row.messageId)),
      }),
    );
  };
}

/** A set of (source, message id) pairs: a message id is unique per source, not across sources. */
export class MessageKeys {
  readonly #bySource = new Map<string, Set<string>>();

  has(source: string, messageId: string): boolean {
    return this.#bySource.get(source)?.has(messageId) ?? false;
  }

  add(source: string, messageId: string): void {
    const ids = this.#bySource.get(source);
    if (ids === undefined) this.#bySource.set(source, new Set([messageId]));
    else ids.add(messageId);
  }

  /** Removes the pair; true when it was there. */
  delete(source: string, messageId: string): boolean {
    return this.#bySource.get(source)?.delete(messageId) ?? false;
  }
}

function eventsJson(requests: readonly WriteRequest[]): string {
  const parts: string[] = [];
  for (const request of requests) {
    const head = `,"received_at":${JSON.stringify(request.receivedAt.toISOString())},"source":${JSON.stringify(request.source)}`;
    for (const row of request.events)
      parts.push(
        `{"n":${parts.length},"message_id":${JSON.stringify(row.messageId)}${head},"type":${JSON.stringify(row.type)},"event":${JSON.stringify(row.event)},"payload":${row.payload}}`,
      );
  }
  return `[${parts.join(',')}]`;
}

/** Rejected messages of a flush as the jsonb array `FLUSH_SQL` and `copyFlush` read. */
export function rejectedJson(requests: readonly WriteRequest[]): string {
  const rows = requests.flatMap((request) =>
    request.rejected.map((row) => ({
      received_at: request.receivedAt.toISOString(),
      source: request.source,
      message_id: row.messageId,
      reasons: row.reasons,
      payload: row.payload,
    })),
  );
  return JSON.stringify(rows);
}
