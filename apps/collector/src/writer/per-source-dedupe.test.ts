import type { Warehouse } from '@tributary/warehouse';
import { describeEachDatabase } from '@tributary/warehouse/testing';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import type { Collector } from '../create-collector.js';
import type { EventRow } from '../messages/prepare-message.js';
import {
  basicAuth,
  createWarehouseTables,
  KEYS,
  levelUp,
  testCollector,
  truncateRaw,
} from '../test-helpers/test-collector.js';
import type { FlushStore, WriteRequest } from './batch-writer.js';
import { copyFlush } from './copy-flush.js';
import { statementFlush } from './statement-flush.js';

const event = (messageId: string): EventRow => ({
  messageId,
  type: 'track',
  event: 'level_up',
  payload: JSON.stringify({ messageId }),
});
const request = (source: string, ...ids: string[]): WriteRequest => ({
  source,
  receivedAt: new Date('2026-01-01T00:00:00.000Z'),
  events: ids.map(event),
  rejected: [],
});
const storedRows = async (db: Warehouse) =>
  (
    await db.query<{ source: string; message_id: string }>(
      'SELECT source, message_id FROM raw.events ORDER BY seq',
    )
  ).map((row) => `${row.source}/${row.message_id}`);

/**
 * Message ids are unique per source (issue 16, point 3): source web sending an id that app uses
 * later must not turn app's event into a duplicate.
 */
describeEachDatabase('collector: message ids deduplicated per source', (getDb, engine) => {
  let collector: Collector;
  beforeAll(async () => {
    await createWarehouseTables(getDb());
    collector = await testCollector(getDb());
  });
  afterAll(() => collector?.close());
  beforeEach(() => truncateRaw(getDb()));

  const post = (key: string, path: string, body: unknown) =>
    collector.app.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: basicAuth(key) },
      body: JSON.stringify(body),
    });

  it('the same id from two sources is stored for both; the same id twice from one source once', async () => {
    const web = await post(KEYS.web, '/v1/batch', { batch: [levelUp('p-1'), levelUp('p-2')] });
    expect(await web.json()).toEqual({ accepted: 2, rejected: 0, duplicates: 0, errors: [] });
    const server = await post(KEYS.server, '/v1/batch', { batch: [levelUp('p-1'), levelUp('p-1')] });
    expect(await server.json()).toEqual({ accepted: 1, rejected: 0, duplicates: 1, errors: [] });
    const retry = await post(KEYS.server, '/v1/track', levelUp('p-1'));
    expect(await retry.json()).toMatchObject({ accepted: 0, duplicates: 1 });
    expect(await storedRows(getDb())).toEqual(['web/p-1', 'web/p-2', 'server/p-1']);
  });

  // One flush can hold requests of several sources: the flush store of the engine (COPY on
  // PostgreSQL) and the one-statement store (PGlite; on PostgreSQL, the JetStream loader's).
  const stores: [string, (db: Warehouse) => FlushStore][] = [
    ...(engine.kind === 'postgres'
      ? [['copyFlush', copyFlush] as [string, (db: Warehouse) => FlushStore]]
      : []),
    ['statementFlush', statementFlush],
  ];
  for (const [name, storeOf] of stores) {
    it(`${name}: one flush of two sources stores each source's first occurrence of an id`, async () => {
      const store = storeOf(getDb());
      const first = await store([request('web', 'a', 'b', 'a'), request('app', 'a', 'c', 'c')]);
      expect(first.map((r) => r.stored)).toEqual([
        [true, true, false],
        [true, true, false],
      ]);
      // Against stored rows (on PostgreSQL the COPY fails on the unique index and the checked
      // transaction looks the pairs up): only the pairs already stored are duplicates.
      const second = await store([request('web', 'c', 'a'), request('app', 'b', 'a'), request('other', 'a')]);
      expect(second.map((r) => r.stored)).toEqual([[true, false], [true, false], [true]]);
      expect(await storedRows(getDb())).toEqual([
        'web/a',
        'web/b',
        'app/a',
        'app/c',
        'web/c',
        'app/b',
        'other/a',
      ]);
    });

    it(`${name}: on a warehouse not migrated yet (raw.events unique on message_id) the failure says to migrate`, async () => {
      const db = getDb();
      await db.exec(
        'ALTER TABLE raw.events DROP CONSTRAINT events_message_id_source_key, ADD CONSTRAINT events_message_id_key UNIQUE (message_id)',
      );
      try {
        const store = storeOf(db);
        await store([request('web', 'a')]).catch(() => undefined);
        await expect(store([request('app', 'a')])).rejects.toThrow(
          /raw\.events is not unique on \(message_id, source\).*tributary generate, then tributary migrate/,
        );
      } finally {
        await db.exec(
          'ALTER TABLE raw.events DROP CONSTRAINT events_message_id_key, ADD CONSTRAINT events_message_id_source_key UNIQUE (message_id, source)',
        );
      }
    });
  }
});
