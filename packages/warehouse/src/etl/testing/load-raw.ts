import type { SqlRunner } from '../../warehouse.js';
import type { RawRow } from './etl-dataset.js';

/** Inserts rows into raw.events in batches (one INSERT from arrays per batch); seq follows the rows' order. */
export async function insertRawRows(
  db: SqlRunner,
  rows: readonly RawRow[],
  source = 'test',
  batch = 5_000,
): Promise<void> {
  for (let i = 0; i < rows.length; i += batch) {
    const part = rows.slice(i, i + batch);
    await db.query(
      `INSERT INTO raw.events (message_id, received_at, source, type, event, payload)
SELECT x.m, x.r, $6, x.t, x.e, x.p
FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::jsonb[]) WITH ORDINALITY AS x(m, r, t, e, p, n)
ORDER BY x.n`,
      [
        part.map((r) => r.messageId),
        part.map((r) => r.receivedAt),
        part.map((r) => r.type),
        part.map((r) => r.event),
        part.map((r) => JSON.stringify(r.payload)),
        source,
      ],
    );
  }
}
