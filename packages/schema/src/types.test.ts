import { describe, expectTypeOf, it } from 'vitest';
import type { EventName, EventProperties, EventVersion, LatestVersion, PlanContext } from './types.js';
import type { testPlan } from './test-plan.js';

type TestPlan = typeof testPlan;

/** A typed track function as a tracker would declare it, to prove inference end to end. */
declare function track<N extends EventName<TestPlan>>(
  name: N,
  properties: EventProperties<TestPlan, N>,
): void;

// These are checked by `tsc` (the typecheck step), not at run time.
describe('type inference from a plan', () => {
  it('infers event names, versions and properties', () => {
    expectTypeOf<EventName<TestPlan>>().toEqualTypeOf<'app_install' | 'level_up' | 'purchase'>();
    expectTypeOf<EventVersion<TestPlan, 'level_up'>>().toEqualTypeOf<1 | 2>();
    expectTypeOf<LatestVersion<TestPlan, 'level_up'>>().toEqualTypeOf<2>();
    expectTypeOf<EventProperties<TestPlan, 'level_up'>>().toEqualTypeOf<{
      level: number;
      character: string;
      coins?: number | undefined;
    }>();
    expectTypeOf<EventProperties<TestPlan, 'level_up', 1>>().toEqualTypeOf<{
      level: number;
      character: string;
    }>();
    expectTypeOf<EventProperties<TestPlan, 'app_install'>['store']>().toEqualTypeOf<
      'app_store' | 'play_store'
    >();
    expectTypeOf<EventProperties<TestPlan, 'purchase'>['coupon']>().toEqualTypeOf<
      string | null | undefined
    >();
    expectTypeOf<PlanContext<TestPlan>>().toEqualTypeOf<{
      platform: 'ios' | 'android' | 'web';
      app_version?: string | undefined;
    }>();
  });

  it('rejects wrong names and property types at compile time', () => {
    const typeOnly = (fn: () => void) => fn;
    typeOnly(() => {
      track('level_up', { level: 3, character: 'mage' });
      track('level_up', { level: 3, character: 'mage', coins: 10 });
      // @ts-expect-error unknown event name
      track('level_upp', { level: 3, character: 'mage' });
      // @ts-expect-error wrong property type
      track('level_up', { level: '3', character: 'mage' });
      // @ts-expect-error unknown property
      track('level_up', { level: 3, character: 'mage', colour: 'red' });
      // @ts-expect-error missing required property
      track('level_up', { level: 3 });
      // @ts-expect-error value outside the enum
      track('app_install', { store: 'web_store' });
    });
  });
});
