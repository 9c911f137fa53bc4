import { METRIC_NAMES, type MetricSpec } from '@tributary/sql';
import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../testing/index.js';
import { runMetric } from './run-metric.js';
import { expectSameRows, sortedRows } from './test-support/compare-rows.js';
import { loadAndCook } from './test-support/load-events.js';
import { type ReferenceSpec, referenceMetric } from './test-support/reference-metrics.js';
import { syntheticEvents } from './test-support/synthetic-events.js';

// Acceptance 1 of issue 8: every metric, with and without a breakdown, equals a plain TypeScript
// computation over the same events, in UTC and in New York across the 2026-03-08 DST switch.
const USERS = Number(process.env.TRIBUTARY_METRICS_USERS ?? 20_000);
const ZONES = ['UTC', 'America/New_York'] as const;
const catalog = { reportingTimeZones: ZONES, dimensions: ['platform', 'country'] };
const RANGE = { from: '2026-01-20', to: '2026-04-19' } as const; // 90 days, DST change on 2026-03-08
// Activity starts before the range (MAU look-back, earlier installs) and goes on after it (never counted).
const events = syntheticEvents({ users: USERS, firstDay: '2026-01-01', lastDay: '2026-04-21' });
const now = () => Date.parse('2026-11-29T12:00:00Z');

type Spec = MetricSpec & ReferenceSpec;

const variants: readonly Omit<Spec, 'from' | 'to' | 'timeZone'>[] = [
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
];

const internal = [...new Set(events.slice(0, 4000).map((e) => e.userKey))].slice(0, 50);
const filtered: readonly Omit<Spec, 'from' | 'to' | 'timeZone'>[] = (
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
  excludeUsers: internal,
}));

function check(getDb: () => import('../warehouse.js').Warehouse, spec: Spec) {
  return async () => {
    const { rows } = await runMetric(getDb(), spec, { catalog, now });
    const expected = referenceMetric(events, spec);
    expect(rows.length).toBeGreaterThan(0);
    expectSameRows(rows, expected);
  };
}

describeEachDatabase('metrics equal the TypeScript reference', (getDb) => {
  beforeAll(async () => {
    await loadAndCook(getDb(), events, ZONES);
  }, 600_000);

  for (const timeZone of ZONES) {
    for (const metric of METRIC_NAMES) {
      for (const breakdown of [undefined, 'platform'] as const) {
        const spec: Spec = { metric, ...RANGE, timeZone, ...(breakdown ? { breakdown } : {}) };
        it(`${metric} ${timeZone}${breakdown ? ' by platform' : ''}`, check(getDb, spec));
      }
    }
    for (const variant of variants) {
      const spec: Spec = { ...variant, ...RANGE, timeZone } as Spec;
      it(`${JSON.stringify(variant)} ${timeZone}`, check(getDb, spec));
    }
    for (const variant of filtered) {
      const spec: Spec = { ...variant, ...RANGE, timeZone, breakdown: 'country' } as Spec;
      it(`${variant.metric} ${timeZone} by country, without web and 50 internal users`, check(getDb, spec));
      it(
        `${variant.metric} ${timeZone}, without web and 50 internal users`,
        check(getDb, { ...spec, breakdown: undefined }),
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
