import type { Context } from 'hono';
import type { CollectorDeps } from '../collector-deps.js';
import type { CollectorEnv } from '../collector-env.js';
import { CollectorError } from '../errors/collector-error.js';

/** `GET /health`: the process is up. */
export function healthHandler() {
  return async function health(c: Context<CollectorEnv>): Promise<Response> {
    return c.json({ status: 'ok' });
  };
}

/** `GET /ready`: the database answers `SELECT 1` (or JetStream, with a broker); 503 with Retry-After otherwise. */
export function readyHandler(deps: CollectorDeps) {
  return async function ready(c: Context<CollectorEnv>): Promise<Response> {
    try {
      await deps.ping();
    } catch (error) {
      if (error instanceof CollectorError) throw error;
      throw new CollectorError('database_unavailable', 'The database is not reachable.');
    }
    return c.json({ status: 'ready' });
  };
}

/** `GET /metrics` (admin key): Prometheus text. */
export function metricsHandler(deps: CollectorDeps) {
  return async function metrics(c: Context<CollectorEnv>): Promise<Response> {
    c.header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8');
    const extra = deps.extraMetrics ? await deps.extraMetrics() : '';
    return c.body(deps.metrics.render(deps.writer.pending) + extra, 200);
  };
}
