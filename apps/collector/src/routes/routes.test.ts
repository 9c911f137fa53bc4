import { describeEachDatabase } from '@tributary/warehouse/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Collector } from '../create-collector.js';
import { INGEST_PATHS } from '../messages/message-types.js';
import {
  basicAuth,
  createWarehouseTables,
  KEYS,
  levelUp,
  testCollector,
  WEB_ORIGIN,
} from '../test-helpers/test-collector.js';

describeEachDatabase('collector routes', (getDb) => {
  let collector: Collector;
  beforeAll(async () => {
    await createWarehouseTables(getDb());
    collector = await testCollector(getDb(), { retryAfterSeconds: 7 });
  });
  afterAll(() => collector?.close());
  const request = (path: string, init: RequestInit = {}) => collector.app.request(path, init);

  it('accepts every single-message path and its one-letter alias, typing the message from the path', async () => {
    let n = 0;
    for (const [path, route] of INGEST_PATHS) {
      if (route.kind !== 'single') continue;
      const id = `path-${n++}`;
      const message = { ...levelUp(id), type: 'ignored', userId: 'u', groupId: 'g', previousId: 'p' };
      const response = await request(path, {
        method: 'POST',
        headers: { 'x-write-key': KEYS.server, 'content-type': 'text/plain' },
        body: JSON.stringify(message),
      });
      expect({ path, status: response.status, body: await response.json() }).toMatchObject({
        path,
        status: 200,
        body: { accepted: 1 },
      });
      const [row] = await getDb().query<{ type: string }>(
        'SELECT type FROM raw.events WHERE message_id = $1',
        [id],
      );
      expect(row?.type).toBe(route.type);
    }
    expect(n).toBe(12);
  });

  it('accepts the write key from the body, as @segment/analytics-node sends it', async () => {
    const response = await request('/v1/b', {
      method: 'POST',
      body: JSON.stringify({ batch: [levelUp('body-key')], writeKey: KEYS.server }),
    });
    expect(await response.json()).toMatchObject({ accepted: 1 });
  });

  it('answers CORS preflights for allowed origins and tags browser responses', async () => {
    const preflight = await request('/v1/batch', {
      method: 'OPTIONS',
      headers: { origin: WEB_ORIGIN, 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(WEB_ORIGIN);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('Authorization');
    const response = await request('/v1/batch', {
      method: 'POST',
      headers: { origin: WEB_ORIGIN, authorization: basicAuth(KEYS.web), 'content-type': 'text/plain' },
      body: JSON.stringify({ batch: [levelUp('from-browser')] }),
    });
    expect(response.headers.get('access-control-allow-origin')).toBe(WEB_ORIGIN);
    expect(await response.json()).toMatchObject({ accepted: 1 });
  });

  it('serves a settings document that points analytics.js at this collector', async () => {
    const response = await request(`/v1/projects/${KEYS.web}/settings`, {
      headers: { host: 'localhost:8787', origin: WEB_ORIGIN },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      integrations: { 'Segment.io': { apiKey: KEYS.web, apiHost: 'localhost:8787/v1' } },
    });
    expect((await request(`/v1/projects/${KEYS.disabled}/settings`)).status).toBe(403);
  });

  it('exposes Prometheus metrics behind the admin key', async () => {
    await request('/v1/batch', {
      method: 'POST',
      headers: { authorization: basicAuth(KEYS.server) },
      body: JSON.stringify({ batch: [levelUp('m-ok'), { ...levelUp('m-bad'), event: 'nope' }] }),
    });
    const response = await request('/metrics', { headers: { authorization: `Bearer ${KEYS.admin}` } });
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(text).toMatch(/^tributary_collector_events_accepted_total [1-9]\d*$/m);
    expect(text).toMatch(/^tributary_collector_events_rejected_total\{reason="unknown_event"\} 1$/m);
    expect(text).toMatch(/^tributary_collector_flush_seconds_count [1-9]\d*$/m);
    expect(text).toMatch(/^tributary_collector_pending_events 0$/m);
    expect(text).toMatch(/^tributary_collector_responses_total\{status="200"\} \d+$/m);
    expect((await request('/metrics', { headers: { 'x-admin-key': KEYS.admin } })).status).toBe(200);
  });

  it('is healthy and ready; without the database it is still healthy, not ready, and ingest answers 503 + Retry-After', async () => {
    expect((await request('/health')).status).toBe(200);
    expect((await request('/ready')).status).toBe(200);
    const db = getDb();
    const { query, copyFrom, transaction } = db;
    const refused = async (): Promise<never> => {
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    };
    // Every way the writer reaches the database (a statement on PGlite, COPY on PostgreSQL).
    Object.assign(db, { query: refused, copyFrom: refused, transaction: refused });
    try {
      expect((await request('/health')).status).toBe(200);
      const ready = await request('/ready');
      expect([ready.status, ready.headers.get('retry-after')]).toEqual([503, '7']);
      const ingest = await request('/v1/batch', {
        method: 'POST',
        headers: { authorization: basicAuth(KEYS.server) },
        body: JSON.stringify({ batch: [levelUp('while-down')] }),
      });
      expect([ingest.status, ingest.headers.get('retry-after')]).toEqual([503, '7']);
      expect(await ingest.json()).toMatchObject({ error: { code: 'database_unavailable' } });
    } finally {
      Object.assign(db, { query, copyFrom, transaction });
    }
    const again = await request('/v1/batch', {
      method: 'POST',
      headers: { authorization: basicAuth(KEYS.server) },
      body: JSON.stringify({ batch: [levelUp('while-down')] }),
    });
    expect(await again.json()).toMatchObject({ accepted: 1 });
    expect(
      await getDb().query('SELECT 1 FROM raw.events WHERE message_id = $1', ['while-down']),
    ).toHaveLength(1);
  });
});
