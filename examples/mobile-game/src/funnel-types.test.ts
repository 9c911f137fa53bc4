import type { FunnelSpec } from '@tributary/sql';
import { describe, expect, it } from 'vitest';
import type { plan } from './plan.js';

// Compile-time checks: `tsc` (the typecheck step) fails when a line marked @ts-expect-error compiles.
type Spec = FunnelSpec<typeof plan>;
const range = { window: '7d', from: '2026-03-01', to: '2026-03-31' } as const;

const ok: Spec = {
  ...range,
  steps: [
    { event: 'app_install' },
    { event: 'level_up', where: { level: { gte: 5 }, character: 'mage' } },
    { event: 'purchase', where: { currency: { in: ['USD', 'EUR'] } } },
  ],
  exclusions: [{ event: 'session_end', between: [1, 2] }],
};

const wrongEvent: Spec = {
  ...range,
  // @ts-expect-error: 'level_down' is not an event of the plan
  steps: [{ event: 'app_install' }, { event: 'level_down' }],
};

const wrongProperty: Spec = {
  ...range,
  // @ts-expect-error: purchase has no property 'price'
  steps: [{ event: 'app_install' }, { event: 'purchase', where: { price: 100 } }],
};

const wrongValueType: Spec = {
  ...range,
  // @ts-expect-error: level is a number, not a string
  steps: [{ event: 'app_install' }, { event: 'level_up', where: { level: 'five' } }],
};

const wrongEnumValue: Spec = {
  ...range,
  // @ts-expect-error: 'wizard' is not a character
  steps: [{ event: 'app_install' }, { event: 'level_up', where: { character: 'wizard' } }],
};

const orderedOnString: Spec = {
  ...range,
  // @ts-expect-error: gte applies to numbers only
  steps: [{ event: 'app_install' }, { event: 'purchase', where: { sku: { gte: 'a' } } }],
};

const wrongExclusion: Spec = {
  ...range,
  steps: [{ event: 'app_install' }, { event: 'purchase' }],
  // @ts-expect-error: exclusions name plan events too
  exclusions: [{ event: 'uninstall', between: [0, 1] }],
};

describe('FunnelSpec<typeof plan>', () => {
  it('types steps, filters and exclusions by the plan (checked by tsc; the values exist at run time)', () => {
    expect([
      ok,
      wrongEvent,
      wrongProperty,
      wrongValueType,
      wrongEnumValue,
      orderedOnString,
      wrongExclusion,
    ]).toHaveLength(7);
  });
});
