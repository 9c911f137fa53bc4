import type { PlanDocument } from '@tributary/schema';
import {
  assembleFunnelResult,
  type CompiledFunnel,
  compileFunnel,
  type FunnelCatalog,
  type FunnelResult,
  type FunnelSpec,
  formatFunnelSql,
  funnelCatalogOf,
} from '@tributary/sql';
import type { SqlRunner } from '../warehouse.js';

/** The plan a funnel is checked against: its document, or a catalog made from it (`funnelCatalogOf`). */
export type RunFunnelOptions = { readonly document: PlanDocument } | { readonly catalog: FunnelCatalog };

const catalogOf = (options: RunFunnelOptions): FunnelCatalog =>
  'catalog' in options ? options.catalog : funnelCatalogOf(options.document);

/**
 * Runs a funnel over the processed tables: per step counts, conversion from the first and the
 * previous step, drop-off, median and p90 time from the previous step, per breakdown value, and
 * the conversion by entry day. `FunnelSpec<typeof plan>` types the steps by the plan.
 *
 * @example
 * const { groups } = await runFunnel(warehouse, { steps: [{ event: 'install' }, { event: 'purchase' }], window: '7d', from: '2026-03-01', to: '2026-03-31' }, { document });
 * groups[0].steps[1]; // { step: 2, event: 'purchase', count: 120, conversionFromFirst: 0.08, … }
 */
export async function runFunnel<P = never>(
  warehouse: SqlRunner,
  spec: FunnelSpec<NoInfer<P>>,
  options: RunFunnelOptions,
): Promise<FunnelResult & { readonly compiled: CompiledFunnel }> {
  const compiled = compileFunnel(spec, catalogOf(options));
  const steps = await warehouse.query(compiled.steps.sql, compiled.steps.parameters);
  const series = await warehouse.query(compiled.series.sql, compiled.series.parameters);
  return { ...assembleFunnelResult(compiled.spec, steps, series), compiled };
}

/** The formatted SQL `runFunnel` would run (for `tributary funnel --sql`). */
export function explainFunnel<P = never>(spec: FunnelSpec<NoInfer<P>>, options: RunFunnelOptions): string {
  return formatFunnelSql(compileFunnel(spec, catalogOf(options)));
}
