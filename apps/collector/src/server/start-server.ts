import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { type Collector, createCollector } from '../create-collector.js';
import type { CollectorOptions } from '../options.js';
import { answerClientError } from './client-error.js';

/** Options of `startCollectorServer`: the collector's plus where to listen. */
export interface CollectorServerOptions extends CollectorOptions {
  /** Default 8787; 0 picks a free port. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Install SIGTERM/SIGINT handlers that shut down gracefully (default true). */
  readonly handleSignals?: boolean;
  /** How long shutdown waits for in-flight requests before cutting connections (default 10 s). */
  readonly shutdownTimeoutMs?: number;
}

/** A listening collector. */
export interface CollectorServer {
  readonly collector: Collector;
  readonly port: number;
  /** `http://host:port` */
  readonly url: string;
  /** Graceful shutdown: stop accepting, let in-flight requests finish, flush, close the database. */
  close(): Promise<void>;
}

/** Serves the collector over Node's HTTP server (the only Node-specific part of the collector). */
export async function startCollectorServer(options: CollectorServerOptions): Promise<CollectorServer> {
  const collector = await createCollector(options);
  const host = options.host ?? '127.0.0.1';
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const listening = serve({ fetch: collector.app.fetch, port: options.port ?? 8787, hostname: host }, () =>
      resolve(listening),
    );
  });
  server.on(
    'clientError',
    answerClientError({
      onAnswer: (status, error) => {
        collector.metrics.countResponse(status);
        collector.logger.info({ status, parserError: error.code }, 'request refused by the HTTP parser');
      },
    }),
  );
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      const idle = setInterval(() => 'closeIdleConnections' in server && server.closeIdleConnections(), 50);
      const force = setTimeout(
        () => 'closeAllConnections' in server && server.closeAllConnections(),
        options.shutdownTimeoutMs ?? 10_000,
      );
      if ('closeIdleConnections' in server) server.closeIdleConnections();
      // In-flight requests are committed at once rather than at the next timer tick.
      await Promise.all([stopped, collector.writer.drain()]);
      clearInterval(idle);
      clearTimeout(force);
      await collector.close();
      if (options.handleSignals !== false) for (const signal of SIGNALS) process.off(signal, onSignal);
    })();
    return closing;
  };
  const onSignal = () => {
    close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  if (options.handleSignals !== false) for (const signal of SIGNALS) process.once(signal, onSignal);
  return { collector, port, url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`, close };
}

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;
