// The baseline: the funnel as an analyst writes it by hand, one self-join per step. Each step-1
// event in the range is an entry (per entry, not only each person's first); step k joins the
// person's step-k events after the time the entry reached step k − 1 and at most the window after
// the entry, and keeps the earliest (min). A person counts at step k when any entry got there.
// Taking the earliest event at each step is exact for an ordered funnel (an earlier arrival never
// leaves fewer later events to continue with), and `ts >` is exact because the generated events of
// one person never share a millisecond (the generated SQL breaks such ties by arrival order).
// Each event set reads its own event table (processed.app_install, processed.level_up with its
// level, processed.purchase), the tables runFunnel's timeline plan reads, so the planner has
// statistics for every join; one CTE of all events filtered per step gets estimates of one row and
// nested loops (115 s on 500,000 events).

/** The person of an event table's row `t`, and its events in the range and window. */
const events = (table: string, columns = '', upper = '$2::timestamptz + $3::interval') => `
  select coalesce(i.person_key, t.user_id, t.anonymous_id) as person, t."timestamp" as ts${columns}
  from processed.${table} as t
  left join cooked.identities as i on i.id = coalesce(t.user_id, t.anonymous_id)
  where t."timestamp" >= $1::timestamptz and t."timestamp" < ${upper}`;

/**
 * Step k (k ≥ 2) by hand: each entry that reached step k − 1 at t<k−1>, joined with the person's
 * events of `from` (filtered by `where`) after it and within the window of the entry; the earliest.
 */
const step = (k: number, from: string, where = '') => `step${k} as (
  select s.person, s.t1, min(e.ts) as t${k}
  from step${k - 1} as s join ${from} as e on e.person = s.person${where}
    and e.ts > s.t${k - 1} and e.ts <= s.t1 + $3::interval
  group by s.person, s.t1
)`;

const counts = `
select (select count(distinct person) from step1)::int as n0,
  (select count(distinct person) from step2)::int as n1,
  (select count(distinct person) from step3)::int as n2,
  (select count(distinct person) from step4)::int as n3,
  (select count(distinct person) from step5)::int as n4`;

/**
 * Per-step persons of install → level_up → level_up (level ≥ 5) → level_up (level ≥ 10) →
 * purchase. Parameters: $1 first instant of the range, $2 end of the range (exclusive), $3 window.
 */
export const SELF_JOIN_FUNNEL = `
with installs as (${events('app_install', '', '$2::timestamptz')}
),
level_ups as (${events('level_up', ', t.level')}
),
purchases as (${events('purchase')}
),
step1 as (select person, ts as t1 from installs),
${step(2, 'level_ups')},
${step(3, 'level_ups', ' and e.level >= 5')},
${step(4, 'level_ups', ' and e.level >= 10')},
${step(5, 'purchases')}${counts}`;

/**
 * The second funnel, with a frequent step 1: level_up → level_up (level ≥ 5) → level_up (level ≥
 * 10) → level_up (level ≥ 15) → purchase. Every level-up in the range is an entry (about 1.5M), so
 * each step joins every entry with the person's events in its window. Same parameters.
 */
export const SELF_JOIN_PROGRESSION = `
with level_ups as (${events('level_up', ', t.level')}
),
purchases as (${events('purchase')}
),
step1 as (select person, ts as t1 from level_ups where ts < $2::timestamptz),
${step(2, 'level_ups', ' and e.level >= 5')},
${step(3, 'level_ups', ' and e.level >= 10')},
${step(4, 'level_ups', ' and e.level >= 15')},
${step(5, 'purchases')}${counts}`;
