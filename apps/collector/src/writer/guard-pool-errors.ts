import type { Warehouse } from '@tributary/warehouse';

interface ErrorEmitter {
  on(event: 'error', listener: (error: Error) => void): unknown;
}
interface PoolLike {
  on(event: 'connect', listener: (client: ErrorEmitter) => void): unknown;
}

/**
 * Workaround for @tributary/warehouse (reported): a `pg` client checked out by `Warehouse` has no
 * 'error' listener, so a connection cut while a client is checked out (server restart,
 * pg_terminate_backend, network loss) emits an unhandled 'error' and would crash the collector.
 * A listener on every new client turns that into the failed query the writer already handles
 * (the client is then "not queryable" and the pool discards it).
 */
export function guardPoolErrors(warehouse: Warehouse): void {
  if (warehouse.kind !== 'postgres') return;
  const pool = (warehouse as unknown as { engine?: { pool?: PoolLike } }).engine?.pool;
  pool?.on('connect', (client) => {
    client.on('error', () => {});
  });
}
