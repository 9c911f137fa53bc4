import { connect as connectSocket } from 'node:net';
import { gzipSync } from 'node:zlib';
import { connect, type Warehouse } from '@tributary/warehouse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLogger } from '../test-helpers/capture-logger.js';
import {
  createWarehouseTables,
  KEYS,
  levelUp,
  testCollectorOptions,
} from '../test-helpers/test-collector.js';
import { type CollectorServer, startCollectorServer } from './start-server.js';

/** Sends the request head and the first half of `body` over a real socket, then destroys the socket. */
function sendHalfThenDestroy(port: number, body: Buffer, headers: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connectSocket({ port, host: '127.0.0.1' });
    socket.on('error', reject);
    socket.on('connect', () => {
      const head = [
        'POST /v1/batch HTTP/1.1',
        'Host: localhost',
        `X-Write-Key: ${KEYS.server}`,
        `Content-Length: ${body.byteLength}`,
        ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
        '',
        '',
      ].join('\r\n');
      socket.write(Buffer.concat([Buffer.from(head), body.subarray(0, body.byteLength >> 1)]), () => {
        socket.destroy();
        resolve();
      });
    });
  });
}

describe('a client that closes mid-body', () => {
  let db: Warehouse;
  let server: CollectorServer;
  const log = captureLogger();
  beforeAll(async () => {
    db = await connect('memory://');
    await createWarehouseTables(db);
    server = await startCollectorServer({
      ...testCollectorOptions(db, { logger: log.logger }),
      port: 0,
      handleSignals: false,
    });
  });
  afterAll(async () => {
    await server?.close();
    await db?.close();
  });

  it.each([
    ['plain JSON', {}, (text: string) => Buffer.from(text)],
    ['gzip', { 'Content-Encoding': 'gzip' }, (text: string) => gzipSync(text)],
  ])('is counted as 499 and logged at info, not as a server error (%s)', async (name, headers, encode) => {
    const requestId = `abort-${name.replace(/\W/g, '-')}`;
    const batch = { batch: Array.from({ length: 200 }, (_, i) => levelUp(`${requestId}-${i}`)) };
    await sendHalfThenDestroy(server.port, encode(JSON.stringify(batch)), {
      'Content-Type': 'application/json',
      'X-Request-Id': requestId,
      ...headers,
    });
    const done = await log.next((line) => line.requestId === requestId && 'status' in line);
    expect(done).toMatchObject({ level: 30, status: 499, path: '/v1/batch' });
    expect(log.lines.filter((line) => line.requestId === requestId && line.level >= 40)).toEqual([]);
    expect(server.collector.metrics.responses.get(500)).toBeUndefined();
    expect(server.collector.metrics.responses.get(400)).toBeUndefined();
  });

  it('renders the aborts as status 499 in /metrics', () => {
    expect(server.collector.metrics.render(0)).toMatch(
      /^tributary_collector_responses_total\{status="499"\} 2$/m,
    );
  });
});
