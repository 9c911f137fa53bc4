import { connect as connectSocket } from 'node:net';
import { connect, type Warehouse } from '@tributary/warehouse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLogger } from '../test-helpers/capture-logger.js';
import { sendWhileAnswered } from '../test-helpers/raw-http-client.js';
import {
  basicAuth,
  createWarehouseTables,
  KEYS,
  levelUp,
  testCollectorOptions,
} from '../test-helpers/test-collector.js';
import { type CollectorServer, startCollectorServer } from './start-server.js';

const WRONG_WRITE_KEY = 'wk_wrong_secret_4711';
const WRONG_ADMIN_KEY = 'admin_wrong_secret_4711';
const DATABASE_PASSWORD = 'db_password_secret_4711';
/** Stands for anything a body carries: request payloads stay out of logs. */
const PAYLOAD_MARKER = 'payload_marker_4711';

/** Sends the head and half of the body, then destroys the socket. */
function abortMidBody(port: number, headers: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connectSocket({ port, host: '127.0.0.1' });
    socket.on('error', reject);
    socket.on('connect', () => {
      const head = ['POST /v1/batch HTTP/1.1', 'Host: localhost', 'Content-Length: 1000', ...headers, '', ''];
      socket.write(`${head.join('\r\n')}{"batch":[`, () => {
        socket.destroy();
        resolve();
      });
    });
  });
}

// Every path that logs (request lines at every level, refusals, parser errors, client aborts, flush
// failures, an unreachable database) runs with credentials in every place a client can put them.
describe('log lines never carry keys, passwords or payloads', () => {
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

  it('request, refusal, parser, abort and flush-failure lines', { timeout: 60_000 }, async () => {
    const post = (path: string, headers: Record<string, string>, body: unknown) =>
      fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
    await post('/v1/batch', { authorization: basicAuth(KEYS.server) }, { batch: [levelUp('ok-1')] });
    await post('/v1/track', { 'x-write-key': WRONG_WRITE_KEY }, levelUp('wrong-1'));
    await post('/v1/track', { authorization: basicAuth(WRONG_WRITE_KEY) }, levelUp('wrong-2'));
    await post('/v1/batch', {}, { writeKey: WRONG_WRITE_KEY, batch: [levelUp('wrong-3')] });
    await post('/v1/batch', { 'x-write-key': KEYS.disabled }, { batch: [levelUp('disabled-1')] });
    await fetch(`${server.url}/v1/projects/${KEYS.web}/settings`);
    await fetch(`${server.url}/v1/projects/${KEYS.disabled}/settings`);
    await fetch(`${server.url}/v1/projects/${WRONG_WRITE_KEY}/settings`);
    await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${KEYS.admin}` } });
    await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${WRONG_ADMIN_KEY}` } });
    await fetch(`${server.url}/metrics`, { headers: { 'x-admin-key': WRONG_ADMIN_KEY } });
    await sendWhileAnswered(
      server.port,
      Buffer.from(
        `GET /health HTTP/1.1\r\nAuthorization: ${basicAuth(KEYS.server)}\r\nX-Write-Key: ${KEYS.web}\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`,
      ),
      32 * 1024,
    );
    await abortMidBody(server.port, [`Authorization: ${basicAuth(KEYS.server)}`, 'X-Request-Id: aborted-1']);
    await log.next((line) => line.requestId === 'aborted-1' && 'status' in line);
    // Flushes that fail: the database error carries the statement's parameters (the payloads).
    await db.exec('DROP TABLE raw.events, raw.rejected');
    await post(
      '/v1/batch',
      { 'x-write-key': KEYS.server },
      {
        batch: [{ ...levelUp('fails-1'), properties: { level: 1, character: PAYLOAD_MARKER } }],
      },
    );
    await post('/v1/batch', {}, { writeKey: KEYS.server, batch: { note: PAYLOAD_MARKER } });

    const text = log.raw.join('');
    // Every path above logged something.
    for (const msg of [
      'request',
      'request refused',
      'request refused by the HTTP parser',
      'client closed the request before sending it whole',
      'flush failed',
    ])
      expect(log.lines.map((line) => line.msg)).toContain(msg);
    expect(log.lines.filter((line) => String(line.path).startsWith('/v1/projects/'))).toHaveLength(3);
    for (const secret of [
      KEYS.server,
      KEYS.web,
      KEYS.disabled,
      KEYS.admin,
      WRONG_WRITE_KEY,
      WRONG_ADMIN_KEY,
      PAYLOAD_MARKER,
      basicAuth(KEYS.server).slice('Basic '.length),
      basicAuth(WRONG_WRITE_KEY).slice('Basic '.length),
    ])
      expect({ secret, found: text.includes(secret) }).toEqual({ secret, found: false });
  });

  it('a collector on an unreachable PostgreSQL URL with a password', { timeout: 60_000 }, async () => {
    const unreachable = captureLogger();
    const collector = await startCollectorServer({
      ...testCollectorOptions(db, { logger: unreachable.logger }),
      warehouse: `postgres://tributary:${DATABASE_PASSWORD}@127.0.0.1:1/analytics?password=${DATABASE_PASSWORD}`,
      port: 0,
      handleSignals: false,
    });
    try {
      await fetch(`${collector.url}/ready`);
      await fetch(`${collector.url}/v1/batch`, {
        method: 'POST',
        headers: { 'x-write-key': KEYS.server },
        body: JSON.stringify({ batch: [levelUp('unreachable-1')] }),
      });
    } finally {
      await collector.close();
    }
    expect(unreachable.lines.map((line) => line.msg)).toEqual(
      expect.arrayContaining(['flush failed', 'request failed']),
    );
    expect(unreachable.raw.join('')).not.toContain(DATABASE_PASSWORD);
  });
});
