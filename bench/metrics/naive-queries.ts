// The "naive equivalent" of each benchmarked metric: what one writes straight over raw.events
// (JSONB payloads, local day computed per event), with the same definitions as the cooked queries.

const events = `
  select coalesce(payload->>'userId', payload->>'anonymousId') as user_key,
    ((payload->>'timestamp')::timestamptz at time zone 'UTC')::date as day,
    event
  from raw.events where type = 'track'`;

const spine = `select $1::date + g as day from generate_series(0, $2::date - $1::date) as g`;

/** DAU per day over raw events. Parameters: from, to. */
export const NAIVE_DAU = `
with ev as (${events}),
  spine as (${spine})
select s.day, count(distinct ev.user_key)::int as dau
from spine s left join ev on ev.day = s.day
group by s.day order by s.day`;

/** MAU (trailing 30 days) per day over raw events. Parameters: from, to. */
export const NAIVE_MAU = `
with ev as (${events}),
  spine as (${spine})
select s.day, count(distinct ev.user_key)::int as mau
from spine s left join ev on ev.day between s.day - 29 and s.day
group by s.day order by s.day`;

/** Daily retention triangle D0..D$3 over raw events. Parameters: from, to, K. */
export const NAIVE_RETENTION = `
with ev as (${events}),
  installs as (select user_key, min(day) as cohort from ev where event = 'app_install' group by user_key),
  active as (select distinct user_key, day from ev),
  sizes as (select cohort, count(*) as installs from installs where cohort between $1::date and $2::date group by cohort),
  hits as (
    select i.cohort, a.day - i.cohort as n, count(distinct i.user_key) as retained
    from installs i join active a on a.user_key = i.user_key and a.day between i.cohort and least(i.cohort + $3::int, $2::date)
    where i.cohort between $1::date and $2::date
    group by 1, 2
  ),
  cells as (select c.day as cohort, o.n from (${spine}) c cross join generate_series(0, $3::int) as o(n))
select cells.cohort, cells.n, coalesce(sizes.installs, 0)::int as installs,
  case when cells.cohort + cells.n > $2::date then null else coalesce(hits.retained, 0)::int end as retained,
  case when cells.cohort + cells.n > $2::date then null
    else coalesce(hits.retained, 0)::float8 / nullif(sizes.installs, 0) end as retention
from cells
left join sizes on sizes.cohort = cells.cohort
left join hits on hits.cohort = cells.cohort and hits.n = cells.n
order by cells.cohort, cells.n`;
