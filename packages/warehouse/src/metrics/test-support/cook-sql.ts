import type { SqlRunner } from '../../warehouse.js';

/**
 * Test scaffolding standing in for the ETL's cooking step: fills the cooked tables from
 * processed.tracks for the given reporting zones and dimensions (context columns
 * `context_<dimension>`), following the lead's design. Sessions come from the tracker's session id.
 */
export async function cookTracks(
  db: SqlRunner,
  options: {
    readonly timeZones: readonly string[];
    readonly installEvent: string;
    readonly purchaseEvent: string;
  },
): Promise<void> {
  const zones = `(select unnest(cast($1 as text[])) as time_zone)`;
  const local = `(t."timestamp" at time zone z.time_zone)::date`;
  await db.query(
    `insert into cooked.user_days (time_zone, day, user_key, events, sessions, revenue, purchases, first_event_at, last_event_at)
     select z.time_zone, ${local}, t.user_key, count(*), count(distinct t.session_id),
       coalesce(sum(t.revenue), 0), count(*) filter (where t.event = $2), min(t."timestamp"), max(t."timestamp")
     from processed.tracks t cross join ${zones} z
     group by z.time_zone, ${local}, t.user_key`,
    [options.timeZones, options.purchaseEvent],
  );
  for (const dimension of ['platform', 'country']) {
    await db.query(
      `insert into cooked.user_day_dimensions (time_zone, day, user_key, dimension, value, events, sessions, revenue, purchases)
       select z.time_zone, ${local}, t.user_key, $3, coalesce(t.context_${dimension}, '(none)'), count(*),
         count(distinct t.session_id), coalesce(sum(t.revenue), 0), count(*) filter (where t.event = $2)
       from processed.tracks t cross join ${zones} z
       group by z.time_zone, ${local}, t.user_key, coalesce(t.context_${dimension}, '(none)')`,
      [options.timeZones, options.purchaseEvent, dimension],
    );
  }
  await db.query(
    `insert into cooked.users (time_zone, user_key, user_id, anonymous_id, first_seen_at, last_seen_at, first_day, last_day,
       install_day, install_at, first_purchase_day, first_purchase_at, revenue, events)
     select z.time_zone, t.user_key, max(t.user_id), max(t.anonymous_id), min(t."timestamp"), max(t."timestamp"),
       min(${local}), max(${local}),
       (min(t."timestamp") filter (where t.event = $2) at time zone z.time_zone)::date,
       min(t."timestamp") filter (where t.event = $2),
       (min(t."timestamp") filter (where t.event = $3) at time zone z.time_zone)::date,
       min(t."timestamp") filter (where t.event = $3),
       coalesce(sum(t.revenue), 0), count(*)
     from processed.tracks t cross join ${zones} z
     group by z.time_zone, t.user_key`,
    [options.timeZones, options.installEvent, options.purchaseEvent],
  );
  await db.exec(
    `insert into cooked.sessions (session_key, user_key, started_at, ended_at, events)
     select session_id, min(user_key), min("timestamp"), max("timestamp"), count(*)
     from processed.tracks group by session_id`,
  );
  await db.query(
    `insert into cooked.session_days (time_zone, day, session_key, user_key)
     select distinct z.time_zone, ${local}, t.session_id, t.user_key
     from processed.tracks t cross join ${zones} z`,
    [options.timeZones],
  );
}
