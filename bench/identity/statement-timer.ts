import type { EtlStatement } from '@tributary/sql';
import type { Warehouse, WarehouseTransaction } from '@tributary/warehouse';

/** Milliseconds per statement text (summed over its runs); statements of no ETL stage under `other`. */
export interface StatementTimes {
  readonly bySql: Map<string, number>;
  other: number;
}

/**
 * The warehouse seen through a stopwatch: every statement `runEtl` sends (on the warehouse or in
 * its transactions) is timed and booked to its text when that is one of `statements`, else to
 * `other` (locks, watermarks, audit rows). The runner reports no per-statement timings; its
 * statements are plain data, so their text identifies them.
 */
export function timedWarehouse(
  warehouse: Warehouse,
  statements: readonly EtlStatement[],
): { readonly warehouse: Warehouse; readonly times: StatementTimes } {
  const known = new Set(statements.map((s) => s.sql));
  const times: StatementTimes = { bySql: new Map(), other: 0 };
  const stopwatch = async <T>(text: string, run: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await run();
    } finally {
      const ms = performance.now() - started;
      if (known.has(text)) times.bySql.set(text, (times.bySql.get(text) ?? 0) + ms);
      else times.other += ms;
    }
  };
  const timedTransaction = (tx: WarehouseTransaction): WarehouseTransaction => ({
    ...tx,
    query: <R>(text: string, params?: readonly unknown[]) => stopwatch(text, () => tx.query<R>(text, params)),
    exec: (sql: string) => stopwatch(sql, () => tx.exec(sql)),
  });
  const proxy = new Proxy(warehouse, {
    get(target, property) {
      if (property === 'transaction')
        return <T>(fn: (tx: WarehouseTransaction) => Promise<T>) =>
          target.transaction((tx) => fn(timedTransaction(tx)));
      if (property === 'query')
        return <R>(text: string, params?: readonly unknown[]) =>
          stopwatch(text, () => target.query<R>(text, params));
      const value: unknown = Reflect.get(target, property, target);
      // Methods run on the warehouse itself: its private fields are not reachable through a proxy.
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { warehouse: proxy, times };
}

/**
 * Milliseconds per stage of `statements` (each text counted once), the identity statements
 * (`identity`, texts) as a stage of their own, and `bookkeeping` for the rest.
 */
export function timesByStage(
  times: StatementTimes,
  statements: readonly EtlStatement[],
  identity: ReadonlySet<string>,
): Record<string, number> {
  const out: Record<string, number> = {};
  const seen = new Set<string>();
  for (const s of statements) {
    if (seen.has(s.sql)) continue;
    seen.add(s.sql);
    const stage = identity.has(s.sql) ? 'identity' : s.stage;
    out[stage] = (out[stage] ?? 0) + (times.bySql.get(s.sql) ?? 0);
  }
  out.bookkeeping = times.other;
  return out;
}
