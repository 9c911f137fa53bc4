import {
  compileDdl,
  compileFunnelTimeToConvert,
  type FunnelSpec,
  funnelCatalogOf,
  planToWarehouse,
  resolveFunnelSpec,
  TIME_TO_CONVERT_BUCKETS,
} from '@tributary/sql';
import { beforeAll, beforeEach, expect, it } from 'vitest';
import { describeEachDatabase } from '../testing/describe-each-database.js';
import { loadMessages, type TestMessage } from '../testing/load-messages.js';
import type { Warehouse } from '../warehouse.js';
import { runFunnel } from './run-funnel.js';
import { runFunnelTimeToConvert } from './run-funnel-time-to-convert.js';
import { funnelTestDocument as document } from './test-support/funnel-test-plan.js';
import { prunedEstimates } from './test-support/pruned-estimates.js';

// The time-to-convert histogram on hand-placed times: bucket edges, first arrival, re-entry,
// steps after the second, breakdowns; exact counts on both engines.
const T0 = Date.parse('2026-03-10T10:00:00Z');
const SECOND = 1000;
const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

type Msg = TestMessage;

describeEachDatabase('funnel time to convert', (getDb) => {
  beforeAll(async () => {
    await getDb().exec(compileDdl(planToWarehouse(document)));
  });
  beforeEach(async () => {
    await getDb().exec('TRUNCATE raw.events, raw.rejected');
  });

  const load = (db: Warehouse, messages: readonly Msg[]) =>
    loadMessages(
      db,
      document,
      messages.map((m) => ({ platform: 'ios', ...m })),
    );
  const pair = (user: string, afterMs: number): Msg[] => [
    { user, event: 'signup', at: T0 },
    { user, event: 'view', at: T0 + afterMs },
  ];
  const base = { window: '7d', from: '2026-03-10', to: '2026-03-10', timeZone: 'UTC' } as const;
  /**
   * The histogram of `runFunnelTimeToConvert`, checked against the one `runFunnel` returns from its
   * own statement (`timeToConvert`), through each plan that computes the funnel.
   */
  const histogramOf = async (spec: FunnelSpec) => {
    const histogram = await runFunnelTimeToConvert(getDb(), spec, { document });
    // The same with rows pruned to each unit's entries (estimates that make step 1's tables
    // small), on each plan, and with none pruned (no estimates).
    expect(await runFunnelTimeToConvert(getDb(), spec, { document, tableRows: {} })).toEqual(histogram);
    const tableRows = prunedEstimates(resolveFunnelSpec(spec, funnelCatalogOf(document)));
    for (const plan of ['auto', 'window'] as const) {
      const compiled = compileFunnelTimeToConvert(spec, funnelCatalogOf(document), undefined, {
        plan,
        tableRows,
      });
      if (spec.order === 'any') continue;
      expect(compiled?.prunedToEntries, `pruned on the ${plan} plan`).toBe(true);
      expect(await runFunnelTimeToConvert(getDb(), spec, { document, plan, tableRows })).toEqual(histogram);
    }
    for (const plan of ['auto', 'window'] as const) {
      const funnel = await runFunnel(getDb(), spec, { document, plan, timeToConvert: true });
      expect(funnel.timeToConvert, `runFunnel (${funnel.compiled.plan} plan)`).toEqual(histogram);
      const plain = await runFunnel(getDb(), spec, { document, plan });
      expect(plain.timeToConvert).toBeNull();
      expect(funnel.groups).toEqual(plain.groups);
      expect(funnel.series).toEqual(plain.series);
    }
    return histogram;
  };

  it('counts each converted unit once, in the bucket [from, to) of its time from the previous step', async () => {
    await load(getDb(), [
      ...pair('just-under-a-minute', MIN - 1),
      ...pair('one-minute', MIN),
      ...pair('just-under-five-minutes', 5 * MIN - 1),
      ...pair('five-minutes', 5 * MIN),
      ...pair('half-an-hour', 30 * MIN),
      ...pair('a-day-and-a-half', 36 * HOUR),
      ...pair('three-days', 3 * DAY),
      // Re-entry: timed from the latest signup before the view (2 h), not the first (12 h).
      { user: 're-entered', event: 'signup', at: T0 },
      { user: 're-entered', event: 'signup', at: T0 + 10 * HOUR },
      { user: 're-entered', event: 'view', at: T0 + 12 * HOUR },
      // First arrival: the first view (13 h) counts, not the second.
      ...pair('viewed-twice', 13 * HOUR),
      { user: 'viewed-twice', event: 'view', at: T0 + 14 * HOUR },
      // Not converted: after the window, or never.
      ...pair('too-late', 7 * DAY + 1),
      { user: 'never', event: 'signup', at: T0 },
    ]);
    const spec: FunnelSpec = { ...base, steps: [{ event: 'signup' }, { event: 'view' }] };
    const histogram = await histogramOf(spec);
    expect(histogram?.buckets).toEqual(TIME_TO_CONVERT_BUCKETS);
    expect(histogram?.buckets.map((b) => b.label)).toEqual([
      '<1m',
      '1–5m',
      '5–30m',
      '30m–2h',
      '2–12h',
      '12h–1d',
      '1–3d',
      '>3d',
    ]);
    expect(histogram?.groups).toEqual([
      { breakdown: null, steps: [{ step: 2, event: 'view', units: [1, 2, 1, 1, 1, 1, 1, 1] }] },
    ]);
    // The histogram holds exactly the units runFunnel counts at the step.
    const funnel = await runFunnel(getDb(), spec, { document });
    expect(funnel.groups[0]?.steps.map((s) => s.count)).toEqual([11, 9]);
  });

  it('times each later step from the previous one, per breakdown value; none for any order', async () => {
    const at = (offset: number) => T0 + offset;
    await load(getDb(), [
      { user: 'a', event: 'view', at: at(0) },
      { user: 'a', event: 'add_to_cart', at: at(2 * MIN) },
      { user: 'a', event: 'purchase', at: at(2 * MIN + 40 * MIN) },
      { user: 'b', event: 'view', at: at(0), platform: 'android' },
      { user: 'b', event: 'add_to_cart', at: at(10 * SECOND), platform: 'android' },
      { user: 'b', event: 'purchase', at: at(10 * SECOND + DAY), platform: 'android' },
      { user: 'c', event: 'view', at: at(0) },
      { user: 'c', event: 'add_to_cart', at: at(20 * MIN) },
      { user: 'd', event: 'view', at: at(0), platform: 'android' },
    ]);
    const spec: FunnelSpec = {
      ...base,
      steps: [{ event: 'view' }, { event: 'add_to_cart' }, { event: 'purchase' }],
      breakdown: 'platform',
    };
    const histogram = await histogramOf(spec);
    expect(histogram?.groups).toEqual([
      {
        breakdown: 'android',
        steps: [
          { step: 2, event: 'add_to_cart', units: [1, 0, 0, 0, 0, 0, 0, 0] },
          { step: 3, event: 'purchase', units: [0, 0, 0, 0, 0, 0, 1, 0] },
        ],
      },
      {
        breakdown: 'ios',
        steps: [
          { step: 2, event: 'add_to_cart', units: [0, 1, 1, 0, 0, 0, 0, 0] },
          { step: 3, event: 'purchase', units: [0, 0, 0, 1, 0, 0, 0, 0] },
        ],
      },
    ]);
    expect(await histogramOf({ ...spec, order: 'strict' })).toEqual(histogram);
    expect(await histogramOf({ ...spec, order: 'any' })).toBeNull();
  });

  it('has one empty group when nobody converted', async () => {
    await load(getDb(), [{ user: 'alone', event: 'signup', at: T0 }]);
    const histogram = await histogramOf({
      ...base,
      steps: [{ event: 'signup' }, { event: 'view' }, { event: 'purchase' }],
    });
    expect(histogram?.groups).toEqual([
      {
        breakdown: null,
        steps: [
          { step: 2, event: 'view', units: [0, 0, 0, 0, 0, 0, 0, 0] },
          { step: 3, event: 'purchase', units: [0, 0, 0, 0, 0, 0, 0, 0] },
        ],
      },
    ]);
  });
});
