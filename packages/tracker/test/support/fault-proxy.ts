import { createServer, request, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A fault the proxy injects instead of (or around) forwarding a request. */
export type Fault = 'none' | 'http500' | 'http429' | 'reset_before' | 'reset_after' | 'stall';

export interface FaultProxyOptions {
  readonly target: () => string;
  /** Chooses the fault for request number `index`. */
  readonly chooseFault: (index: number) => Fault;
  /** Stall length in ms for 'stall' (then the request is forwarded). */
  readonly stallMs: number;
  /** Retry-After seconds sent with 429. */
  readonly retryAfterSeconds: number;
}

export interface FaultProxy {
  readonly url: string;
  readonly counts: Record<Fault | 'upstream_down', number>;
  /** Sum of `duplicates` in the target's answers (batches stored before a reset and sent again). */
  readonly duplicates: () => number;
  close(): Promise<void>;
}

/**
 * An HTTP proxy in front of the ingest target that injects faults: 500s, 429 with Retry-After,
 * connection resets before forwarding and after the target stored the batch (so the client retries
 * an already-stored batch) and multi-second stalls. A target that is down yields 503.
 */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const counts: FaultProxy['counts'] = {
    none: 0,
    http500: 0,
    http429: 0,
    reset_before: 0,
    reset_after: 0,
    stall: 0,
    upstream_down: 0,
  };
  const sockets = new Set<Socket>();
  let index = 0;
  let duplicates = 0;
  const server: Server = createServer((req, res) => {
    const fault = options.chooseFault(index++);
    counts[fault]++;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (fault === 'http500') return void res.writeHead(500).end('injected');
      if (fault === 'http429')
        return void res.writeHead(429, { 'retry-after': String(options.retryAfterSeconds) }).end('slow down');
      if (fault === 'reset_before') return void req.socket.destroy();
      const forward = () => {
        const target = new URL(req.url ?? '/', options.target());
        const upstream = request(
          target,
          { method: req.method, headers: { ...req.headers, host: target.host } },
          (up) => {
            const body: Buffer[] = [];
            up.on('data', (chunk: Buffer) => body.push(chunk));
            up.on('end', () => {
              try {
                duplicates += Number(JSON.parse(Buffer.concat(body).toString('utf8')).duplicates ?? 0);
              } catch {
                // Not a JSON answer (an error page): nothing to count.
              }
              if (fault === 'reset_after') return void req.socket.destroy();
              res.writeHead(up.statusCode ?? 502, up.headers).end(Buffer.concat(body));
            });
          },
        );
        upstream.on('error', () => {
          counts.upstream_down++;
          if (!res.headersSent) res.writeHead(503, { 'retry-after': '1' }).end('upstream down');
        });
        upstream.end(Buffer.concat(chunks));
      };
      if (fault === 'stall') setTimeout(forward, options.stallMs);
      else forward();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    counts,
    duplicates: () => duplicates,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A deterministic fault schedule: mostly clean requests, with every fault kind mixed in. */
export function seededFaults(
  seed: number,
  rates: Partial<Record<Exclude<Fault, 'none'>, number>>,
): (index: number) => Fault {
  let state = seed >>> 0;
  const random = () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 0x100000000;
  };
  const entries = Object.entries(rates) as [Exclude<Fault, 'none'>, number][];
  return () => {
    let roll = random();
    for (const [fault, rate] of entries) {
      if (roll < rate) return fault;
      roll -= rate;
    }
    return 'none';
  };
}
