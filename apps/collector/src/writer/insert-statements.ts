/** The channel the ETL listens on; the payload is the highest `raw.events.seq` just committed. */
export const RAW_EVENTS_CHANNEL = 'tributary_raw_events';

/**
 * One multi-row insert of accepted events from a single jsonb array parameter; `n` keeps `seq` in arrival order. Duplicates (same message_id, earlier or in the same statement)
 * are skipped; RETURNING tells which rows went in.
 */
export const INSERT_EVENTS_SQL = `INSERT INTO raw.events (message_id, received_at, source, type, event, payload)
SELECT r.message_id, r.received_at, r.source, r.type, r.event, r.payload
FROM jsonb_to_recordset($1::jsonb)
  AS r(n integer, message_id text, received_at timestamptz, source text, type text, event text, payload jsonb)
ORDER BY r.n
ON CONFLICT (message_id) DO NOTHING
RETURNING seq, message_id`;

/** One multi-row insert of rejected messages (stage `collector`). */
export const INSERT_REJECTED_SQL = `INSERT INTO raw.rejected (received_at, stage, source, message_id, reasons, payload)
SELECT r.received_at, 'collector', r.source, r.message_id, r.reasons, r.payload
FROM jsonb_to_recordset($1::jsonb) AS r(received_at timestamptz, source text, message_id text, reasons jsonb, payload text)`;

/** Notifies listeners inside the transaction, so the notification is delivered on commit. */
export const NOTIFY_SQL = `SELECT pg_notify('${RAW_EVENTS_CHANNEL}', $1)`;
