// Generates raw.events in SQL (generate_series, no client round trips): one install per user, then
// active days decaying over ~60 days after the install with $3 events on each (consecutive events
// share a user-day, as sessions do), 2% purchases, 90 days from 2026-01-01.

/** The INSERT … SELECT for $1 track events of $2 users, $3 events per active user-day. */
export const GENERATE_RAW_EVENTS = `
insert into raw.events (message_id, received_at, source, type, event, payload)
select 'm' || x.i, x.ts, 'bench', 'track', x.event,
  jsonb_build_object(
    'type', 'track', 'event', x.event, 'messageId', 'm' || x.i, 'userId', 'u' || x.u,
    'timestamp', to_char(x.ts at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    'properties', case when x.event = 'purchase' then jsonb_build_object('amount_cents', 99 + x.i % 4900, 'currency', 'USD') else '{}'::jsonb end,
    'context', jsonb_build_object('eventVersion', 1, 'sessionId', 'u' || x.u || '-' || x.day, 'platform', (array['ios', 'android', 'web'])[1 + x.u % 3])
  )
from (
  select i, u, day, event,
    timestamptz '2026-01-01 00:00:00+00' + make_interval(days => day::int, secs => (random() * 86399)::int) as ts
  from (
    select i, u,
      least(89, ((u * 7919) % 90)::int + floor(60 * power(h, 3))::int) as day,
      case when random() < 0.02 then 'purchase' else 'level_up' end as event
    from (
      select i, 1 + (j * 2654435761) % $2::bigint as u,
        ((j * 1103515245 + 12345) % 2147483648)::float8 / 2147483648 as h
      from (select i, (i - 1) / $3::bigint as j from generate_series(1, $1::bigint) as i) as numbered
    ) as picked
  ) as days
  union all
  select -u, u, ((u * 7919) % 90)::int, 'app_install', timestamptz '2026-01-01 00:00:00+00' + make_interval(days => ((u * 7919) % 90)::int)
  from generate_series(1, $2::bigint) as u
) as x`;
