import { type MetricCatalog, MetricError } from '@tributary/sql';
import type { SqlRunner } from '../warehouse.js';

/**
 * The reporting zones and dimensions present in the cooked tables (and whether person tables exist), read with loose index scans
 * (one index probe per distinct value), for callers that have no plan at hand.
 */
export async function discoverMetricCatalog(warehouse: SqlRunner): Promise<MetricCatalog> {
  const [tables] = await warehouse.query<{
    days: string | null;
    dimensions: string | null;
    persons: string | null;
  }>(
    `select to_regclass('cooked.user_days')::text as days, to_regclass('cooked.user_day_dimensions')::text as dimensions,
       to_regclass('cooked.person_days')::text as persons`,
  );
  if (!tables?.days || !tables.dimensions)
    throw new MetricError(
      'cooked_tables_missing',
      'This warehouse has no cooked tables yet: run tributary migrate, then tributary etl, before asking for metrics.',
    );
  const zones = await warehouse.query<{ v: string }>(
    `with recursive z as (
       select min(time_zone) as v from cooked.user_days
       union all
       select (select min(time_zone) from cooked.user_days where time_zone > z.v) from z where z.v is not null
     ) select v from z where v is not null`,
  );
  const dimensions = await warehouse.query<{ v: string }>(
    `with recursive d as (
       select min(dimension) as v from cooked.user_day_dimensions where time_zone = $1
       union all
       select (select min(dimension) from cooked.user_day_dimensions where time_zone = $1 and dimension > d.v)
       from d where d.v is not null
     ) select v from d where v is not null`,
    [zones.find((z) => z.v === 'UTC')?.v ?? zones[0]?.v ?? 'UTC'],
  );
  return {
    // UTC first when present: it is the default zone of a plan without reportingTimeZones.
    reportingTimeZones:
      zones.length > 0
        ? zones.map((z) => z.v).sort((a, b) => Number(b === 'UTC') - Number(a === 'UTC'))
        : ['UTC'],
    dimensions: dimensions.map((d) => d.v),
    identityMode: tables.persons ? 'stitch' : 'none',
  };
}
