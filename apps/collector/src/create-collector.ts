import { randomUUID } from 'node:crypto';
import type { PlanDocument } from '@tributary/schema';
import { connect, type Warehouse } from '@tributary/warehouse';
import { Hono } from 'hono';
import { type Logger, pino } from 'pino';
import { createSourceRegistry } from './auth/source-registry.js';
import type { CollectorDeps } from './collector-deps.js';
import type { CollectorEnv } from './collector-env.js';
import { CollectorError } from './errors/collector-error.js';
import { loggableError } from './errors/loggable-error.js';
import { INGEST_PATHS } from './messages/message-types.js';
import { type CollectorMetrics, createCollectorMetrics } from './metrics/collector-metrics.js';
import { adminAuth } from './middleware/admin-auth.js';
import { clientAborted } from './middleware/client-aborted.js';
import { corsPreflight } from './middleware/cors.js';
import { requestId } from './middleware/request-id.js';
import { type CollectorOptions, DEFAULT_FLUSH, resolveLimits } from './options.js';
import { createApiHostResolver } from './routes/api-host.js';
import { healthHandler, metricsHandler, readyHandler } from './routes/health.js';
import { ingestHandler } from './routes/ingest.js';
import { settingsHandler } from './routes/settings.js';
import { createMessageValidator } from './validation/message-validator.js';
import { BatchWriter, type WriterObserver } from './writer/batch-writer.js';
import { BrokerSink } from './writer/broker-sink.js';
import { copyFlush } from './writer/copy-flush.js';
import type { EventSink } from './writer/event-sink.js';
import { statementFlush } from './writer/statement-flush.js';

/** A running collector: the Hono app, its metrics, and `close` (flush, then release the database). */
export interface Collector {
  readonly app: Hono<CollectorEnv>;
  readonly metrics: CollectorMetrics;
  /** The database writer, or the broker sink when `broker` is set. */
  readonly writer: EventSink;
  readonly warehouse: Warehouse;
  readonly plan: PlanDocument;
  /** The collector's logger (`options.logger`, else pino at info). */
  readonly logger: Logger;
  /** Stops accepting writes, commits what is queued, and closes the database if the collector opened it. */
  close(): Promise<void>;
}

/**
 * Creates the Segment-compatible collector app. Test it with `collector.app.request(...)`; serve it
 * with `startCollectorServer`.
 *
 * @example
 * const collector = await createCollector({
 *   plan: toPlanDocument(plan),
 *   warehouse: await connect(process.env.DATABASE_URL),
 *   sources: [{ name: 'web', writeKeyHash: hashKey('wk_live_…'), corsOrigins: ['https://example.com'] }],
 * });
 * await collector.app.request('/v1/track', { method: 'POST', headers: { 'X-Write-Key': 'wk_live_…' }, body: '…' });
 */
export async function createCollector(options: CollectorOptions): Promise<Collector> {
  // Configuration errors first, before a database or broker connection is opened.
  const registry = createSourceRegistry(options.sources);
  const apiHost = createApiHostResolver(options);
  const ownsWarehouse = typeof options.warehouse === 'string';
  const warehouse =
    typeof options.warehouse === 'string' ? await connect(options.warehouse) : options.warehouse;
  const logger = options.logger ?? pino({ name: 'tributary-collector' });
  const generateId = options.generateId ?? randomUUID;
  const metrics = createCollectorMetrics();
  const observer: WriterObserver = {
    flushed: ({ ms }) => metrics.observeFlush(ms / 1000),
    failed: (error, requests) => {
      metrics.countFlushFailure();
      logger.warn({ error: loggableError(error), requests }, 'flush failed');
    },
  };
  const broker = options.broker
    ? await BrokerSink.connect(options.broker, observer).catch(async (error: unknown) => {
        if (ownsWarehouse) await warehouse.close();
        throw error;
      })
    : undefined;
  const writer: EventSink =
    broker ??
    new BatchWriter(
      // COPY is PostgreSQL's bulk-load path; PGlite has no COPY from a client stream.
      warehouse.kind === 'postgres' ? copyFlush(warehouse) : statementFlush(warehouse),
      { ...DEFAULT_FLUSH, ...options.flush },
      observer,
    );
  const deps: CollectorDeps = {
    limits: resolveLimits(options.limits),
    registry,
    validate: createMessageValidator(options.plan),
    writer,
    metrics,
    clock: options.clock ?? (() => new Date()),
    generateId,
    ipAnonymization: options.ipAnonymization ?? 'none',
    trustProxy: options.trustProxy ?? false,
    retryAfterSeconds: options.retryAfterSeconds ?? 1,
    ping: broker
      ? () => broker.ping()
      : async () => {
          await warehouse.query('SELECT 1');
        },
    apiHost,
    ...(broker ? { extraMetrics: () => broker.renderLag() } : {}),
  };

  const app = new Hono<CollectorEnv>();
  app.use('*', requestId({ logger, generateId, onResponse: metrics.countResponse }));
  app.use('/v1/*', corsPreflight({ registry: deps.registry }));
  for (const [path, route] of INGEST_PATHS) app.post(path, ingestHandler(deps, route));
  app.get('/v1/projects/:writeKey/settings', settingsHandler(deps));
  app.get('/health', healthHandler());
  app.get('/ready', readyHandler(deps));
  app.get('/metrics', adminAuth({ adminKeyHash: options.adminKeyHash }), metricsHandler(deps));
  const knownPaths = new Set([...INGEST_PATHS.map(([path]) => path), '/health', '/ready', '/metrics']);
  app.notFound((c) => {
    const error =
      knownPaths.has(c.req.path) || /^\/v1\/projects\/[^/]+\/settings$/.test(c.req.path)
        ? new CollectorError('method_not_allowed', `${c.req.method} is not allowed on ${c.req.path}.`)
        : new CollectorError(
            'not_found',
            `No route ${c.req.path}. Ingest paths: /v1/batch, /v1/track, /v1/identify, …`,
          );
    if (error.code === 'method_not_allowed')
      c.header(
        'Allow',
        c.req.path.startsWith('/v1/') && !c.req.path.startsWith('/v1/projects/') ? 'POST, OPTIONS' : 'GET',
      );
    return c.json(error.toBody(), error.status);
  });
  app.onError((error, c) => {
    const known = error instanceof CollectorError ? error : undefined;
    if (!known && !clientAborted(c)) c.var.logger?.error({ error: loggableError(error) }, 'unexpected error');
    const failure =
      known ?? new CollectorError('internal_error', 'Unexpected error; nothing was stored. Retry later.');
    if (failure.status === 503) c.header('Retry-After', String(deps.retryAfterSeconds));
    return c.json(failure.toBody(), failure.status);
  });

  return {
    app,
    metrics,
    writer,
    warehouse,
    plan: options.plan,
    logger,
    async close() {
      await writer.close();
      if (ownsWarehouse) await warehouse.close();
    },
  };
}
