import type { FlushStore, WriteRequest, WriteResult } from './batch-writer.js';
import { FLUSH_SQL } from './insert-statements.js';

/** The database side of `statementFlush`: one parameterised statement (atomic on its own). */
export interface FlushDatabase {
  query<T>(text: string, params?: readonly unknown[]): Promise<T[]>;
}

/**
 * Stores a flush with ONE statement (`FLUSH_SQL`, atomic by itself, one round trip): a multi-row
 * INSERT of events from a jsonb array (`ON CONFLICT (message_id) DO NOTHING`), one of rejected
 * messages, and a NOTIFY with the highest new seq. Runs on both engines; on PostgreSQL the
 * collector prefers `copyFlush`.
 */
export function statementFlush(db: FlushDatabase): FlushStore {
  return async (requests) => {
    const rows = await db.query<{ message_id: string | null }>(FLUSH_SQL, [
      eventsJson(requests),
      rejectedJson(requests),
    ]);
    const insertedIds = rows.flatMap((row) => (row.message_id === null ? [] : [row.message_id]));
    // The first occurrence of a new id in arrival order is the stored one; later ones are duplicates.
    const fresh = new Set(insertedIds);
    return requests.map(
      (request): WriteResult => ({ stored: request.events.map((row) => fresh.delete(row.messageId)) }),
    );
  };
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
