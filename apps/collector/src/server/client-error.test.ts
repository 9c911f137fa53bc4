import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect, type Warehouse } from '@tributary/warehouse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLogger } from '../test-helpers/capture-logger.js';
import { sendWhileAnswered } from '../test-helpers/raw-http-client.js';
import { createWarehouseTables, testCollectorOptions } from '../test-helpers/test-collector.js';
import { answerClientError } from './client-error.js';
import { type CollectorServer, startCollectorServer } from './start-server.js';

const bigHeaderRequest = (bytes: number) =>
  Buffer.from(`GET /health HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'a'.repeat(bytes)}\r\n\r\n`);

describe('requests the HTTP parser refuses', () => {
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

  it('a 200 KB header gets a 431 the client can read, not a reset', async () => {
    const exchange = await sendWhileAnswered(server.port, bigHeaderRequest(200 * 1024), 32 * 1024);
    expect(exchange.error).toBeUndefined();
    expect(exchange.text).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
    expect(JSON.parse(exchange.text.slice(exchange.text.indexOf('\r\n\r\n') + 4))).toMatchObject({
      error: { code: 'headers_too_large', limit: expect.any(Number) },
    });
    expect(server.collector.metrics.responses.get(431)).toBe(1);
    expect(log.lines.find((line) => line.msg === 'request refused by the HTTP parser')).toMatchObject({
      level: 30,
      status: 431,
      parserError: 'HPE_HEADER_OVERFLOW',
    });
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });

  it('a request that is not HTTP gets a readable 400', async () => {
    const exchange = await sendWhileAnswered(server.port, Buffer.from('NOT HTTP AT ALL\r\n\r\n'), 19);
    expect(exchange.error).toBeUndefined();
    expect(exchange.text).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n[\s\S]*"code":"bad_request"/);
  });
});

describe('answerClientError', () => {
  let plain: Server;
  beforeAll(async () => {
    plain = createServer((_req, res) => res.end());
    plain.on('clientError', answerClientError({ drain: { bytes: 4096 } }));
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => plain.close(() => resolve())));

  it('drains a bounded amount: a client that keeps sending is cut off', async () => {
    const request = bigHeaderRequest(32 * 1024 * 1024);
    const exchange = await sendWhileAnswered((plain.address() as AddressInfo).port, request, 32 * 1024);
    expect(exchange.text).toMatch(/^HTTP\/1\.1 431 /);
    expect(exchange.sent).toBeLessThan(request.byteLength);
  });
});
