import type { MetricCatalog, MetricSpec } from '@tributary/sql';
import { runMetric, type Warehouse } from '@tributary/warehouse';
import { type CountedFigures, type DemoSummary, pooledRatio, pooledRetention } from './summary.js';

type Identity = NonNullable<MetricSpec['identity']>;

interface SummaryOptions {
  readonly from: string;
  readonly to: string;
  readonly timeZone: string;
  readonly catalog: MetricCatalog;
  readonly now: () => number;
  readonly identity: DemoSummary['identity'];
}

/** The demo's headline numbers from the cooked tables, counted per person and per user key. */
export async function collectSummary(db: Warehouse, options: SummaryOptions): Promise<DemoSummary> {
  const range = { from: options.from, to: options.to, timeZone: options.timeZone };
  const run = { catalog: options.catalog, now: options.now };
  const revenue = (await runMetric(db, { metric: 'revenue', ...range }, run)).rows;
  const counted = async (identity: Identity): Promise<CountedFigures> => {
    const spec = { ...range, identity };
    const stickiness = (await runMetric(db, { metric: 'stickiness', ...spec }, run)).rows;
    const d1 = (await runMetric(db, { metric: 'retention', ...spec, days: 1 }, run)).rows;
    const d7 = (await runMetric(db, { metric: 'retention', ...spec, days: 7 }, run)).rows;
    const conversion = (await runMetric(db, { metric: 'conversion', ...spec }, run)).rows;
    const installs = (await runMetric(db, { metric: 'installs', ...spec }, run)).rows;
    const last = stickiness.at(-1);
    const dauByDay = new Map(stickiness.map((r) => [r.day, r.dau]));
    return {
      dau: last?.dau ?? 0,
      mau: last?.mau ?? 0,
      stickiness: last?.stickiness ?? null,
      d1: pooledRetention(d1),
      d7: pooledRetention(d7),
      arpdau: pooledRatio(revenue.map((r) => ({ num: r.revenue, den: dauByDay.get(r.day) ?? 0 }))),
      conversion: pooledRatio(conversion.map((r) => ({ num: r.converted, den: r.dau }))),
      installs: installs.reduce((s, r) => s + r.installs, 0),
    };
  };
  return {
    lastDay: options.to,
    persons: await counted('stitch'),
    userKeys: await counted('raw'),
    revenue: revenue.reduce((s, r) => s + r.revenue, 0),
    identity: options.identity,
  };
}
