import { describe, expect, it } from 'vitest';
import { gameFunnelCatalog, gameFunnelSpec } from '../test-helpers/funnel-catalog.js';
import { compileFunnel, funnelPlanOf } from './compile-funnel.js';
import type { FunnelSpec } from './funnel-spec.js';
import { FunnelError, resolveFunnelSpec } from './resolve-funnel-spec.js';

/** install → purchase, no level-up in between. */
const barred = (order: FunnelSpec['order']): FunnelSpec => ({
  ...gameFunnelSpec,
  steps: [{ event: 'install' }, { event: 'purchase' }],
  order,
  exclusions: [{ event: 'level_up', between: [0, 1] }],
});
/** install → level_up → purchase, no second install between the level-up and the purchase. */
const barredLater: FunnelSpec = { ...gameFunnelSpec, exclusions: [{ event: 'install', between: [1, 2] }] };

describe('funnelPlanOf', () => {
  it('takes the timeline for every funnel but an ordered one with an exclusion from a later step', () => {
    const plan = (spec: FunnelSpec) => funnelPlanOf(resolveFunnelSpec(spec, gameFunnelCatalog));
    expect(plan(gameFunnelSpec)).toBe('timeline');
    // From step 1 (index 0): each step up to j before the first excluded event after the entry.
    expect(plan(barred('ordered'))).toBe('timeline');
    expect(plan(barredLater)).toBe('window');
    // In strict order no event comes between two steps, and any order has no order to bar.
    expect(plan({ ...barredLater, order: 'strict' })).toBe('timeline');
    expect(plan({ ...barredLater, order: 'any' })).toBe('timeline');
  });

  it('refuses the timeline for an ordered funnel with an exclusion from a later step, naming the plans that compute it', () => {
    expect(() => compileFunnel(barredLater, gameFunnelCatalog, { plan: 'timeline' })).toThrow(FunnelError);
    expect(() => compileFunnel(barredLater, gameFunnelCatalog, { plan: 'timeline' })).toThrow(
      /an ordered one with an exclusion from a later step .*use plan "window" or "auto"/,
    );
    expect(compileFunnel(barred('ordered'), gameFunnelCatalog, { plan: 'timeline' }).plan).toBe('timeline');
  });

  it('the ordered timeline reads the excluded event’s table and cuts the steps up to j at its first event after the entry', () => {
    const { sql } = compileFunnel(barred('ordered'), gameFunnelCatalog);
    expect(sql).toContain('from processed."level_up" as l');
    expect(sql).toMatch(/coalesce\(p\.px0\[width_bucket\(x\.i0, p\.px0\) \+ 1\], 2147483647\) as x0/);
    expect(sql).toMatch(
      /case when p1\[width_bucket\(i0, p1\) \+ 1\] < x0 then p1\[width_bucket\(i0, p1\) \+ 1\] end as i1/,
    );
  });
});
