import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A collector stand-in for end-to-end tests; swap for the real collector behind the same interface. */
export interface IngestTarget {
  /** Base URL the tracker (or the fault proxy) sends to. */
  readonly url: string;
  readonly writeKey: string;
  /** Stops accepting connections (refused) until `start()`; restarts keep stored messages, like a database. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Every stored message (the collector: raw.events.payload). */
  storedMessages(): Promise<Record<string, any>[]>;
  /** Distinct messageIds stored so far. */
  storedIds(): Promise<ReadonlySet<string>>;
  /** Rows stored (equals distinct ids when the target dedupes by messageId). */
  storedCount(): Promise<number>;
  /** Messages the target refused as invalid (the collector's raw.rejected); none expected. */
  rejected(): Promise<readonly unknown[]>;
  close(): Promise<void>;
}

export interface IngestServerOptions {
  readonly writeKey?: string;
  readonly port?: number;
  /** Extra routes (the browser test serves its page and bundle). */
  /** Answer this long after storing a batch (a kill in that window leaves stored but un-acknowledged messages). */
  readonly responseDelayMs?: number;
  readonly routes?: Readonly<Record<string, { readonly type: string; readonly body: string | Uint8Array }>>;
}

/** What the in-test server recorded. */
export interface IngestLog {
  readonly stored: Map<string, Record<string, unknown>>;
  /** When set, POST /v1/batch answers this status (with Retry-After: 1) without storing. */
  failWith?: number;
  duplicates: number;
  requests: number;
  readonly contentTypes: string[];
}

/**
 * A small Segment-compatible ingest server on node:http: POST /v1/batch with Basic auth
 * (`writeKey:`) or, for beacons, `writeKey` in a text/plain JSON body. Stores each messageId once
 * (duplicates are counted and absorbed, as the collector does) and answers
 * `{ accepted, rejected, duplicates, errors }`.
 */
export async function startIngestServer(
  options: IngestServerOptions = {},
): Promise<IngestTarget & { readonly log: IngestLog }> {
  const writeKey = options.writeKey ?? 'e2e-write-key';
  const log: IngestLog = { stored: new Map(), duplicates: 0, requests: 0, contentTypes: [] };
  const expectedAuth = `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;
  let server: Server | undefined;
  let port = options.port ?? 0;
  const sockets = new Set<Socket>();

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const route = options.routes?.[new URL(req.url ?? '/', 'http://localhost').pathname];
    if (req.method === 'GET' && route) {
      res.writeHead(200, { 'content-type': route.type, 'cache-control': 'no-store' });
      res.end(route.body);
      return;
    }
    if (req.method !== 'POST' || req.url !== '/v1/batch') {
      res.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      log.requests++;
      log.contentTypes.push(String(req.headers['content-type']));
      if (log.failWith !== undefined) {
        res.writeHead(log.failWith, { 'retry-after': '1' }).end('{"error":"unavailable"}');
        return;
      }
      let body: { batch?: Record<string, unknown>[]; writeKey?: string };
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"body is not JSON"}');
        return;
      }
      if (req.headers.authorization !== expectedAuth && body.writeKey !== writeKey) {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"unknown write key"}');
        return;
      }
      let accepted = 0;
      let duplicates = 0;
      for (const message of body.batch ?? []) {
        const id = String(message.messageId);
        if (log.stored.has(id)) duplicates++;
        else {
          log.stored.set(id, message);
          accepted++;
        }
      }
      log.duplicates += duplicates;
      const answer = () =>
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ accepted, rejected: 0, duplicates, errors: [] }));
      if (options.responseDelayMs) setTimeout(answer, options.responseDelayMs);
      else answer();
    });
  };

  const start = async () => {
    if (server) return;
    const next = createServer(handle);
    next.keepAliveTimeout = 1000;
    next.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      next.once('error', reject);
      next.listen(port, '127.0.0.1', () => resolve());
    });
    port = (next.address() as AddressInfo).port;
    server = next;
  };
  const stop = async () => {
    const current = server;
    server = undefined;
    if (!current) return;
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => current.close(() => resolve()));
  };
  await start();
  return {
    url: `http://127.0.0.1:${port}`,
    writeKey,
    log,
    start,
    stop,
    storedIds: async () => new Set(log.stored.keys()),
    storedMessages: async () => [...log.stored.values()],
    storedCount: async () => log.stored.size,
    rejected: async () => [],
    close: stop,
  };
}
