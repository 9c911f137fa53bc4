import { Hono, type MiddlewareHandler } from 'hono';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { hashKey } from '../auth/hash-key.js';
import { createSourceRegistry } from '../auth/source-registry.js';
import type { CollectorEnv } from '../collector-env.js';
import type { CollectorError } from '../errors/collector-error.js';
import { adminAuth } from './admin-auth.js';
import { corsPreflight } from './cors.js';
import { requestId } from './request-id.js';

function appWith(...middleware: MiddlewareHandler<CollectorEnv>[]) {
  const app = new Hono<CollectorEnv>();
  app.use('*', requestId({ logger: pino({ level: 'silent' }), generateId: () => 'generated' }));
  for (const m of middleware) app.use('*', m);
  app.all('*', (c) => c.json({ requestId: c.var.requestId }));
  app.onError((error, c) => {
    const known = error as CollectorError;
    return c.json(known.toBody(), known.status);
  });
  return app;
}

describe('requestId', () => {
  it('keeps a sane X-Request-Id, replaces a hostile one, and echoes it', async () => {
    const app = appWith();
    const kept = await app.request('/', { headers: { 'x-request-id': 'abc-123' } });
    expect([kept.headers.get('x-request-id'), await kept.json()]).toEqual([
      'abc-123',
      { requestId: 'abc-123' },
    ]);
    const replaced = await app.request('/', { headers: { 'x-request-id': 'a b\u0001<script>' } });
    expect(replaced.headers.get('x-request-id')).toBe('generated');
  });
});

describe('adminAuth', () => {
  const app = appWith(adminAuth({ adminKeyHash: hashKey('admin') }));
  it.each([
    [{ authorization: 'Bearer admin' }, 200],
    [{ authorization: `Basic ${Buffer.from('admin:').toString('base64')}` }, 200],
    [{ 'x-admin-key': 'admin' }, 200],
    [{ authorization: 'Bearer wrong' }, 401],
    [{}, 401],
  ])('%o → %i', async (headers, status) => {
    expect((await app.request('/', { headers })).status).toBe(status);
  });
  it('refuses everything when no admin key is configured', async () => {
    const closed = appWith(adminAuth());
    expect(
      await (await closed.request('/', { headers: { authorization: 'Bearer anything' } })).json(),
    ).toMatchObject({
      error: { code: 'invalid_admin_key' },
    });
  });
});

describe('corsPreflight', () => {
  const registry = createSourceRegistry([
    { name: 'web', writeKeyHash: hashKey('k'), corsOrigins: ['https://a.example'] },
  ]);
  const app = appWith(corsPreflight({ registry }));
  it('answers 204 with the allowed origin and headers, 403 for others; other methods pass through', async () => {
    const ok = await app.request('/', { method: 'OPTIONS', headers: { origin: 'https://a.example' } });
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://a.example');
    expect(ok.headers.get('access-control-allow-methods')).toContain('POST');
    const refused = await app.request('/', { method: 'OPTIONS', headers: { origin: 'https://b.example' } });
    expect(await refused.json()).toMatchObject({ error: { code: 'origin_not_allowed' } });
    expect((await app.request('/', { method: 'POST' })).status).toBe(200);
  });
});
