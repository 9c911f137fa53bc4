import { describe, expect, it } from 'vitest';
import { compileMetricQuery, formatMetricQuery } from './compile-metric.js';
import { MetricError } from './metric-error.js';
import type { MetricSpec } from './metric-spec.js';

const catalog = { reportingTimeZones: ['UTC', 'Europe/Berlin'], dimensions: ['platform', 'country'] };

describe('formatted metric queries (exact text)', () => {
  it('dau without a breakdown', () => {
    const query = compileMetricQuery({ metric: 'dau', from: '2026-03-01', to: '2026-03-31' }, catalog);
    expect(query.columns).toEqual(['day', 'dau']);
    expect(query.parameters).toEqual([
      'UTC',
      '2026-03-01',
      0,
      '2026-03-31',
      '2026-03-01',
      '2026-03-31',
      '2026-03-01',
    ]);
    expect(formatMetricQuery(query)).toMatchInlineSnapshot(`
      "with
        active as not materialized (
          select
            d.day,
            d.user_key,
            d.events,
            d.sessions,
            d.revenue,
            d.purchases
          from
            cooked.user_days as d
          where
            d.time_zone = $1
            and d.day between cast($2 as date) - cast($3 as integer) and cast($4 as date)
        ),
        spine as (
          select
            cast($5 as date) + g as day
          from
            generate_series(0, cast($6 as date) - cast($7 as date)) as g
        ),
        daily as (
          select
            day,
            count(*) as users
          from
            active
          group by
            day
        )
      select
        s.day,
        cast(coalesce(daily.users, 0) as integer) as dau
      from
        spine as s
        left join daily on daily.day = s.day
      order by
        s.day"
    `);
  });

  it('mau by platform, without internal users', () => {
    const query = compileMetricQuery(
      {
        metric: 'mau',
        from: '2026-03-01',
        to: '2026-03-31',
        timeZone: 'Europe/Berlin',
        breakdown: 'platform',
        filters: [{ dimension: 'country', op: 'not_in', values: ['XX'] }],
        excludeUsers: ['qa-1', 'qa-2'],
      },
      catalog,
    );
    expect(query.columns).toEqual(['day', 'breakdown', 'mau']);
    expect(query.parameters).toContainEqual(['qa-1', 'qa-2']);
    expect(query.parameters).toContainEqual(['XX']);
    expect(formatMetricQuery(query)).toMatchInlineSnapshot(`
      "with
        active as not materialized (
          select
            d.day,
            d.user_key,
            d.value as breakdown,
            d.events,
            d.sessions,
            d.revenue,
            d.purchases
          from
            cooked.user_day_dimensions as d
          where
            d.time_zone = $1
            and d.dimension = $2
            and d.day between cast($3 as date) - cast($4 as integer) and cast($5 as date)
            and not (d.user_key = any (cast($6 as text[])))
            and exists (
              select
                1
              from
                cooked.user_day_dimensions as f
              where
                f.time_zone = d.time_zone
                and f.day = d.day
                and f.user_key = d.user_key
                and f.dimension = $7
                and not (f.value = any (cast($8 as text[])))
            )
        ),
        spine as (
          select
            cast($9 as date) + g as day,
            v.breakdown
          from
            generate_series(0, cast($10 as date) - cast($11 as date)) as g
            cross join (
              select distinct
                breakdown
              from
                active
              where
                day between cast($12 as date) and cast($13 as date)
            ) as v
        ),
        daily as (
          select
            day,
            breakdown,
            count(*) as users
          from
            active
          group by
            day,
            breakdown
        ),
        marked as (
          select
            day,
            breakdown,
            user_key,
            lag(day) over (
              partition by
                user_key,
                breakdown
              order by
                day
            ) as prev
          from
            active
        ),
        windowed_deltas as (
          select
            greatest(day, coalesce(prev + cast($14 as integer), day)) as day,
            breakdown,
            1 as delta
          from
            marked
          union all
          select
            day + cast($15 as integer) as day,
            breakdown,
            -1 as delta
          from
            marked
          union all
          select
            day,
            breakdown,
            0 as delta
          from
            spine
        ),
        windowed as (
          select
            day,
            breakdown,
            sum(sum(delta)) over (
              partition by
                breakdown
              order by
                day
            ) as users
          from
            windowed_deltas
          group by
            day,
            breakdown
        )
      select
        s.day,
        s.breakdown,
        cast(coalesce(windowed.users, 0) as integer) as mau
      from
        spine as s
        left join daily on daily.day = s.day
        and daily.breakdown = s.breakdown
        left join windowed on windowed.day = s.day
        and windowed.breakdown = s.breakdown
      order by
        s.day,
        s.breakdown"
    `);
  });

  it('weekly retention triangle, on or after', () => {
    const query = compileMetricQuery(
      {
        metric: 'retention_triangle',
        from: '2026-03-02',
        to: '2026-03-29',
        granularity: 'week',
        retentionMode: 'on_or_after',
        maxOffset: 3,
      },
      catalog,
    );
    expect(query.columns).toEqual(['cohort', 'n', 'installs', 'retained', 'retention']);
    expect(formatMetricQuery(query)).toMatchInlineSnapshot(`
      "with
        active as not materialized (
          select
            d.day,
            d.user_key,
            d.events,
            d.sessions,
            d.revenue,
            d.purchases
          from
            cooked.user_days as d
          where
            d.time_zone = $1
            and d.day between (
              cast($2 as date) - cast(
                extract(
                  isodow
                  from
                    cast($3 as date)
                ) as integer
              ) + 1
            ) and cast($4 as date)
        ),
        cohort_users as (
          select
            (
              a.day - cast(
                extract(
                  isodow
                  from
                    a.day
                ) as integer
              ) + 1
            ) as cohort,
            a.user_key
          from
            cooked.users as u
            join active as a on a.user_key = u.user_key
            and a.day = u.install_day
          where
            u.time_zone = $5
        ),
        sizes as (
          select
            cohort,
            count(*) as installs
          from
            cohort_users
          group by
            cohort
        ),
        reach as (
          select
            c.cohort,
            c.user_key,
            (
              (
                max(a.day) - cast(
                  extract(
                    isodow
                    from
                      max(a.day)
                  ) as integer
                ) + 1
              ) - c.cohort
            ) / cast($6 as integer) as reach
          from
            cohort_users as c
            join active as a on a.user_key = c.user_key
            and a.day >= c.cohort
            and a.day <= cast($7 as date)
          group by
            c.cohort,
            c.user_key
        ),
        hits as (
          select
            r.cohort,
            o.n,
            count(*) as retained
          from
            reach as r
            join generate_series(cast($8 as integer), cast($9 as integer)) as o (n) on r.reach >= o.n
          group by
            r.cohort,
            o.n
        ),
        cells as (
          select
            (
              cast($10 as date) - cast(
                extract(
                  isodow
                  from
                    cast($11 as date)
                ) as integer
              ) + 1
            ) + cast($12 as integer) * g as cohort,
            o.n
          from
            generate_series(
              0,
              (
                cast($13 as date) - (
                  cast($14 as date) - cast(
                    extract(
                      isodow
                      from
                        cast($15 as date)
                    ) as integer
                  ) + 1
                )
              ) / cast($16 as integer)
            ) as g
            cross join generate_series(cast($17 as integer), cast($18 as integer)) as o (n)
        )
      select
        cells.cohort,
        cells.n,
        cast(coalesce(sizes.installs, 0) as integer) as installs,
        case
          when cells.cohort + cast($19 as integer) * cells.n + cast($20 as integer) - 1 > cast($21 as date) then null
          else cast(coalesce(hits.retained, 0) as integer)
        end as retained,
        case
          when cells.cohort + cast($22 as integer) * cells.n + cast($23 as integer) - 1 > cast($24 as date) then null
          else cast(coalesce(hits.retained, 0) as float8) / nullif(sizes.installs, 0)
        end as retention
      from
        cells
        left join sizes on sizes.cohort = cells.cohort
        left join hits on hits.cohort = cells.cohort
        and hits.n = cells.n
      order by
        cells.cohort,
        cells.n"
    `);
  });

  it('never puts a value into the SQL text', () => {
    const hostile = "x'); drop table cooked.users; --";
    const query = compileMetricQuery(
      {
        metric: 'revenue',
        from: '2026-03-01',
        to: '2026-03-02',
        filters: [{ dimension: 'platform', op: 'in', values: [hostile] }],
        excludeUsers: [hostile],
      },
      catalog,
    );
    expect(query.sql).not.toContain('drop table');
    expect(query.sql).not.toContain('2026-03-01');
    expect(query.parameters).toContainEqual([hostile]);
  });
});

describe('spec validation', () => {
  const base = { metric: 'dau', from: '2026-03-01', to: '2026-03-31' } as const;
  const error = (spec: MetricSpec): MetricError => {
    try {
      compileMetricQuery(spec, catalog);
    } catch (caught) {
      if (caught instanceof MetricError) return caught;
      throw caught;
    }
    throw new Error('expected a MetricError');
  };

  it('rejects an unknown metric, listing the known ones', () => {
    const e = error({ ...base, metric: 'daus' as 'dau' });
    expect(e.code).toBe('unknown_metric');
    expect(e.message).toMatch(/^Unknown metric "daus"\. Known metrics: dau, wau, mau, stickiness, /);
  });

  it('rejects dates that are not calendar days and empty ranges', () => {
    expect(error({ ...base, from: '2026-02-30' }).message).toBe(
      '"from" must be a calendar date YYYY-MM-DD (got "2026-02-30").',
    );
    expect(error({ ...base, to: '31.03.2026' }).code).toBe('invalid_date');
    expect(error({ ...base, from: '2026-04-01' }).message).toBe(
      'The range is empty: from 2026-04-01 is after to 2026-03-31.',
    );
  });

  it('rejects a zone that is not a reporting zone, saying how to add it', () => {
    const e = error({ ...base, timeZone: 'America/New_York' });
    expect(e.code).toBe('unknown_time_zone');
    expect(e.message).toBe(
      'Time zone "America/New_York" is not a reporting time zone of the plan (UTC, Europe/Berlin); add it to etl.reportingTimeZones and run tributary etl --full.',
    );
  });

  it('rejects an unknown breakdown or filter dimension', () => {
    expect(error({ ...base, breakdown: 'os' }).message).toBe(
      `Unknown dimension "os" in the breakdown; the plan's roles.dimensions are: platform, country.`,
    );
    expect(error({ ...base, filters: [{ dimension: 'tier', op: 'in', values: ['a'] }] }).code).toBe(
      'unknown_dimension',
    );
    expect(error({ ...base, filters: [{ dimension: 'platform', op: 'in', values: [] }] }).code).toBe(
      'invalid_metric_option',
    );
  });

  it('rejects bad options', () => {
    expect(error({ ...base, metric: 'inactivity_churn', days: 0 }).message).toBe(
      '"days" must be an integer from 1 to 400 (got 0).',
    );
    expect(error({ ...base, metric: 'retention_triangle', granularity: 'month' as 'week' }).message).toBe(
      '"granularity" must be one of day, week (got "month").',
    );
  });

  it('defaults the zone to the first reporting zone and the last complete day to `to`', () => {
    const query = compileMetricQuery({ ...base, metric: 'retention' }, catalog);
    expect(query.spec.timeZone).toBe('UTC');
    expect(query.spec.lastCompleteDay).toBe('2026-03-31');
    expect(query.spec.days).toBe(1);
  });
});
