// Mobile-game events generated in SQL (generate_series, no client round trips), written straight
// into processed.tracks, the event tables of the plan's events (app_install, level_up, purchase)
// and cooked.identities as the ETL would leave them: the ETL itself would take longer than
// everything else here. session_start and session_end are tracks rows only (the bench plan has no
// such events; they stand for the events a funnel does not read).
//
// Each player installs at a random time over 46 days from 2026-02-20 and plays 1..40 sessions
// (skewed to few), 2 to 36 hours apart. A session is session_start, the player's 0..3 level_ups
// (levels count up across sessions), sometimes a purchase (8% of players buy in 40% of their
// sessions from the third on, the others in 0.5%), session_end; the first session starts with
// app_install. A quarter of the players play their first one or two sessions anonymously, then
// sign in (cooked.identities links the anonymous id to the user id once a signed-in event exists).
// Events of one person never share a millisecond (sessions are hours apart, events 20..120 s).

/** Generated events per player, on average (measured): sizes the batches. */
export const EVENTS_PER_PLAYER = 41;

/** The last instant (exclusive) of the generated data. */
export const DATA_END = '2026-04-07T00:00:00Z';

export const CREATE_STAGING = `create unlogged table bench_events (
  user_key text not null, user_id text, anonymous_id text, session_id text not null,
  event text not null, level integer, ts timestamptz not null, platform text not null
)`;

/** Adds the events of $2 players numbered from $1 to bench_events. */
export const GENERATE_PLAYERS = `
insert into bench_events
select case when s.j > p.anonymous_sessions then 'u' || p.u else 'a' || p.u end,
  case when s.j > p.anonymous_sessions then 'u' || p.u end,
  case when p.anonymous_sessions > 0 then 'a' || p.u end,
  'u' || p.u || '-' || s.j,
  case when m < s.o then 'app_install' when m = s.o then 'session_start'
    when m <= s.o + p.levels then 'level_up' when m <= s.o + p.levels + s.purchases then 'purchase'
    else 'session_end' end,
  case when m > s.o and m <= s.o + p.levels then 1 + (s.j - 1) * p.levels + (m - s.o) end,
  date_trunc('milliseconds', s.started_at + make_interval(secs => m * p.step_s)),
  (array['ios', 'android'])[1 + p.u % 2]
from (
  select u,
    timestamptz '2026-02-20 00:00:00+00' + random() * interval '46 days' as installed_at,
    1 + floor(40 * power(random(), 2))::int as sessions,
    7200 + random() * 122400 as gap_s,
    (array[0, 1, 1, 1, 1, 2, 2, 2, 3, 3])[1 + floor(random() * 10)::int] as levels,
    random() < 0.08 as spender,
    case when u % 4 = 0 then 1 + (u / 4) % 2 else 0 end as anonymous_sessions,
    20 + random() * 100 as step_s
  from generate_series($1::bigint, $1::bigint + $2::bigint - 1) as u
) as p
cross join lateral (
  select j, p.installed_at + make_interval(secs => (j - 1) * p.gap_s + random() * p.gap_s / 4) as started_at,
    case when j = 1 then 1 else 0 end as o,
    (random() < case when p.spender and j > 2 then 0.4 else 0.005 end)::int as purchases
  from generate_series(1, p.sessions) as j
) as s
cross join lateral generate_series(0, s.o + p.levels + s.purchases + 1) as m
where s.started_at + make_interval(secs => m * p.step_s) < timestamptz '${DATA_END}'`;

/**
 * Moves bench_events into the processed tables in arrival (time) order, seq and message ids
 * numbered in that order as the ETL assigns them, and links each anonymous id that signed in.
 */
export const LOAD_PROCESSED = `
create unlogged table bench_numbered as
  select row_number() over (order by ts, user_key, event) as seq, e.* from bench_events as e;
drop table bench_events;
insert into processed.tracks (message_id, source, seq, event, event_version, user_key, user_id,
  anonymous_id, "timestamp", session_id, context_platform, context_app_version)
select 'm' || seq, 'bench', seq, event, case when event = 'level_up' then 2 else 1 end, user_key,
  user_id, anonymous_id, ts, session_id, platform, '1.4.0'
from bench_numbered order by seq;
insert into processed.level_up (message_id, source, seq, user_id, anonymous_id, "timestamp",
  received_at, event_version, session_id, context_platform, context_app_version, "character", level)
select 'm' || seq, 'bench', seq, user_id, anonymous_id, ts, ts, 2, session_id, platform, '1.4.0',
  (array['knight', 'mage', 'rogue', 'ranger'])[1 + seq % 4], level
from bench_numbered where event = 'level_up' order by seq;
insert into processed.app_install (message_id, source, seq, user_id, anonymous_id, "timestamp",
  received_at, event_version, session_id, context_platform, context_app_version, store)
select 'm' || seq, 'bench', seq, user_id, anonymous_id, ts, ts, 1, session_id, platform, '1.4.0',
  case when platform = 'ios' then 'app_store' else 'play_store' end
from bench_numbered where event = 'app_install' order by seq;
insert into processed.purchase (message_id, source, seq, user_id, anonymous_id, "timestamp",
  received_at, event_version, session_id, context_platform, context_app_version, currency, price_cents, sku)
select 'm' || seq, 'bench', seq, user_id, anonymous_id, ts, ts, 1, session_id, platform, '1.4.0',
  'USD', (array[99, 499, 999, 1999])[1 + seq % 4], 'gems_' || (1 + seq % 4)
from bench_numbered where event = 'purchase' order by seq;
insert into cooked.identities (id, person_key)
select distinct anonymous_id, user_id from bench_numbered where anonymous_id is not null and user_id is not null;
drop table bench_numbered;
analyze`;
