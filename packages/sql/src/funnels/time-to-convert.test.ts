import { describe, expect, it } from 'vitest';
import { compileFunnel } from './compile-funnel.js';
import { gameFunnelCatalog, gameFunnelSpec } from '../test-helpers/funnel-catalog.js';
import {
  assembleTimeToConvert,
  compileFunnelTimeToConvert,
  TIME_TO_CONVERT_BUCKETS,
} from './time-to-convert.js';

const catalog = gameFunnelCatalog;
const spec = gameFunnelSpec;

describe('compileFunnelTimeToConvert', () => {
  for (const plan of ['timeline', 'window'] as const)
    it(`buckets the per-unit times of the funnel statement by width_bucket over the bucket starts in ms (${plan} plan)`, () => {
      const compiled = compileFunnelTimeToConvert(spec, catalog, undefined, { plan });
      const funnel = compileFunnel(spec, catalog, { plan });
      expect(funnel.plan).toBe(plan);
      if (plan === 'timeline') {
        // The timeline plan's histogram reads the funnel statement's units: the same CTEs up to
        // there, with the same parameters; its times are those behind the medians.
        const shared = funnel.sql.slice(0, funnel.sql.indexOf('steps_part as'));
        expect(compiled?.sql.startsWith(shared)).toBe(true);
        expect(funnel.parameters.slice(0, compiled?.parameters.length)).toEqual(compiled?.parameters);
      }
      expect(compiled?.sql).toContain('unit_times as (');
      expect(compiled?.sql.slice(compiled.sql.indexOf('\nselect bv as breakdown'))).toBe(
        `
select bv as breakdown, k as step, width_bucket(ms, array[60000, 300000, 1800000, 7200000, 43200000, 86400000, 259200000]::bigint[]) as bucket, count(*)::int as units
from unit_times
group by 1, 2, 3
order by 1, 2, 3`,
      );
    });

  it('is null for any order, which has no time between steps', () => {
    expect(compileFunnelTimeToConvert({ ...spec, order: 'any' }, catalog)).toBeNull();
  });
});

describe('assembleTimeToConvert', () => {
  it('fills every bucket of every later step, per breakdown value', () => {
    const resolved = compileFunnel({ ...spec, breakdown: 'platform' }, catalog).spec;
    const histogram = assembleTimeToConvert(resolved, [
      { breakdown: 'android', step: 1, bucket: 0, units: 4 },
      { breakdown: 'android', step: 2, bucket: 7, units: 1 },
      { breakdown: 'ios', step: 1, bucket: 3, units: 2 },
    ]);
    expect(histogram.buckets).toBe(TIME_TO_CONVERT_BUCKETS);
    expect(histogram.groups).toEqual([
      {
        breakdown: 'android',
        steps: [
          { step: 2, event: 'level_up', units: [4, 0, 0, 0, 0, 0, 0, 0] },
          { step: 3, event: 'purchase', units: [0, 0, 0, 0, 0, 0, 0, 1] },
        ],
      },
      {
        breakdown: 'ios',
        steps: [
          { step: 2, event: 'level_up', units: [0, 0, 0, 2, 0, 0, 0, 0] },
          { step: 3, event: 'purchase', units: [0, 0, 0, 0, 0, 0, 0, 0] },
        ],
      },
    ]);
  });

  it('has one group without a breakdown, even with no rows', () => {
    const resolved = compileFunnel(spec, catalog).spec;
    expect(assembleTimeToConvert(resolved, []).groups).toEqual([
      {
        breakdown: null,
        steps: [
          { step: 2, event: 'level_up', units: [0, 0, 0, 0, 0, 0, 0, 0] },
          { step: 3, event: 'purchase', units: [0, 0, 0, 0, 0, 0, 0, 0] },
        ],
      },
    ]);
  });
});
