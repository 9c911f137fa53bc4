import { describe, expect, it } from 'vitest';
import { compileFunnel } from './compile-funnel.js';
import type { FunnelSpec } from './funnel-spec.js';
import { gameFunnelCatalog, gameFunnelSpec } from '../test-helpers/funnel-catalog.js';
import { resolveFunnelSpec } from './resolve-funnel-spec.js';
import { compileFunnelTimeToConvert } from './time-to-convert.js';
import { funnelCanPrune, funnelPrunesToEntries } from './timeline-funnel.js';

const catalog = gameFunnelCatalog;
const spec = gameFunnelSpec;
const resolved = (s: FunnelSpec) => resolveFunnelSpec(s, catalog);

describe('funnelPrunesToEntries', () => {
  it("prunes when step 1's tables hold at most a quarter of the rows of the tables it prunes", () => {
    expect(funnelPrunesToEntries(resolved(spec), { install: 100, level_up: 300, purchase: 100 })).toBe(true);
    expect(funnelPrunesToEntries(resolved(spec), { install: 101, level_up: 300, purchase: 100 })).toBe(false);
  });

  it('does not prune without estimates, with an unknown one, or in any order', () => {
    expect(funnelPrunesToEntries(resolved(spec), undefined)).toBe(false);
    expect(funnelPrunesToEntries(resolved(spec), { install: 1, level_up: 1000 })).toBe(false);
    expect(funnelPrunesToEntries(resolved(spec), { install: -1, level_up: 1000, purchase: 1000 })).toBe(
      false,
    );
    expect(
      funnelPrunesToEntries(resolved({ ...spec, order: 'any' }), {
        install: 0,
        level_up: 9,
        purchase: 9,
        tracks: 9,
      }),
    ).toBe(false);
  });

  it('strict order prunes processed.tracks (every tracked event), against step 1 tables', () => {
    const strict = resolved({ ...spec, order: 'strict' });
    expect(funnelPrunesToEntries(strict, { install: 10, level_up: 0, purchase: 0, tracks: 40 })).toBe(true);
    expect(funnelPrunesToEntries(strict, { install: 11, level_up: 0, purchase: 0, tracks: 40 })).toBe(false);
    expect(funnelPrunesToEntries(strict, { install: 10, level_up: 100, purchase: 100 })).toBe(false);
    const compiled = compileFunnel({ ...spec, order: 'strict' }, catalog, {
      tableRows: { install: 1, tracks: 10 },
    });
    expect(compiled.prunedToEntries).toBe(true);
    expect(compiled.sql).toMatch(/from processed\.tracks as t[\s\S]* as r on r\.unit = /);
  });

  it('funnelCanPrune: whether some estimates would prune (ordered or strict, something to prune)', () => {
    expect(funnelCanPrune(resolved(spec))).toBe(true);
    expect(funnelCanPrune(resolved({ ...spec, order: 'strict' }))).toBe(true);
    expect(funnelCanPrune(resolved({ ...spec, order: 'any' }))).toBe(false);
    const only = resolved({ ...spec, steps: [{ event: 'level_up' }, { event: 'level_up' }] });
    expect(funnelCanPrune(only)).toBe(false);
    expect(funnelCanPrune(only, 'window')).toBe(true); // the window plan prunes processed.tracks
  });

  it('counts only the tables step 1 does not read; none left means nothing to prune', () => {
    // level_up is step 1 and step 3: only purchase is pruned, and it is smaller than level_up.
    const again: FunnelSpec = {
      ...spec,
      steps: [{ event: 'level_up' }, { event: 'purchase' }, { event: 'level_up' }],
    };
    expect(funnelPrunesToEntries(resolved(again), { level_up: 10, purchase: 1000 })).toBe(true);
    expect(funnelPrunesToEntries(resolved(again), { level_up: 1000, purchase: 10 })).toBe(false);
    const only: FunnelSpec = { ...spec, steps: [{ event: 'level_up' }, { event: 'level_up' }] };
    expect(funnelPrunesToEntries(resolved(only), { level_up: 0 })).toBe(false);
  });

  it('the pruned statement joins each pruned table to the range of its units’ entries; step 1’s table is read whole', () => {
    const pruned = compileFunnel(spec, catalog, { tableRows: { install: 1, level_up: 10, purchase: 10 } });
    expect(pruned.prunedToEntries).toBe(true);
    expect(pruned.sql.match(/ as r on r\.unit = /g)).toHaveLength(2);
    const whole = compileFunnel(spec, catalog);
    expect(whole.prunedToEntries).toBe(false);
    expect(whole.sql).not.toContain(' as r on ');
    // The window plan prunes processed.tracks, weighed against step 1's tables.
    const window = compileFunnel(spec, catalog, { plan: 'window', tableRows: { install: 1, tracks: 10 } });
    expect(window.prunedToEntries).toBe(true);
    expect(window.sql.match(/ as r on r\.unit = /g)?.length).toBeGreaterThan(0);
    expect(
      compileFunnel(spec, catalog, { plan: 'window', tableRows: { install: 1, level_up: 10, purchase: 10 } })
        .prunedToEntries,
    ).toBe(false);
  });

  it('the time-to-convert histogram prunes by the same rule, on either plan', () => {
    const tableRows = { install: 1, level_up: 10, purchase: 10, tracks: 10 };
    for (const plan of ['timeline', 'window'] as const) {
      const pruned = compileFunnelTimeToConvert(spec, catalog, undefined, { plan, tableRows });
      expect(pruned?.prunedToEntries).toBe(true);
      expect(pruned?.sql).toMatch(/ as r on r\.unit = /);
      const whole = compileFunnelTimeToConvert(spec, catalog, undefined, { plan });
      expect(whole?.prunedToEntries).toBe(false);
      expect(whole?.sql).not.toContain(' as r on ');
    }
    const big = compileFunnelTimeToConvert(spec, catalog, undefined, {
      tableRows: { ...tableRows, install: 10 },
    });
    expect(big?.prunedToEntries).toBe(false);
  });
});
