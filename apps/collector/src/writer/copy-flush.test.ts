import { freshDatabase, type FreshDatabase, postgresTestEngine } from '@tributary/warehouse/testing';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EventRow, RejectedRow } from '../messages/prepare-message.js';
import { createWarehouseTables, truncateRaw } from '../test-helpers/test-collector.js';
import type { WriteRequest } from './batch-writer.js';
import { copyFlush } from './copy-flush.js';
import { RAW_EVENTS_CHANNEL, RAW_EVENTS_LOCK_KEY } from './insert-statements.js';

const engine = postgresTestEngine();

const event = (messageId: string, payload: Record<string, unknown> = {}): EventRow => ({
  messageId,
  type: 'track',
  event: 'level_up',
  payload: JSON.stringify({ messageId, ...payload }),
});
const request = (events: EventRow[], rejected: RejectedRow[] = []): WriteRequest => ({
  source: 'server',
  receivedAt: new Date('2026-01-01T00:00:00.000Z'),
  events,
  rejected,
});

// COPY is the PostgreSQL flush path (PGlite keeps the one-statement FLUSH_SQL).
describe.skipIf(!engine)('copyFlush [postgres] (needs DATABASE_URL; skipped without it)', () => {
  let database: FreshDatabase;
  const stored = async () =>
    (
      await database.warehouse.query<{ message_id: string }>('SELECT message_id FROM raw.events ORDER BY seq')
    ).map((row) => row.message_id);

  beforeAll(async () => {
    if (!engine) return;
    database = await freshDatabase(engine);
    await createWarehouseTables(database.warehouse);
  });
  afterAll(async () => {
    await database?.dispose();
  });
  beforeEach(async () => {
    await truncateRaw(database.warehouse);
  });

  it('stores the first occurrence of each id in arrival order and reports repeats in the flush as duplicates', async () => {
    const store = copyFlush(database.warehouse);
    const results = await store([
      request([event('a'), event('b'), event('a')]),
      request([event('b'), event('c')]),
    ]);
    expect(results.map((r) => r.stored)).toEqual([
      [true, true, false],
      [false, true],
    ]);
    expect(await stored()).toEqual(['a', 'b', 'c']);
  });

  it('reports ids stored by an earlier flush as duplicates and stores the rest of a mixed flush', async () => {
    const store = copyFlush(database.warehouse);
    await store([request([event('old-1'), event('old-2')])]);
    const results = await store([
      request([event('new-1'), event('old-2')]),
      request([event('new-2'), event('new-1'), event('old-1'), event('new-3')]),
    ]);
    expect(results.map((r) => r.stored)).toEqual([
      [true, false],
      [true, false, false, true],
    ]);
    expect(await stored()).toEqual(['old-1', 'old-2', 'new-1', 'new-2', 'new-3']);
  });

  it('round-trips ids and payloads with tabs, newlines, carriage returns, backslashes, quotes and unicode', async () => {
    const awkward = 'tab\there\nnew line\r\nback\\slash \\N \\. "quoted" é ü 中文 😀 \u2028 \u0001';
    const id = `id\twith\\odd\nchars 😀`;
    const payload = { text: awkward, nested: { list: [awkward, '\\\\'] }, [awkward]: 'key' };
    await copyFlush(database.warehouse)([request([event(id, payload)])]);
    const [row] = await database.warehouse.query<{ message_id: string; event: string; payload: unknown }>(
      'SELECT message_id, event, payload FROM raw.events',
    );
    expect(row).toEqual({ message_id: id, event: 'level_up', payload: { messageId: id, ...payload } });
  });

  it('stores rejected messages beside the events, in the same transaction', async () => {
    const rejected: RejectedRow = {
      messageId: 'bad-1',
      reasons: [
        { path: 'event', rule: 'unknown_event', expected: 'a known event', received: 'x', message: 'no' },
      ],
      payload: '{"messageId":"bad-1",\t"event":"x"}',
    };
    const results = await copyFlush(database.warehouse)([request([event('good-1')], [rejected])]);
    expect(results.map((r) => r.stored)).toEqual([[true]]);
    expect(await stored()).toEqual(['good-1']);
    expect(
      await database.warehouse.query('SELECT stage, source, message_id, payload FROM raw.rejected'),
    ).toEqual([{ stage: 'collector', source: 'server', message_id: 'bad-1', payload: rejected.payload }]);
  });

  it('sends NOTIFY with the highest new seq after commit, on both the COPY and the checked path', async () => {
    const payloads: string[] = [];
    const unlisten = await database.warehouse.listen(RAW_EVENTS_CHANNEL, (payload) => payloads.push(payload));
    try {
      const store = copyFlush(database.warehouse);
      await store([request([event('n1'), event('n2'), event('n3')])]);
      const max = async () =>
        (await database.warehouse.query<{ max: string }>('SELECT max(seq)::text AS max FROM raw.events'))[0]
          ?.max as string;
      const first = await max();
      await expect.poll(() => payloads).toEqual([first]);
      // n2 exists: the checked path stores n4 alone.
      await store([request([event('n2'), event('n4')])]);
      const second = await max();
      await expect.poll(() => payloads).toEqual([first, second]);
      // Nothing new: no notification.
      await store([request([event('n4')])]);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(payloads).toEqual([first, second]);
    } finally {
      await unlisten();
    }
  });

  it('waits for the raw.events lock, so seq order is commit order across overlapping flushes', async () => {
    const other = new pg.Client({ connectionString: database.url });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query('SELECT pg_advisory_xact_lock($1)', [RAW_EVENTS_LOCK_KEY]);
      const store = copyFlush(database.warehouse);
      let done = false;
      const first = store([request([event('l1'), event('l2')])]).then(() => {
        done = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(done).toBe(false);
      const second = store([request([event('l3')])]);
      await new Promise((resolve) => setTimeout(resolve, 100));
      await other.query('COMMIT');
      await Promise.all([first, second]);
      expect(await stored()).toEqual(['l1', 'l2', 'l3']);
    } finally {
      await other.end();
    }
  });

  it('writes nothing when the flush fails, and the next flush works', async () => {
    const store = copyFlush(database.warehouse);
    const broken: EventRow = { messageId: 'broken', type: 'track', event: null, payload: '{not json' };
    await expect(store([request([event('f1'), broken])])).rejects.toMatchObject({ code: '22P02' });
    expect(await stored()).toEqual([]);
    await store([request([event('f1')])]);
    expect(await stored()).toEqual(['f1']);
  });
});
