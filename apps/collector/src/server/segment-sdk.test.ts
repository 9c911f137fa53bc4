import { Analytics } from '@segment/analytics-node';
import { describeEachDatabase } from '@tributary/warehouse/testing';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { hashKey } from '../auth/hash-key.js';
import { createWarehouseTables } from '../test-helpers/test-collector.js';
import { testPlanDocument } from '../test-helpers/test-plan.js';
import { type CollectorServer, startCollectorServer } from './start-server.js';

const WRITE_KEY = 'segment-sdk-key';
const TRACKS = 5_000;
const IDENTIFIES = 5_000;

// Acceptance 1: the unmodified Segment Node SDK, over a real socket, delivers every event exactly once.
describeEachDatabase('@segment/analytics-node → collector', (getDb) => {
  let server: CollectorServer;
  beforeAll(async () => {
    await createWarehouseTables(getDb());
    server = await startCollectorServer({
      plan: testPlanDocument,
      warehouse: getDb(),
      sources: [{ name: 'node-sdk', writeKeyHash: hashKey(WRITE_KEY) }],
      logger: pino({ level: 'silent' }),
      port: 0,
      handleSignals: false,
    });
  });
  afterAll(() => server?.close());

  it(`delivers ${TRACKS} track and ${IDENTIFIES} identify events, each stored once`, {
    timeout: 120_000,
  }, async () => {
    const analytics = new Analytics({
      writeKey: WRITE_KEY,
      host: server.url,
      path: '/v1/batch',
      maxEventsInBatch: 100,
      flushInterval: 50,
    });
    const failures: unknown[] = [];
    analytics.on('error', (error) => failures.push(error));
    const sent = new Set<string>();
    const delivered: Promise<void>[] = [];
    const record = (resolve: () => void) => (error: unknown, ctx?: { event: { messageId?: string } }) => {
      if (error) failures.push(error);
      if (ctx?.event.messageId) sent.add(ctx.event.messageId);
      resolve();
    };
    for (let i = 0; i < TRACKS; i++)
      delivered.push(
        new Promise((resolve) =>
          analytics.track(
            {
              userId: `user-${i % 250}`,
              event: 'level_up',
              properties: { level: (i % 500) + 1, character: 'knight' },
              context: { platform: 'server' },
            },
            record(resolve),
          ),
        ),
      );
    for (let i = 0; i < IDENTIFIES; i++)
      delivered.push(
        new Promise((resolve) =>
          analytics.identify({ userId: `user-${i}`, traits: { plan: 'pro', n: i } }, record(resolve)),
        ),
      );
    await Promise.all(delivered);
    await analytics.closeAndFlush({ timeout: 30_000 });

    expect(failures).toEqual([]);
    expect(sent.size).toBe(TRACKS + IDENTIFIES);
    const rows = await getDb().query<{ message_id: string; type: string; source: string }>(
      'SELECT message_id, type, source FROM raw.events',
    );
    expect(rows).toHaveLength(TRACKS + IDENTIFIES);
    expect(new Set(rows.map((row) => row.message_id))).toEqual(sent);
    expect(rows.filter((row) => row.type === 'track')).toHaveLength(TRACKS);
    expect(rows.filter((row) => row.type === 'identify')).toHaveLength(IDENTIFIES);
    expect(new Set(rows.map((row) => row.source))).toEqual(new Set(['node-sdk']));
    // Enriched from the connection: the socket's address and the SDK's User-Agent header.
    const [sample] = await getDb().query<{ ip: string; user_agent: string; received: string | null }>(
      "SELECT payload->'context'->>'ip' AS ip, payload->'context'->>'userAgent' AS user_agent, payload->>'receivedAt' AS received FROM raw.events LIMIT 1",
    );
    expect(sample).toMatchObject({ ip: '127.0.0.1', user_agent: expect.stringContaining('analytics-node') });
    expect(sample?.received).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    const [rejected] = await getDb().query<{ count: string }>('SELECT count(*) AS count FROM raw.rejected');
    expect(rejected?.count).toBe('0');
  });
});
