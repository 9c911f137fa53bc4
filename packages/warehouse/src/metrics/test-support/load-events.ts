import type { SqlRunner } from '../../warehouse.js';
import { cookTracks } from './cook-sql.js';
import { COOKED_TEST_DDL } from './cooked-ddl.js';
import type { SyntheticEvent } from './synthetic-events.js';

const BATCH = 5000;

/** Creates processed.tracks and the cooked tables, loads the events in JSON batches and cooks them. */
export async function loadAndCook(
  db: SqlRunner,
  events: readonly SyntheticEvent[],
  timeZones: readonly string[],
): Promise<void> {
  await db.exec(COOKED_TEST_DDL);
  for (let i = 0; i < events.length; i += BATCH) {
    const rows = events.slice(i, i + BATCH).map((e, j) => ({
      message_id: e.messageId,
      seq: i + j + 1,
      event: e.event,
      event_version: 1,
      user_key: e.userKey,
      user_id: e.userId,
      anonymous_id: e.anonymousId,
      timestamp: new Date(e.at).toISOString(),
      session_id: e.sessionId,
      revenue: e.revenueCents === null ? null : (e.revenueCents / 100).toFixed(2),
      currency: e.revenueCents === null ? null : 'USD',
      context_platform: e.platform,
      context_country: e.country,
    }));
    await db.query(
      `insert into processed.tracks (message_id, seq, event, event_version, user_key, user_id, anonymous_id,
         "timestamp", session_id, revenue, currency, context_platform, context_country)
       select message_id, seq, event, event_version, user_key, user_id, anonymous_id, "timestamp", session_id,
         revenue, currency, context_platform, context_country
       from jsonb_to_recordset(cast($1 as jsonb)) as x(message_id text, seq bigint, event text, event_version integer,
         user_key text, user_id text, anonymous_id text, "timestamp" timestamptz, session_id text, revenue numeric,
         currency text, context_platform text, context_country text)`,
      [JSON.stringify(rows)],
    );
  }
  await cookTracks(db, { timeZones, installEvent: 'app_install', purchaseEvent: 'purchase' });
  await db.exec('analyze');
}
