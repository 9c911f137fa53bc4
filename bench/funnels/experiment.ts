// The experiment part of bench/funnels: exposures for a tenth of the players who install from
// 2026-03-01 to 2026-03-14, an A/B readout of them with `runExperiment` (a conversion metric and the
// bench funnel as a funnel metric), and the same readout hand-written in SQL. Same data as the
// funnels; the per-variant counts must be equal.
import type { ExperimentDefinition } from '@tributary/sql';

export const EXPERIMENT_KEY = 'bench-exp';
export const EXPERIMENT_WINDOW = { from: '2026-03-01', to: '2026-03-14', timeZone: 'UTC' } as const;
/** The hand-written readout's parameters: the window's first instant, its end (exclusive), 7 days. */
export const HAND_WRITTEN_PARAMETERS = ['2026-03-01T00:00:00Z', '2026-03-15T00:00:00Z', '7 days'];

/**
 * Exposures (replacing those of an earlier run): a tenth of the players installing in the window
 * (by a hash of the user key), half of them one second before their install and half two days
 * after it (so the metrics have values before the exposure too), half in each variant; one in a
 * hundred of them sees the other variant a day later too (a unit the readout excludes). Into
 * `processed.experiment_viewed` and `processed.tracks`, numbered after every other event.
 */
export const GENERATE_EXPOSURES = `
delete from processed.tracks where message_id like 'bench-exp-%';
delete from processed.experiment_viewed where message_id like 'bench-exp-%';
create temporary table bench_exposures on commit drop as
with picked as (
  select l.message_id, l.source, l.user_id, l.anonymous_id, l."timestamp", l.session_id,
    l.context_platform, l.context_app_version, abs(hashtext(coalesce(l.user_id, l.anonymous_id) || '#v')) % 2 as arm,
    abs(hashtext(coalesce(l.user_id, l.anonymous_id))) % 1000 as h
  from processed.app_install as l
  where l."timestamp" >= '2026-03-01T00:00:00Z' and l."timestamp" < '2026-03-15T00:00:00Z'
),
exposures as (
  select 'bench-exp-' || message_id as message_id, source, user_id, anonymous_id,
    case when h % 20 = 0 then "timestamp" - interval '1 second' else "timestamp" + interval '2 days' end as ts,
    session_id, context_platform, context_app_version, (array['control', 'treatment'])[1 + arm] as variant
  from picked where h % 10 = 0
  union all
  select 'bench-exp-2-' || message_id, source, user_id, anonymous_id, "timestamp" + interval '1 day',
    session_id, context_platform, context_app_version, (array['treatment', 'control'])[1 + arm]
  from picked where h % 1000 = 0
)
select e.*, (select max(seq) from processed.tracks) + row_number() over (order by e.ts, e.message_id) as seq
from exposures as e;
insert into processed.experiment_viewed (message_id, source, seq, user_id, anonymous_id, "timestamp",
  received_at, event_version, session_id, context_platform, context_app_version, experiment, variant)
select message_id, source, seq, user_id, anonymous_id, ts, ts, 1, session_id, context_platform,
  context_app_version, '${EXPERIMENT_KEY}', variant
from bench_exposures;
insert into processed.tracks (message_id, source, seq, event, event_version, user_key, user_id,
  anonymous_id, "timestamp", session_id, context_platform, context_app_version)
select message_id, source, seq, 'experiment_viewed', 1, coalesce(user_id, anonymous_id), user_id,
  anonymous_id, ts, session_id, context_platform, context_app_version
from bench_exposures;
analyze processed.experiment_viewed;
analyze processed.tracks;`;

/** The readout: converting to a purchase within 7 days, and the bench funnel's `steps` (7-day window). */
export const experimentOf = (
  steps: Extract<ExperimentDefinition['metrics'][number], { kind: 'funnel' }>['steps'],
) =>
  ({
    key: EXPERIMENT_KEY,
    variants: ['control', 'treatment'],
    exposureEvent: 'experiment_viewed',
    metrics: [
      { kind: 'conversion', event: 'purchase', withinDays: 7 },
      { kind: 'funnel', steps, window: '7d' },
    ],
  }) satisfies ExperimentDefinition;

/** The person of an event table's row `t` (the alias), through the identity links. */
const person = (t: string) => `coalesce(i_${t}.person_key, ${t}.user_id, ${t}.anonymous_id)`;
const identities = (t: string) =>
  `left join cooked.identities as i_${t} on i_${t}.id = coalesce(${t}.user_id, ${t}.anonymous_id)`;

/**
 * The readout by hand, as an analyst writes it: per variant the assigned persons (one variant
 * only, exposed first at t), those who purchased in [t, t + 7 days) (`conv_y`) and in the 7 days
 * before (`conv_x`), and those with an install in [t − 7 days, t + 7 days] whose attempt reached
 * the purchase — one self-join per step, the earliest event each (as in self-join-funnel.ts) —
 * entering at or after t (`funnel_y`) or before it (`funnel_x`). Parameters: HAND_WRITTEN_PARAMETERS.
 */
export const HAND_WRITTEN_READOUT = `
with exposures as (
  select ${person('e')} as person, e."timestamp" as ts, e.variant
  from processed.experiment_viewed as e ${identities('e')}
  where e.experiment = '${EXPERIMENT_KEY}' and e."timestamp" >= $1::timestamptz and e."timestamp" < $2::timestamptz
),
assigned as (
  select person, min(ts) as t, min(variant) as variant
  from exposures group by person having count(distinct variant) = 1
),
purchases as (
  select a.person, a.t, p."timestamp" as ts
  from processed.purchase as p ${identities('p')}
  join assigned as a on a.person = ${person('p')}
  where p."timestamp" >= a.t - $3::interval and p."timestamp" < a.t + 2 * $3::interval
),
level_ups as (
  select a.person, l."timestamp" as ts, l.level
  from processed.level_up as l ${identities('l')}
  join assigned as a on a.person = ${person('l')}
  where l."timestamp" >= a.t - $3::interval and l."timestamp" <= a.t + 2 * $3::interval
),
step1 as (
  select a.person, a.t, x."timestamp" as t1
  from processed.app_install as x ${identities('x')}
  join assigned as a on a.person = ${person('x')}
  where x."timestamp" >= a.t - $3::interval and x."timestamp" <= a.t + $3::interval
),
step2 as (
  select s.person, s.t, s.t1, min(e.ts) as t2 from step1 as s
  join level_ups as e on e.person = s.person and e.ts > s.t1 and e.ts <= s.t1 + $3::interval
  group by s.person, s.t, s.t1
),
step3 as (
  select s.person, s.t, s.t1, min(e.ts) as t3 from step2 as s
  join level_ups as e on e.person = s.person and e.level >= 5 and e.ts > s.t2 and e.ts <= s.t1 + $3::interval
  group by s.person, s.t, s.t1
),
step4 as (
  select s.person, s.t, s.t1, min(e.ts) as t4 from step3 as s
  join level_ups as e on e.person = s.person and e.level >= 10 and e.ts > s.t3 and e.ts <= s.t1 + $3::interval
  group by s.person, s.t, s.t1
),
step5 as (
  select distinct s.person, s.t, s.t1 from step4 as s
  join purchases as e on e.person = s.person and e.ts > s.t4 and e.ts <= s.t1 + $3::interval
),
funnel as (
  select person, bool_or(t1 >= t) as y, bool_or(t1 < t) as x from step5 group by person
),
conversion as (
  select person, bool_or(ts >= t and ts < t + $3::interval) as y, bool_or(ts < t) as x
  from purchases group by person
)
select a.variant, count(*)::int as n,
  (count(*) filter (where c.y))::int as conv_y, (count(*) filter (where c.x))::int as conv_x,
  (count(*) filter (where f.y))::int as funnel_y, (count(*) filter (where f.x))::int as funnel_x
from assigned as a
left join conversion as c on c.person = a.person
left join funnel as f on f.person = a.person
group by a.variant order by a.variant`;
