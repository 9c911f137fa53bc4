import { METRIC_NAMES, type MetricSpec } from '@tributary/sql';
import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../testing/index.js';
import { runMetric } from './run-metric.js';
import { expectSameRows, sortedRows } from './test-support/compare-rows.js';
import { loadThroughEtl } from './test-support/load-through-etl.js';
import { type ReferenceSpec, referenceMetric } from './test-support/reference-metrics.js';
import { type SyntheticEvent, syntheticEvents } from './test-support/synthetic-events.js';

// Acceptance 1 of issue 8, through the whole pipeline: synthetic events → raw.events → runEtl
// (validate, load, cook) → metric queries, against a plain TypeScript computation over the same
// events, in UTC and in New York across the 2026-03-08 DST switch, with and without breakdowns.
// PostgreSQL (CI) gets TRIBUTARY_METRICS_USERS (default 20,000 users, ~357,000 events); PGlite
// (WASM, one core) TRIBUTARY_METRICS_PGLITE_USERS (default 8,000) to keep the file's runtime sane.
const SERVER_USERS = Number(process.env.TRIBUTARY_METRICS_USERS ?? 20_000);
const PGLITE_USERS = Number(process.env.TRIBUTARY_METRICS_PGLITE_USERS ?? Math.min(SERVER_USERS, 8_000));
const ZONES = ['UTC', 'America/New_York'] as const;
const catalog = { reportingTimeZones: ZONES, dimensions: ['platform', 'country'] };
const RANGE = { from: '2026-01-20', to: '2026-04-19' } as const; // 90 days, DST change on 2026-03-08
const now = () => Date.parse('2026-11-29T12:00:00Z');

type Spec = MetricSpec & ReferenceSpec;
type Variant = Omit<Spec, 'from' | 'to' | 'timeZone'> & { readonly excludeInternal?: boolean };

const variants: readonly Variant[] = [
  { metric: 'retention', days: 7, retentionMode: 'on_or_after' },
  { metric: 'retention', days: 30 },
  { metric: 'retention_triangle', granularity: 'week', maxOffset: 6 },
  { metric: 'retention_triangle', granularity: 'week', retentionMode: 'on_or_after', maxOffset: 6 },
  {
    metric: 'retention_triangle',
    retentionMode: 'on_or_after',
    maxOffset: 14,
    lastCompleteDay: '2026-04-05',
  },
  { metric: 'inactivity_churn', days: 3 },
  { metric: 'period_churn', period: 'month' },
  { metric: 'period_churn', lastCompleteDay: '2026-04-05' },
  { metric: 'cohort_conversion', days: 0 },
  { metric: 'cohort_conversion', days: 14, lastCompleteDay: '2026-04-10' },
  { metric: 'dau', breakdown: 'country' },
  { metric: 'revenue', breakdown: 'country' },
];

// Filters apply before counting: no web activity, and 50 "internal" users left out.
const filtered: readonly Variant[] = (
  [
    'dau',
    'mau',
    'stickiness',
    'installs',
    'sessions',
    'avg_session_length_seconds',
    'revenue',
    'conversion',
    'retention_triangle',
    'inactivity_churn',
    'period_churn',
    'cohort_conversion',
  ] as const
).map((metric) => ({
  metric,
  filters: [{ dimension: 'platform', op: 'not_in', values: ['web'] }],
  excludeInternal: true,
}));

describeEachDatabase('metrics through the ETL equal the TypeScript reference', (getDb, engine) => {
  let events: SyntheticEvent[] = [];
  let internal: string[] = [];
  beforeAll(async () => {
    const users = engine.kind === 'postgres' ? SERVER_USERS : PGLITE_USERS;
    // Activity starts before the range (MAU look-back, earlier installs) and goes on after it (never counted).
    events = syntheticEvents({ users, firstDay: '2026-01-01', lastDay: '2026-04-21' });
    internal = [...new Set(events.slice(0, 4000).map((e) => e.userKey))].slice(0, 50);
    await loadThroughEtl(getDb(), events, ZONES);
  }, 900_000);

  const check = (variant: Variant & Pick<Spec, 'from' | 'to' | 'timeZone'>) => async () => {
    const { excludeInternal, ...rest } = variant;
    const spec = (excludeInternal ? { ...rest, excludeUsers: internal } : rest) as Spec;
    const { rows } = await runMetric(getDb(), spec, { catalog, now });
    expect(rows.length).toBeGreaterThan(0);
    expectSameRows(rows, referenceMetric(events, spec));
  };

  for (const timeZone of ZONES) {
    for (const metric of METRIC_NAMES) {
      for (const breakdown of [undefined, 'platform'] as const) {
        it(
          `${metric} ${timeZone}${breakdown ? ' by platform' : ''}`,
          check({ metric, ...RANGE, timeZone, ...(breakdown ? { breakdown } : {}) }),
        );
      }
    }
    for (const variant of variants) {
      it(`${JSON.stringify(variant)} ${timeZone}`, check({ ...variant, ...RANGE, timeZone }));
    }
    for (const variant of filtered) {
      it(
        `${variant.metric} ${timeZone} by country, without web and 50 internal users`,
        check({ ...variant, ...RANGE, timeZone, breakdown: 'country' }),
      );
      it(
        `${variant.metric} ${timeZone}, without web and 50 internal users`,
        check({ ...variant, ...RANGE, timeZone }),
      );
    }
  }

  it('the data set tells local days apart: a fixed UTC−5 day or UTC days give other New York numbers', async () => {
    const spec = {
      metric: 'dau',
      from: '2026-03-01',
      to: '2026-03-15',
      timeZone: 'America/New_York',
    } as const;
    const { rows } = await runMetric(getDb(), spec, { catalog, now });
    const fixedOffset = referenceMetric(events, { ...spec, timeZone: 'Etc/GMT+5' });
    const utc = referenceMetric(events, { ...spec, timeZone: 'UTC' });
    const sameUntilDst = (ref: typeof rows) => ref.filter((r) => r.day < '2026-03-08');
    expectSameRows(sameUntilDst(rows), sameUntilDst(fixedOffset as unknown as typeof rows));
    // After the switch New York is UTC−4, so a fixed UTC−5 offset puts some events on the wrong day.
    expect(sortedRows(rows)).not.toEqual(sortedRows(fixedOffset));
    expect(sortedRows(rows)).not.toEqual(sortedRows(utc));
  });

  it('counts an event at 23:59 New York daylight time (03:59 UTC next day) on the local day', async () => {
    const day = '2026-03-08'; // the 23-hour day
    const spec = { metric: 'dau', from: day, to: '2026-03-09', timeZone: 'America/New_York' } as const;
    const all = await runMetric(getDb(), spec, { catalog, now });
    const edgeUsers = [...new Set(events.filter((e) => e.userKey.startsWith('edge')).map((e) => e.userKey))];
    const others = [...new Set(events.map((e) => e.userKey))].filter((u) => !edgeUsers.includes(u));
    // Only the hand-placed boundary users remain.
    const { rows } = await runMetric(getDb(), { ...spec, excludeUsers: others }, { catalog, now });
    expect(all.rows.length).toBe(2);
    // 03-08 local: the DST-switch user (01:59 EST, 03:01 EDT), the user with 00:01 EST and 23:59 EDT
    // (03:59 UTC on 03-09) and the user with 23:59 EDT; 03-09: only that last user's 00:01 EDT event.
    expect(rows).toEqual([
      { day: '2026-03-08', dau: 3 },
      { day: '2026-03-09', dau: 1 },
    ]);
  });
});
