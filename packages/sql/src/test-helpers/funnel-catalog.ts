import type { FunnelCatalog, FunnelSpec } from '../funnels/funnel-spec.js';

const table = (name: string) => [{ table: name, properties: new Map() }];

/** A catalog of three events, one table each, without properties: install, level_up, purchase. */
export const gameFunnelCatalog: FunnelCatalog = {
  reportingTimeZones: ['UTC'],
  dimensions: new Map([['platform', 'platform']]),
  events: new Map([
    ['install', table('install')],
    ['level_up', table('level_up')],
    ['purchase', table('purchase')],
  ]),
  identityMode: 'none',
};

/** install → level_up → purchase over March 2026, 7-day window. */
export const gameFunnelSpec: FunnelSpec = {
  steps: [{ event: 'install' }, { event: 'level_up' }, { event: 'purchase' }],
  window: '7d',
  from: '2026-03-01',
  to: '2026-03-31',
};
