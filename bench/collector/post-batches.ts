// The HTTP load generator shared by bench/collector and bench/jetstream.
import { Agent, request } from 'node:http';

/** The p-th percentile of an ascending array. */
export const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

export interface PostResult {
  readonly seconds: number;
  readonly accepted: number;
  readonly p50: number;
  readonly p99: number;
}

/**
 * POSTs every body to `<base>/v1/batch` with `concurrency` requests in flight (node:http with
 * keep-alive: a lighter client than fetch, so the cores go to the collector and PostgreSQL) and
 * returns the wall time, the accepted count and the request latency percentiles (ms).
 */
export async function postBatches(
  base: string,
  bodies: readonly string[],
  concurrency: number,
  writeKey: string,
): Promise<PostResult> {
  const { hostname, port } = new URL(base);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const authorization = `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;
  const send = (body: string) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        {
          agent,
          hostname,
          port,
          path: '/v1/batch',
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            authorization,
          },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            text += chunk;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const latencies: number[] = [];
  let next = 0;
  let accepted = 0;
  const started = performance.now();
  try {
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < bodies.length) {
          const body = bodies[next++] as string;
          const t0 = performance.now();
          const response = await send(body);
          latencies.push(performance.now() - t0);
          if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${response.text}`);
          accepted += (JSON.parse(response.text) as { accepted: number }).accepted;
        }
      }),
    );
  } finally {
    agent.destroy();
  }
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { seconds, accepted, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}
