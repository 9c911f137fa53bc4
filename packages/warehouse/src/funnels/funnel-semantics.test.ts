import { compileDdl, type FunnelSpec, FunnelError, planToWarehouse } from '@tributary/sql';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { describeEachDatabase } from '../testing/describe-each-database.js';
import { loadMessages, type TestMessage } from '../testing/load-messages.js';
import type { Warehouse } from '../warehouse.js';
import { runFunnel } from './run-funnel.js';
import { funnelTestDocument as document } from './test-support/funnel-test-plan.js';

// The definitions of the metrics README ("Funnels"), one edge at a time, with exact expected values.
const T0 = Date.parse('2026-03-10T10:00:00Z');
const MIN = 60_000;

/** Messages without a platform are sent from iOS. */
type Msg = TestMessage;

describeEachDatabase('funnel semantics', (getDb) => {
  beforeAll(async () => {
    await getDb().exec(compileDdl(planToWarehouse(document)));
  });
  beforeEach(async () => {
    await getDb().exec('TRUNCATE raw.events, raw.rejected');
  });

  /** Loads messages in the given (arrival) order and runs the ETL. */
  const load = (db: Warehouse, messages: readonly Msg[]) =>
    loadMessages(
      db,
      document,
      messages.map((m) => ({ platform: 'ios', ...m })),
    );

  const base = { window: '30m', from: '2026-03-10', to: '2026-03-10', timeZone: 'UTC' } as const;
  const signupThenView: FunnelSpec = { ...base, steps: [{ event: 'signup' }, { event: 'view' }] };
  // Per-step counts by the default plan; the window plan must agree (an ordered or strict funnel
  // without exclusions takes the timeline plan by default).
  const counts = async (spec: FunnelSpec) => {
    const of = async (plan: 'auto' | 'window') =>
      (await runFunnel(getDb(), spec, { document, plan })).groups.map((g) => g.steps.map((s) => s.count));
    const auto = await of('auto');
    expect(await of('window')).toEqual(auto);
    return auto;
  };

  it('the window is measured from step 1 and includes its end; ties at one millisecond follow arrival order', async () => {
    await load(getDb(), [
      { user: 'edge', event: 'signup', at: T0 },
      { user: 'edge', event: 'view', at: T0 + 30 * MIN },
      { user: 'late', event: 'signup', at: T0 },
      { user: 'late', event: 'view', at: T0 + 30 * MIN + 1 },
      // Same millisecond: the view arrived first, so it is not after the signup.
      { user: 'tie-before', event: 'view', at: T0 },
      { user: 'tie-before', event: 'signup', at: T0 },
      { user: 'tie-after', event: 'signup', at: T0 },
      { user: 'tie-after', event: 'view', at: T0 },
    ]);
    const result = await runFunnel(getDb(), signupThenView, { document });
    const [steps] = result.groups.map((g) => g.steps);
    expect(steps?.map((s) => s.count)).toEqual([4, 2]);
    expect(steps?.[1]).toMatchObject({
      conversionFromFirst: 0.5,
      conversionFromPrevious: 0.5,
      dropOff: 2,
      medianSecondsFromPrevious: 900, // 1,800 s and 0 s
      p90SecondsFromPrevious: 1620,
    });
    // Any order: the window from a start includes its end too (edge), and a tie is within it
    // whichever arrived first; late's steps are 1 ms too far apart.
    expect(await counts({ ...signupThenView, order: 'any' })).toEqual([[4, 3]]);
  });

  it('events order by their exact time (microseconds) before arrival; durations are whole milliseconds, floored', async () => {
    await load(getDb(), [
      // The signup is 0.4 ms after the view: arrival order does not reorder them.
      { user: 'micro-before', event: 'signup', at: 0, timestamp: '2026-03-10T00:00:00.000700Z' },
      { user: 'micro-before', event: 'view', at: 0, timestamp: '2026-03-10T00:00:00.000300Z' },
      // The view arrived first but happened 0.4 ms after the signup.
      { user: 'micro-after', event: 'view', at: 0, timestamp: '2026-03-10T00:00:00.000700Z' },
      { user: 'micro-after', event: 'signup', at: 0, timestamp: '2026-03-10T00:00:00.000300Z' },
      // 30 min and 0.1 ms apart, but whole milliseconds apart 30 min: inside the window.
      { user: 'floor-edge', event: 'signup', at: 0, timestamp: '2026-03-10T00:00:00.000900Z' },
      { user: 'floor-edge', event: 'view', at: 0, timestamp: '2026-03-10T00:30:00.000999Z' },
    ]);
    for (const plan of ['timeline', 'window'] as const) {
      const result = await runFunnel(getDb(), signupThenView, { document, plan });
      expect(result.compiled.plan).toBe(plan);
      expect(result.groups[0]?.steps.map((s) => [s.count, s.medianSecondsFromPrevious])).toEqual([
        [3, null],
        [2, 900], // 0 s and 1,800 s
      ]);
    }
  });

  it('re-entry: the latest step 1 before a step counts, so a second attempt converts', async () => {
    await load(getDb(), [
      { user: 'again', event: 'signup', at: T0 },
      { user: 'again', event: 'signup', at: T0 + 50 * MIN },
      { user: 'again', event: 'view', at: T0 + 70 * MIN },
    ]);
    const result = await runFunnel(getDb(), signupThenView, { document });
    expect(result.groups[0]?.steps.map((s) => [s.count, s.medianSecondsFromPrevious])).toEqual([
      [1, null],
      [1, 1200],
    ]);
  });

  it('strict order breaks on any event between; ordered does not; any order takes steps in any order', async () => {
    await load(getDb(), [
      { user: 'noisy', event: 'signup', at: T0 },
      { user: 'noisy', event: 'noise', at: T0 + MIN },
      { user: 'noisy', event: 'view', at: T0 + 2 * MIN },
      { user: 'backwards', event: 'view', at: T0 },
      { user: 'backwards', event: 'signup', at: T0 + MIN },
    ]);
    expect(await counts({ ...signupThenView, order: 'ordered' })).toEqual([[2, 1]]);
    expect(await counts({ ...signupThenView, order: 'strict' })).toEqual([[2, 0]]);
    expect(await counts({ ...signupThenView, order: 'any' })).toEqual([[2, 2]]);
  });

  it('an exclusion between two steps stops the attempt; a new attempt after it may convert', async () => {
    await load(getDb(), [
      { user: 'excluded', event: 'signup', at: T0 },
      { user: 'excluded', event: 'noise', at: T0 + MIN },
      { user: 'excluded', event: 'view', at: T0 + 2 * MIN },
      { user: 'retried', event: 'signup', at: T0 },
      { user: 'retried', event: 'noise', at: T0 + MIN },
      { user: 'retried', event: 'signup', at: T0 + 2 * MIN },
      { user: 'retried', event: 'view', at: T0 + 3 * MIN },
    ]);
    const spec: FunnelSpec = { ...signupThenView, exclusions: [{ event: 'noise', between: [0, 1] }] };
    expect(await counts(spec)).toEqual([[2, 1]]);
    expect(await counts(signupThenView)).toEqual([[2, 2]]);
  });

  it('an exclusion from step 1 to step j: the steps up to j come before the excluded event; the next step is timed from the step j event before it', async () => {
    await load(getDb(), [
      // Reaches view before the noise; the view after the noise belongs to no attempt, so the
      // cart is 9 minutes after the view the attempt took, not 7.
      { user: 'a', event: 'signup', at: T0 },
      { user: 'a', event: 'view', at: T0 + MIN },
      { user: 'a', event: 'noise', at: T0 + 2 * MIN },
      { user: 'a', event: 'view', at: T0 + 3 * MIN },
      { user: 'a', event: 'add_to_cart', at: T0 + 10 * MIN },
      // Noise before any view: stuck at signup, until a new signup after it (3 minutes to the cart).
      { user: 'b', event: 'signup', at: T0 },
      { user: 'b', event: 'noise', at: T0 + MIN },
      { user: 'b', event: 'view', at: T0 + 2 * MIN },
      { user: 'b', event: 'add_to_cart', at: T0 + 3 * MIN },
      { user: 'c', event: 'signup', at: T0 },
      { user: 'c', event: 'noise', at: T0 + MIN },
      { user: 'c', event: 'signup', at: T0 + 4 * MIN },
      { user: 'c', event: 'view', at: T0 + 5 * MIN },
      { user: 'c', event: 'add_to_cart', at: T0 + 8 * MIN },
      // Two attempts take the same cart: it is timed in the later one (from the view at 4
      // minutes, 6 minutes), not from the view the earlier one took before the noise (9 minutes).
      { user: 'd', event: 'signup', at: T0 },
      { user: 'd', event: 'view', at: T0 + MIN },
      { user: 'd', event: 'noise', at: T0 + 2 * MIN },
      { user: 'd', event: 'signup', at: T0 + 3 * MIN },
      { user: 'd', event: 'view', at: T0 + 4 * MIN },
      { user: 'd', event: 'add_to_cart', at: T0 + 10 * MIN },
    ]);
    const spec: FunnelSpec = {
      ...signupThenView,
      steps: [{ event: 'signup' }, { event: 'view' }, { event: 'add_to_cart' }],
      exclusions: [{ event: 'noise', between: [0, 1] }],
    };
    for (const plan of ['auto', 'window'] as const) {
      const result = await runFunnel(getDb(), spec, { document, plan });
      expect(result.compiled.plan).toBe(plan === 'auto' ? 'timeline' : 'window');
      const steps = result.groups[0]?.steps ?? [];
      expect(
        steps.map((s) => s.count),
        plan,
      ).toEqual([4, 3, 3]);
      // Step 2 from signup: a, c, d 1 min; step 3 from view: a 9 min, c 3 min, d 6 min.
      expect(
        steps.slice(1).map((s) => s.medianSecondsFromPrevious),
        plan,
      ).toEqual([60, 360]);
      expect(
        steps.slice(1).map((s) => s.p90SecondsFromPrevious),
        plan,
      ).toEqual([60, 504]);
    }
    // The same exclusion up to the last step stops a at its view; d converts from its second signup.
    expect(await counts({ ...spec, exclusions: [{ event: 'noise', between: [0, 2] }] })).toEqual([[4, 3, 2]]);
  });

  it('step filters on properties, breakdown by a dimension at step 1, and the series by entry day', async () => {
    await load(getDb(), [
      { user: 'a', event: 'view', at: T0, properties: { page: 'home' } },
      { user: 'a', event: 'add_to_cart', at: T0 + MIN, properties: { price: 80 } },
      { user: 'b', event: 'view', at: T0, platform: 'android', properties: { page: 'home' } },
      { user: 'b', event: 'add_to_cart', at: T0 + MIN, platform: 'android', properties: { price: 20 } },
      { user: 'c', event: 'view', at: T0 + 86_400_000, properties: { page: 'help' } },
      { user: 'c', event: 'add_to_cart', at: T0 + 86_400_000 + MIN, properties: { price: 90 } },
    ]);
    const spec: FunnelSpec = {
      ...base,
      to: '2026-03-11',
      steps: [
        { event: 'view', where: { page: { in: ['home', 'shop'] } } },
        { event: 'add_to_cart', where: { price: { gte: 50 } } },
      ],
      breakdown: 'platform',
    };
    const result = await runFunnel(getDb(), spec, { document });
    expect(result.groups.map((g) => [g.breakdown, g.steps.map((s) => s.count)])).toEqual([
      ['android', [1, 0]],
      ['ios', [1, 1]],
    ]);
    expect(result.series).toEqual([
      { day: '2026-03-10', breakdown: 'android', entered: 1, converted: 0, conversion: 0 },
      { day: '2026-03-10', breakdown: 'ios', entered: 1, converted: 1, conversion: 1 },
    ]);
  });

  it('persons: an anonymous step 1 and a signed-in step 2 are one person when stitched, two user keys raw', async () => {
    await load(getDb(), [
      { anonymousId: 'anon-1', event: 'signup', at: T0 },
      { anonymousId: 'anon-1', user: 'p1', type: 'identify', at: T0 + MIN },
      { user: 'p1', event: 'view', at: T0 + 2 * MIN },
    ]);
    expect(await counts(signupThenView)).toEqual([[1, 1]]);
    expect(await counts({ ...signupThenView, identity: 'raw' })).toEqual([[1, 0]]);
  });

  it('sessions: steps must happen in one session, and each session counts once', async () => {
    await load(getDb(), [
      { user: 's', event: 'signup', at: T0, sessionId: 'one' },
      { user: 's', event: 'view', at: T0 + MIN, sessionId: 'one' },
      { user: 's', event: 'signup', at: T0 + 2 * MIN, sessionId: 'two' },
      { user: 's', event: 'view', at: T0 + 3 * MIN, sessionId: 'three' },
    ]);
    expect(await counts({ ...signupThenView, countBy: 'sessions' })).toEqual([[2, 1]]);
    expect(await counts(signupThenView)).toEqual([[1, 1]]);
  });

  it('sessions without a tracker session id are the inactivity sessions the ETL cut', async () => {
    const HOUR = 60 * MIN;
    await load(getDb(), [
      { user: 'quiet', event: 'signup', at: T0 },
      { user: 'quiet', event: 'view', at: T0 + MIN },
      // Two hours later (past the 30-minute inactivity gap): a second session, which only signs up.
      { user: 'quiet', event: 'signup', at: T0 + 2 * HOUR },
      { user: 'quiet', event: 'noise', at: T0 + 2 * HOUR + 20 * MIN },
      // Within the funnel's window of that signup, but in a third session.
      { user: 'quiet', event: 'view', at: T0 + 2 * HOUR + 55 * MIN },
    ]);
    expect(await counts({ ...signupThenView, window: '1h', countBy: 'sessions' })).toEqual([[2, 1]]);
    expect(await counts({ ...signupThenView, window: '1h' })).toEqual([[1, 1]]);
  });

  it("with table estimates that make step 1 small, funnels read only the rows between each unit's entries and the window; the numbers do not change", async () => {
    await load(getDb(), [
      // Same millisecond, arrived after the signup: a step 2 at the entry's very instant.
      { user: 'tie', event: 'signup', at: T0 },
      { user: 'tie', event: 'view', at: T0 },
      // A view before the entry and one 1 ms past the window: neither counts.
      { user: 'outside', event: 'view', at: T0 - 5 * MIN },
      { user: 'outside', event: 'signup', at: T0 },
      { user: 'outside', event: 'view', at: T0 + 30 * MIN + 1 },
      // Two entries: the view at the end of the second's window counts.
      { user: 'twice', event: 'signup', at: T0 },
      { user: 'twice', event: 'signup', at: T0 + 60 * MIN },
      { user: 'twice', event: 'view', at: T0 + 90 * MIN },
      // Another event between the steps: breaks strict order and the exclusion below.
      { user: 'barred', event: 'signup', at: T0 },
      { user: 'barred', event: 'noise', at: T0 + 5 * MIN },
      { user: 'barred', event: 'view', at: T0 + 10 * MIN },
      // Views of units that never sign up: rows a pruned statement drops.
      ...Array.from({ length: 24 }, (_, n) => ({ user: `viewer-${n}`, event: 'view', at: T0 + n * MIN })),
    ]);
    await getDb().exec('ANALYZE processed.signup, processed.view, processed.tracks');
    const pruned = await runFunnel(getDb(), signupThenView, { document });
    expect(pruned.compiled.prunedToEntries).toBe(true);
    expect(pruned.groups[0]?.steps.map((s) => [s.count, s.medianSecondsFromPrevious])).toEqual([
      [4, null],
      [3, 600], // 0 s, 600 s and 1,800 s
    ]);
    expect(pruned.series.map((r) => [r.entered, r.converted])).toEqual([[4, 3]]);
    // The same funnel without estimates is not pruned and gives the same; so does each plan, pruned or not.
    const whole = await runFunnel(getDb(), signupThenView, { document, tableRows: {} });
    expect(whole.compiled.prunedToEntries).toBe(false);
    expect(whole.groups).toEqual(pruned.groups);
    const strict: FunnelSpec = { ...signupThenView, order: 'strict' };
    const barred: FunnelSpec = { ...signupThenView, exclusions: [{ event: 'noise', between: [0, 1] }] };
    for (const [spec, expected] of [
      [signupThenView, [4, 3]],
      [strict, [4, 2]],
      [barred, [4, 2]],
    ] as const)
      for (const plan of ['auto', 'window'] as const) {
        const run = (tableRows?: Record<string, number>) =>
          runFunnel(getDb(), spec, { document, plan, ...(tableRows ? { tableRows } : {}) });
        const [one, other] = [await run(), await run({})];
        expect(
          [one.compiled.prunedToEntries, other.compiled.prunedToEntries],
          `${plan} ${JSON.stringify(spec)}`,
        ).toEqual([true, false]);
        expect(one.groups[0]?.steps.map((s) => s.count)).toEqual(expected);
        expect(one.groups).toEqual(other.groups);
        expect(one.series).toEqual(other.series);
      }
    // Step 1 the large table: pruning would cost more than it saves.
    const reversed = await runFunnel(
      getDb(),
      { ...base, steps: [{ event: 'view' }, { event: 'signup' }] },
      { document },
    );
    expect(reversed.compiled.prunedToEntries).toBe(false);
  });

  describe('bad specs name the value and what is accepted', () => {
    const bad = (spec: Partial<FunnelSpec>) =>
      runFunnel(getDb(), { ...signupThenView, ...spec } as FunnelSpec, { document });
    it.each([
      [{ steps: [{ event: 'signup' }] }, 'invalid_steps', /2 to 20 steps \(got 1\)/],
      [{ steps: Array.from({ length: 21 }, () => ({ event: 'view' })) }, 'invalid_steps', /got 21/],
      [
        { steps: [{ event: 'signup' }, { event: 'level_up' }] },
        'unknown_event',
        /"level_up".*add_to_cart, noise, purchase, signup, view/,
      ],
      [
        { steps: [{ event: 'view', where: { pgae: 'x' } }, { event: 'signup' }] },
        'unknown_property',
        /no property "pgae"; its properties are: page/,
      ],
      [
        { steps: [{ event: 'view', where: { page: 3 } }, { event: 'signup' }] },
        'invalid_filter',
        /"page" is a string/,
      ],
      [{ window: '0d' }, 'invalid_window', /"0d".*from 1m to 365d/],
      [{ window: '366d' }, 'invalid_window', /"366d"/],
      [{ from: '2026-03-12', to: '2026-03-10' }, 'invalid_range', /from 2026-03-12 is after to 2026-03-10/],
      [{ exclusions: [{ event: 'view', between: [0, 1] }] }, 'invalid_exclusion', /also a step/],
    ] as const)('%j → %s', async (spec, code, message) => {
      const error = await bad(spec as Partial<FunnelSpec>).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FunnelError);
      expect(error).toMatchObject({ code });
      expect((error as Error).message).toMatch(message);
    });
  });
});
