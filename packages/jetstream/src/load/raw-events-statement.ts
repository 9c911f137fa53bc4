// Moved here from apps/collector/src/writer/insert-statements.ts (which re-exports it): the
// collector depends on this package for its broker sink, so the loader could not import the
// collector; both now run the very same statement, lock and NOTIFY.

/** The channel the ETL listens on; the payload is the highest `raw.events.seq` just committed. */
export const RAW_EVENTS_CHANNEL = 'tributary_raw_events';

/** Advisory lock key that serialises inserts into raw.events across flushes and collector processes. */
export const RAW_EVENTS_LOCK_KEY = 7_245_913_001;

/**
 * One flush as ONE statement (atomic on its own, one round trip): accepted events from a jsonb
 * array (`$1`, `n` keeps `seq` in arrival order; `ON CONFLICT (message_id, source) DO NOTHING`
 * skips duplicates, earlier or in the same statement: a message id is unique per source, so the
 * same id from another source is stored), rejected messages from `$2` (stage `collector`), and
 * `pg_notify` with the highest new seq, delivered on commit. Returns the inserted rows (seq,
 * message_id, source) plus one marker row (all NULL) when a notification was sent.
 *
 * The one-time filter takes a transaction advisory lock before the first `seq` is drawn and holds
 * it until commit, so concurrent flushes (and collectors) commit in `seq` order: an ETL reading
 * `seq > watermark` never misses a row that commits later with a smaller seq. The jsonb parameter
 * is parsed at planning time, outside the lock, so overlapping flushes still gain.
 */
export const FLUSH_SQL = `WITH inserted AS (
  INSERT INTO raw.events (message_id, received_at, source, type, event, payload)
  SELECT r.message_id, r.received_at, r.source, r.type, r.event, r.payload
  FROM jsonb_to_recordset($1::jsonb)
    AS r(n integer, message_id text, received_at timestamptz, source text, type text, event text, payload jsonb)
  WHERE (SELECT 1 FROM pg_advisory_xact_lock(${RAW_EVENTS_LOCK_KEY})) = 1
  ORDER BY r.n
  ON CONFLICT (message_id, source) DO NOTHING
  RETURNING seq, message_id, source
), rejected AS (
  INSERT INTO raw.rejected (received_at, stage, source, message_id, reasons, payload)
  SELECT r.received_at, 'collector', r.source, r.message_id, r.reasons, r.payload
  FROM jsonb_to_recordset($2::jsonb)
    AS r(received_at timestamptz, source text, message_id text, reasons jsonb, payload text)
  RETURNING 1
)
SELECT message_id, source, seq::text AS seq FROM inserted
UNION ALL
SELECT NULL, NULL, NULL FROM (
  SELECT pg_notify('${RAW_EVENTS_CHANNEL}', max(seq)::text) FROM inserted HAVING count(*) > 0
) AS notified`;

/**
 * A flush error explained when raw.events lacks the unique key on (message_id, source) — a
 * warehouse created before message ids were unique per source and not migrated yet: PostgreSQL
 * reports 42P10 (no constraint matching ON CONFLICT) or, for COPY, 23505 on the old
 * `events_message_id_key`. Other errors are returned as they are.
 */
export function explainFlushError(error: unknown): unknown {
  const { code, constraint, message } = (error ?? {}) as {
    code?: unknown;
    constraint?: unknown;
    message?: unknown;
  };
  const noKey = code === '42P10' || (code === '23505' && constraint === 'events_message_id_key');
  if (!noKey) return error;
  return Object.assign(
    new Error(
      `raw.events is not unique on (message_id, source): the warehouse was created before message ids were deduplicated per source (${String(message)}). Upgrade it: tributary generate, then tributary migrate.`,
      { cause: error },
    ),
    { code },
  );
}

/**
 * Which rejected rows of `$1` (a jsonb array of `{ i, received_at, source, message_id, payload }`)
 * are already in raw.rejected. The loader asks only for rows of redelivered messages: raw.rejected
 * has no natural key, and a message whose commit succeeded but whose ack was lost comes back.
 */
export const EXISTING_REJECTED_SQL = `SELECT r.i
FROM jsonb_to_recordset($1::jsonb)
  AS r(i integer, received_at timestamptz, source text, message_id text, payload text)
WHERE EXISTS (
  SELECT 1 FROM raw.rejected AS x
  WHERE x.received_at = r.received_at AND x.source IS NOT DISTINCT FROM r.source
    AND x.message_id IS NOT DISTINCT FROM r.message_id AND x.payload = r.payload
)`;
