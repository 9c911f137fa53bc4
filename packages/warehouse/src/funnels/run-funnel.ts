import type { PlanDocument } from '@tributary/schema';
import {
  assembleFunnelResult,
  assembleTimeToConvert,
  type CompiledFunnel,
  type CompileFunnelOptions,
  compileFunnel,
  type FunnelCatalog,
  type FunnelResult,
  type FunnelSpec,
  type FunnelTimeToConvert,
  formatFunnelSql,
  funnelCatalogOf,
} from '@tributary/sql';
import type { SqlRunner } from '../warehouse.js';

/** The plan a funnel is checked against: its document, or a catalog made from it (`funnelCatalogOf`). */
export type RunFunnelOptions = ({ readonly document: PlanDocument } | { readonly catalog: FunnelCatalog }) &
  CompileFunnelOptions;

const catalogOf = (options: RunFunnelOptions): FunnelCatalog =>
  'catalog' in options ? options.catalog : funnelCatalogOf(options.document);

/** A runner that can open a transaction (a Warehouse), so the statement runs with its own settings. */
type MaybeTransactional = SqlRunner & {
  readonly transaction?: <T>(fn: (tx: SqlRunner) => Promise<T>) => Promise<T>;
};

/**
 * Runs one funnel statement. In a transaction when the runner has one, with JIT off for it: the
 * planner's cost estimate of a funnel is far above `jit_above_cost`, and compiling its
 * expressions costs about a second while the statement itself takes about two.
 */
export async function queryFunnelStatement<T = Record<string, unknown>>(
  warehouse: MaybeTransactional,
  text: string,
  parameters: readonly unknown[],
): Promise<T[]> {
  if (!warehouse.transaction) return warehouse.query<T>(text, parameters);
  return warehouse.transaction(async (tx) => {
    await tx.exec('SET LOCAL jit = off');
    return tx.query<T>(text, parameters);
  });
}

/**
 * Runs a funnel over the processed tables: per step counts, conversion from the first and the
 * previous step, drop-off, median and p90 time from the previous step, per breakdown value, and
 * the conversion by entry day, in one statement. `FunnelSpec<typeof plan>` types the steps by the
 * plan; `plan` picks how it is computed (see `FunnelPlan`; the default takes the fastest that applies).
 * An ordered or strict funnel first reads the tables' row estimates (`pg_class.reltuples`, unless
 * `tableRows` is given) to decide whether to prune rows to each unit's entries (`prunedToEntries`).
 * With `timeToConvert`, the same statement also returns the time-to-convert histogram (as
 * `runFunnelTimeToConvert` computes it): `timeToConvert` of the result, null without the option
 * and for `any` order.
 *
 * @example
 * const { groups } = await runFunnel(warehouse, { steps: [{ event: 'install' }, { event: 'purchase' }], window: '7d', from: '2026-03-01', to: '2026-03-31' }, { document });
 * groups[0].steps[1]; // { step: 2, event: 'purchase', count: 120, conversionFromFirst: 0.08, … }
 */
export async function runFunnel<P = never>(
  warehouse: SqlRunner,
  spec: FunnelSpec<NoInfer<P>>,
  options: RunFunnelOptions,
): Promise<
  FunnelResult & { readonly compiled: CompiledFunnel; readonly timeToConvert: FunnelTimeToConvert | null }
> {
  const catalog = catalogOf(options);
  const tableRows = options.tableRows ?? (await funnelTableRows(warehouse, spec));
  const compiled = compileFunnel(spec, catalog, { ...options, ...(tableRows ? { tableRows } : {}) });
  const rows = await queryFunnelStatement(warehouse, compiled.sql, compiled.parameters);
  const part = (name: string) => rows.filter((r) => r.part === name);
  return {
    ...assembleFunnelResult(compiled.spec, part('steps'), part('series')),
    timeToConvert: compiled.timeToConvert
      ? assembleTimeToConvert(compiled.spec, part('ttc'), compiled.timeToConvert)
      : null,
    compiled,
  };
}

/**
 * The planner's row estimates (`pg_class.reltuples`) of the processed tables (event tables and
 * `tracks`), for `compileFunnel`'s `tableRows` (whether an ordered or strict funnel prunes rows
 * to each unit's entries; it picks the tables it reads); undefined for any-order funnels, which
 * do not use them. A table never analyzed has no estimate (-1), and then nothing is pruned.
 */
export async function funnelTableRows(
  warehouse: SqlRunner,
  spec: Pick<FunnelSpec, 'order'>,
): Promise<Record<string, number> | undefined> {
  if ((spec.order ?? 'ordered') === 'any') return undefined;
  const rows = await warehouse.query<{ table: string; rows: number }>(
    `select c.relname as "table", c.reltuples::float8 as "rows"
    from pg_class as c join pg_namespace as n on n.oid = c.relnamespace
    where n.nspname = 'processed' and c.relkind in ('r', 'p')`,
  );
  return Object.fromEntries(rows.map((r) => [r.table, Number(r.rows)]));
}

/**
 * The formatted SQL `runFunnel` would run (for `tributary funnel --sql`), with the table estimates
 * in `options.tableRows` (`runFunnel` reads them from the database when not given).
 */
export function explainFunnel<P = never>(spec: FunnelSpec<NoInfer<P>>, options: RunFunnelOptions): string {
  return formatFunnelSql(compileFunnel(spec, catalogOf(options), options));
}
