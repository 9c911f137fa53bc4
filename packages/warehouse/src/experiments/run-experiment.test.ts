import { makePlan, normalizeObjectSchema, type PlanDocument, toPlanDocument } from '@tributary/schema';
import {
  compileDdl,
  compileExperiment,
  type ExperimentDefinition,
  ExperimentError,
  funnelCatalogOf,
  planToWarehouse,
} from '@tributary/sql';
import { sampleRatioMismatch, twoProportionZTest, welchTTest } from '@tributary/stats';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runEtl } from '../etl/run-etl.js';
import { describeEachDatabase } from '../testing/describe-each-database.js';
import { loadMessages, type TestMessage } from '../testing/load-messages.js';
import type { Warehouse } from '../warehouse.js';
import { runExperiment } from './run-experiment.js';
import { planEvent as event } from '../testing/plan-event.js';

const document: PlanDocument = toPlanDocument(
  makePlan({
    name: 'experiment-test',
    additionalProperties: 'reject',
    context: normalizeObjectSchema(
      {
        type: 'object',
        properties: { locale: { type: 'string', maxLength: 35 } },
        additionalProperties: false,
      },
      'context',
    ),
    events: [
      event(
        'experiment_viewed',
        { experiment: { type: 'string', maxLength: 64 }, variant: { type: 'string', maxLength: 64 } },
        ['experiment', 'variant'],
      ),
      event('page_viewed', { path: { type: 'string', maxLength: 64 } }),
      event('signup', {}),
      event('purchase', { amount_cents: { type: 'integer', minimum: 0 } }, ['amount_cents']),
    ],
    roles: {
      install: 'signup',
      revenue: { event: 'purchase', amount: 'amount_cents', unit: 'minor', currency: { fixed: 'USD' } },
    },
    etl: { reportingTimeZones: ['UTC'] },
  }),
);

const DAY = 86_400_000;
const T0 = Date.parse('2026-04-01T12:00:00Z');

const starterPack: ExperimentDefinition = {
  key: 'starter-pack',
  variants: ['control', 'cheaper'],
  exposureEvent: 'experiment_viewed',
  metrics: [
    { kind: 'conversion', event: 'purchase', withinDays: 7 },
    { kind: 'revenue', withinDays: 7 },
    { kind: 'retention', day: 1 },
  ],
};
const window = { from: '2026-04-01', to: '2026-04-07' } as const;

type Msg = TestMessage;

describeEachDatabase('experiment readouts', (getDb) => {
  beforeAll(async () => {
    await getDb().exec(compileDdl(planToWarehouse(document)));
  });
  beforeEach(async () => {
    await getDb().exec('TRUNCATE raw.events, raw.rejected');
    await runEtl({ warehouse: getDb(), document, mode: 'full' });
  });

  const load = (db: Warehouse, messages: readonly Msg[]) => loadMessages(db, document, messages);
  const exposure = (who: Msg, variant: string, at: number, key = 'starter-pack'): Msg => ({
    ...who,
    event: 'experiment_viewed',
    at,
    properties: { experiment: key, variant },
  });
  const purchase = (who: Msg, cents: number, at: number): Msg => ({
    ...who,
    event: 'purchase',
    at,
    properties: { amount_cents: cents },
  });

  it('assigns by first exposure, excludes mixed and unknown variants, and reads out every metric from the right sums', async () => {
    const p = (user: string) => ({ user, at: 0 });
    await load(getDb(), [
      // control: p1 buys on day 2, p2 never, p3 bought only before the exposure
      exposure(p('p1'), 'control', T0),
      purchase(p('p1'), 500, T0 + 2 * DAY),
      exposure(p('p2'), 'control', T0 + 1000),
      { user: 'p2', event: 'page_viewed', at: T0 + DAY + 5000 },
      purchase(p('p3'), 300, T0 - 3 * DAY),
      exposure(p('p3'), 'control', T0 + 2000),
      exposure(p('p3'), 'control', T0 + DAY), // a second exposure to the same variant changes nothing
      // cheaper: p4 buys at once, p5 only after 10 days, p6 anonymous then signs in and buys
      exposure(p('p4'), 'cheaper', T0),
      purchase(p('p4'), 1000, T0 + 60_000),
      { user: 'p4', event: 'page_viewed', at: T0 + DAY },
      exposure(p('p5'), 'cheaper', T0),
      purchase(p('p5'), 200, T0 + 10 * DAY),
      exposure({ anonymousId: 'a6', at: 0 }, 'cheaper', T0),
      { anonymousId: 'a6', user: 'p6', type: 'identify', at: T0 + 1000 },
      purchase(p('p6'), 250, T0 + 3 * DAY),
      // excluded: p7 saw both, p8 a variant not in the definition; p9 another experiment
      exposure(p('p7'), 'control', T0),
      exposure(p('p7'), 'cheaper', T0 + DAY),
      exposure(p('p8'), 'holdout', T0),
      exposure(p('p9'), 'control', T0, 'other-test'),
    ]);
    const readout = await runExperiment(getDb(), starterPack, window, { document });
    expect(readout.variants).toEqual([
      { variant: 'control', units: 3, plannedShare: 0.5 },
      { variant: 'cheaper', units: 3, plannedShare: 0.5 },
    ]);
    expect(readout.excluded).toEqual({ multipleVariants: 1, unknownVariant: 1 });
    expect(readout.sampleRatio).toEqual(sampleRatioMismatch([3, 3], [1, 1]));
    expect(readout.warnings).toEqual([
      '1 units saw more than one variant and are excluded.',
      '1 units saw a variant not in the definition and are excluded.',
    ]);
    const [conversion, revenue, retention] = readout.metrics;
    // Conversion: control 1/3 (p3's purchase was before the exposure), cheaper 2/3 (p5's after 7 days).
    expect(conversion?.values.map((v) => [v.variant, v.units, v.value, v.preExposureValue])).toEqual([
      ['control', 3, 1 / 3, 1 / 3],
      ['cheaper', 3, 2 / 3, 0],
    ]);
    expect(conversion?.comparisons[0]?.test).toEqual(
      twoProportionZTest({ n: 3, conversions: 1 }, { n: 3, conversions: 2 }),
    );
    // Revenue per exposed unit in 7 days: control (5, 0, 0), cheaper (10, 0, 2.5).
    expect(revenue?.values.map((v) => v.value)).toEqual([5 / 3, 12.5 / 3]);
    expect(revenue?.comparisons[0]?.test).toEqual(
      welchTTest(
        { n: 3, mean: 5 / 3, variance: ((5 - 5 / 3) ** 2 + 2 * (5 / 3) ** 2) / 2 },
        {
          n: 3,
          mean: 12.5 / 3,
          variance: ((10 - 12.5 / 3) ** 2 + (12.5 / 3) ** 2 + (2.5 - 12.5 / 3) ** 2) / 2,
        },
      ),
    );
    expect(revenue?.comparisons[0]?.cuped.control.n).toBe(3);
    // D1 retention: active on the day after the exposure day (p2; p3, whose second exposure is activity; p4).
    expect(retention?.values.map((v) => v.value)).toEqual([2 / 3, 1 / 3]);
    expect(retention?.comparisons[0]?.sequential.interval).not.toBeNull();
  });

  it('zero exposures and all exposures in one variant give a readout that says so, with no NaN', async () => {
    const empty = await runExperiment(getDb(), starterPack, window, { document });
    expect(empty.warnings[0]).toMatch(/No exposures to "starter-pack" between 2026-04-01 and 2026-04-07/);
    expect(JSON.stringify(empty)).not.toMatch(/NaN/);
    expect(empty.metrics[0]?.comparisons[0]?.test.pValue).toBeNull();
    expect(empty.metrics[0]?.comparisons[0]?.test.reason).toBeTruthy();

    await load(getDb(), [
      exposure({ user: 'q1', at: 0 }, 'control', T0),
      exposure({ user: 'q2', at: 0 }, 'control', T0),
      purchase({ user: 'q2', at: 0 }, 100, T0 + DAY),
    ]);
    const lopsided = await runExperiment(getDb(), starterPack, window, { document });
    expect(lopsided.warnings[0]).toBe('All 2 exposed units saw "control": no other variant to compare with.');
    expect(lopsided.metrics.flatMap((m) => m.comparisons.map((c) => c.test.difference))).toEqual([
      null,
      null,
      null,
    ]);
    expect(JSON.stringify(lopsided)).not.toMatch(/NaN/);
  });

  it('a funnel metric counts the attempts entered within one window of the exposure, before (X) and after (Y), in every order', async () => {
    const E = T0 + DAY;
    const MIN = 60_000;
    const HOUR = 3_600_000;
    const who = (user: string) => ({ user, at: 0 });
    const view = (user: string, at: number): Msg => ({
      user,
      event: 'page_viewed',
      at,
      properties: { path: '/' },
    });
    const buy = (user: string, at: number) => purchase(who(user), 100, at);
    await load(getDb(), [
      // control: X at the window's start (the purchase just before the exposure); Y entered just
      // inside the window after the exposure, converting near twice the window after it.
      view('x-edge', E - DAY + MIN),
      buy('x-edge', E - 30_000),
      exposure(who('x-edge'), 'control', E),
      exposure(who('y-edge'), 'control', E),
      view('y-edge', E + DAY - MIN),
      buy('y-edge', E + 2 * DAY - 2 * MIN),
      // cheaper: entered one minute too late, one minute too early, and once before and once after.
      exposure(who('late'), 'cheaper', E),
      view('late', E + DAY + MIN),
      buy('late', E + DAY + 2 * MIN),
      view('early', E - DAY - MIN),
      buy('early', E - DAY + 10 * MIN),
      exposure(who('early'), 'cheaper', E),
      view('both', E - 2 * HOUR),
      buy('both', E - HOUR),
      exposure(who('both'), 'cheaper', E),
      view('both', E + HOUR),
      buy('both', E + 2 * HOUR),
      exposure(who('both'), 'cheaper', E + 3 * DAY),
      // never exposed
      view('unexposed', E),
      buy('unexposed', E + MIN),
    ]);
    const steps = [{ event: 'page_viewed' }, { event: 'purchase' }] as const;
    const funnels: ExperimentDefinition['metrics'] = [
      { kind: 'funnel', name: 'ordered', steps: [...steps], window: '1d' },
      { kind: 'funnel', name: 'strict', steps: [...steps], window: '1d', order: 'strict' },
      { kind: 'funnel', name: 'any', steps: [...steps], window: '1d', order: 'any' },
    ];
    const definition = { ...starterPack, metrics: funnels };
    const readout = await runExperiment(getDb(), definition, window, { document });
    for (const metric of readout.metrics)
      expect(
        metric.values.map((v) => [v.variant, v.units, v.value, v.preExposureValue]),
        metric.name,
      ).toEqual([
        ['control', 2, 1 / 2, 1 / 2],
        ['cheaper', 3, 1 / 3, 1 / 3],
      ]);
    // Each funnel reads only the exposed units' rows, around their exposures, from every table.
    const compiled = compileExperiment(definition, window, funnelCatalogOf(document));
    for (const { sql } of compiled.metrics) expect(sql).toMatch(/ as k on k\.unit = /);
  });

  it('flags a sample ratio mismatch against the planned split', async () => {
    const messages: Msg[] = [];
    for (let i = 0; i < 300; i++) messages.push(exposure({ user: `c${i}`, at: 0 }, 'control', T0 + i));
    for (let i = 0; i < 200; i++) messages.push(exposure({ user: `t${i}`, at: 0 }, 'cheaper', T0 + i));
    await load(getDb(), messages);
    const readout = await runExperiment(getDb(), starterPack, window, { document });
    expect(readout.sampleRatio.mismatch).toBe(true);
    expect(readout.warnings[0]).toMatch(/^Sample ratio mismatch \(p = .* < 0\.001\): the split 300 \/ 200/);
    const planned = await runExperiment(getDb(), { ...starterPack, weights: [3, 2] }, window, { document });
    expect(planned.sampleRatio.mismatch).toBe(false);
  });

  it('a seeded experiment with a true lift: every metric equals a plain computation, the lift is found, CUPED narrows the interval', async () => {
    const random = seeded(7);
    const persons = Number(process.env.TRIBUTARY_EXPERIMENT_PERSONS ?? 800);
    const messages: Msg[] = [];
    const expected = new Map<string, { n: number; converted: number; sessions: number; funnel: number }>();
    for (let i = 0; i < persons; i++) {
      const who = { user: `u${i}`, at: 0 };
      const variant = random() < 0.5 ? 'control' : 'cheaper';
      const exposedAt = T0 + Math.floor(random() * 6 * DAY);
      const propensity = random() < 0.3 ? 0.6 : 0.1; // heavy buyers buy before and after
      let before = false;
      if (random() < propensity) {
        messages.push(purchase(who, 100, exposedAt - 3_600_000 - Math.floor(random() * 5 * DAY)));
        before = true;
      }
      messages.push(exposure(who, variant, exposedAt));
      const rate = Math.min(1, (before ? 0.5 : 0.05) * (variant === 'cheaper' ? 1.6 : 1));
      const converts = random() < rate;
      const sessions = 1 + Math.floor(random() * 3);
      for (let s = 0; s < sessions; s++)
        messages.push({
          ...who,
          event: 'page_viewed',
          at: exposedAt + (s + 1) * 3_600_000,
          properties: { path: '/' },
        });
      if (converts) messages.push(purchase(who, 499, exposedAt + (sessions + 1) * 3_600_000));
      const e = expected.get(variant) ?? { n: 0, converted: 0, sessions: 0, funnel: 0 };
      expected.set(variant, {
        n: e.n + 1,
        converted: e.converted + (converts ? 1 : 0),
        // The exposure, each page view and the purchase are an hour apart: a session each.
        sessions: e.sessions + 1 + sessions + (converts ? 1 : 0),
        funnel: e.funnel + (converts ? 1 : 0),
      });
    }
    await load(getDb(), messages);
    const readout = await runExperiment(
      getDb(),
      {
        ...starterPack,
        metrics: [
          { kind: 'conversion', event: 'purchase', withinDays: 7 },
          { kind: 'sessions', withinDays: 7 },
          { kind: 'funnel', steps: [{ event: 'page_viewed' }, { event: 'purchase' }], window: '1d' },
        ],
      },
      window,
      { document },
    );
    const [conversion, sessions, funnel] = readout.metrics;
    const rate = (variant: string, field: 'converted' | 'sessions' | 'funnel') => {
      const e = expected.get(variant) as { n: number } & Record<string, number>;
      return (e[field] as number) / e.n;
    };
    expect(conversion?.values.map((v) => v.value)).toEqual([
      rate('control', 'converted'),
      rate('cheaper', 'converted'),
    ]);
    expect(sessions?.values.map((v) => v.value)).toEqual([
      rate('control', 'sessions'),
      rate('cheaper', 'sessions'),
    ]);
    expect(funnel?.values.map((v) => v.value)).toEqual([
      rate('control', 'funnel'),
      rate('cheaper', 'funnel'),
    ]);
    const comparison = conversion?.comparisons[0];
    expect(comparison?.test.pValue).toBeLessThan(0.05);
    expect(comparison?.test.relativeLift.estimate).toBeGreaterThan(0.2);
    // Buying before the exposure predicts buying after it: CUPED's interval is narrower.
    const width = (i: { lower: number; upper: number } | null) => (i ? i.upper - i.lower : Number.NaN);
    expect(comparison?.cuped.varianceReduction).toBeGreaterThan(0.1);
    expect(width(comparison?.cuped.adjusted.interval ?? null)).toBeLessThan(
      width(comparison?.test.interval ?? null),
    );
    expect(JSON.stringify(readout)).not.toMatch(/NaN/);
  });

  describe('definitions that cannot be read out name the problem', () => {
    it.each([
      [{ variants: ['control'] }, 'invalid_experiment', /at least two distinct, non-empty variants/],
      [
        { exposureEvent: 'page_viewed' },
        'missing_exposure_property',
        /needs string properties "experiment" and "variant"/,
      ],
      [
        { exposureEvent: 'banner_seen' },
        'unknown_event',
        /unknown event "banner_seen".*experiment_viewed, page_viewed, purchase, signup/,
      ],
      [
        { metrics: [{ kind: 'ltv', withinDays: 7 }] },
        'unknown_metric',
        /kind "ltv"; the catalogue has conversion, revenue, retention, sessions, funnel/,
      ],
      [
        { metrics: [{ kind: 'conversion', event: 'purchase', withinDays: 0 }] },
        'invalid_metric',
        /withinDays must be an integer from 1 to 365/,
      ],
      [{ metrics: [] }, 'invalid_experiment', /has no metrics/],
    ] as const)('%j → %s', async (change, code, message) => {
      const error = await runExperiment(
        getDb(),
        { ...starterPack, ...change } as ExperimentDefinition,
        window,
        {
          document,
        },
      ).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ExperimentError);
      expect(error).toMatchObject({ code });
      expect((error as Error).message).toMatch(message);
    });
  });
});

/** mulberry32. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
