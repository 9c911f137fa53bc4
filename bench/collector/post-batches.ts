// The HTTP load generator shared by bench/collector and bench/jetstream.
import { connect, type Socket } from 'node:net';

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
 * POSTs every body to `<base>/v1/batch` with `concurrency` requests in flight and returns the wall
 * time, the accepted count and the request latency percentiles (ms). Real HTTP/1.1 over
 * `concurrency` keep-alive TCP connections, one request at a time on each (like node:http's Agent),
 * but with requests encoded before the clock starts and a minimal response reader (status line,
 * Content-Length, body), as load generators such as wrk do: the cores go to the collector and
 * PostgreSQL, not to the client.
 */
export async function postBatches(
  base: string,
  bodies: readonly string[],
  concurrency: number,
  writeKey: string,
): Promise<PostResult> {
  const { hostname, port } = new URL(base);
  const authorization = `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;
  const requests = bodies.map((body) => {
    const bytes = Buffer.from(body, 'utf8');
    const head = `POST /v1/batch HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: application/json\r\nAuthorization: ${authorization}\r\nContent-Length: ${bytes.byteLength}\r\n\r\n`;
    return Buffer.concat([Buffer.from(head, 'latin1'), bytes]);
  });
  const connections = await Promise.all(
    Array.from({ length: Math.min(concurrency, requests.length) }, () =>
      HttpConnection.open(hostname, Number(port)),
    ),
  );
  const latencies: number[] = [];
  let next = 0;
  let accepted = 0;
  const started = performance.now();
  try {
    await Promise.all(
      connections.map(async (connection) => {
        while (next < requests.length) {
          const request = requests[next++] as Buffer;
          const t0 = performance.now();
          const response = await connection.send(request);
          latencies.push(performance.now() - t0);
          if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${response.text}`);
          accepted += (JSON.parse(response.text) as { accepted: number }).accepted;
        }
      }),
    );
  } finally {
    for (const connection of connections) connection.close();
  }
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { seconds, accepted, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

/** One keep-alive HTTP/1.1 connection: a request, then its response (Content-Length bodies only). */
class HttpConnection {
  #buffered = Buffer.alloc(0);
  #waiting:
    | { resolve: (r: { status: number; text: string }) => void; reject: (e: Error) => void }
    | undefined;

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.#buffered = this.#buffered.length === 0 ? chunk : Buffer.concat([this.#buffered, chunk]);
      this.#tryResponse();
    });
    const fail = (error: Error) => {
      this.#waiting?.reject(error);
      this.#waiting = undefined;
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('the collector closed the connection')));
  }

  static open(host: string, port: number): Promise<HttpConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port }, () => resolve(new HttpConnection(socket)));
      socket.once('error', reject);
    });
  }

  send(request: Buffer): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      this.#waiting = { resolve, reject };
      this.socket.write(request);
    });
  }

  close(): void {
    this.socket.destroy();
  }

  #tryResponse(): void {
    const headEnd = this.#buffered.indexOf('\r\n\r\n');
    if (headEnd === -1 || !this.#waiting) return;
    const head = this.#buffered.toString('latin1', 0, headEnd);
    const status = Number(head.slice(9, 12));
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1];
    if (length === undefined) {
      this.#waiting.reject(new Error(`response without Content-Length: ${head}`));
      this.#waiting = undefined;
      return;
    }
    const end = headEnd + 4 + Number(length);
    if (this.#buffered.length < end) return;
    const text = this.#buffered.toString('utf8', headEnd + 4, end);
    this.#buffered = this.#buffered.subarray(end);
    const { resolve } = this.#waiting;
    this.#waiting = undefined;
    resolve({ status, text });
  }
}
