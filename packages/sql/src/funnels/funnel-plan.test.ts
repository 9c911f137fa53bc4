import { describe, expect, it } from 'vitest';
import { gameFunnelCatalog, gameFunnelSpec } from '../test-helpers/funnel-catalog.js';
import { compileFunnel, funnelPlanOf } from './compile-funnel.js';
import type { FunnelSpec } from './funnel-spec.js';
import { FunnelError, resolveFunnelSpec } from './resolve-funnel-spec.js';

const barred = (order: FunnelSpec['order']): FunnelSpec => ({
  ...gameFunnelSpec,
  steps: [{ event: 'install' }, { event: 'purchase' }],
  order,
  exclusions: [{ event: 'level_up', between: [0, 1] }],
});

describe('funnelPlanOf', () => {
  it('takes the timeline for every funnel but an ordered one with exclusions', () => {
    const plan = (spec: FunnelSpec) => funnelPlanOf(resolveFunnelSpec(spec, gameFunnelCatalog));
    expect(plan(gameFunnelSpec)).toBe('timeline');
    expect(plan(barred('ordered'))).toBe('window');
    // In strict order no event comes between two steps, and any order has no order to bar.
    expect(plan(barred('strict'))).toBe('timeline');
    expect(plan(barred('any'))).toBe('timeline');
  });

  it('refuses the timeline for an ordered funnel with exclusions, naming the plans that compute it', () => {
    expect(() => compileFunnel(barred('ordered'), gameFunnelCatalog, { plan: 'timeline' })).toThrow(
      FunnelError,
    );
    expect(() => compileFunnel(barred('ordered'), gameFunnelCatalog, { plan: 'timeline' })).toThrow(
      /every funnel but an ordered one with exclusions .*use plan "window" or "auto"/,
    );
    expect(compileFunnel(barred('strict'), gameFunnelCatalog, { plan: 'timeline' }).plan).toBe('timeline');
  });
});
