import {
  assembleTimeToConvert,
  compileFunnelTimeToConvert,
  type FunnelSpec,
  type FunnelTimeToConvert,
  funnelCatalogOf,
} from '@tributary/sql';
import type { SqlRunner } from '../warehouse.js';
import { funnelTableRows, queryFunnelStatement, type RunFunnelOptions } from './run-funnel.js';

/**
 * Runs a funnel's time-to-convert histogram: per breakdown value and step after the first, the
 * units that reached the step by bucket of their time from the previous step (`<1m` … `>3d`).
 * Null for `any` order (no time between steps). Like `runFunnel`, it reads the tables' row
 * estimates (unless `tableRows` is given) to decide whether to prune rows to each unit's entries.
 *
 * @example
 * const histogram = await runFunnelTimeToConvert(warehouse, spec, { document });
 * histogram?.groups[0].steps[0]; // { step: 2, event: 'purchase', units: [3, 10, 25, 40, 31, 12, 9, 4] }
 */
export async function runFunnelTimeToConvert<P = never>(
  warehouse: SqlRunner,
  spec: FunnelSpec<NoInfer<P>>,
  options: RunFunnelOptions,
): Promise<FunnelTimeToConvert | null> {
  const catalog = 'catalog' in options ? options.catalog : funnelCatalogOf(options.document);
  const tableRows = options.tableRows ?? (await funnelTableRows(warehouse, spec));
  const compiled = compileFunnelTimeToConvert(spec, catalog, undefined, {
    ...options,
    ...(tableRows ? { tableRows } : {}),
  });
  if (!compiled) return null;
  const rows = await queryFunnelStatement(warehouse, compiled.sql, compiled.parameters);
  return assembleTimeToConvert(compiled.spec, rows);
}
