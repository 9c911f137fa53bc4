import { compileDdl, planToWarehouse } from '@tributary/sql';
import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../testing/describe-each-database.js';
import type { Warehouse } from '../warehouse.js';
import { runEtl } from './run-etl.js';
import { etlTestDocument } from './testing/index.js';

const levelUp = (userId: string, level: number, timestamp: string) => ({
  type: 'track',
  event: 'level_up',
  userId,
  timestamp,
  context: { platform: 'ios', eventVersion: 1 },
  properties: { level, character: 'mage' },
});
const identify = (userId: string) => ({
  type: 'identify',
  userId,
  context: { platform: 'web' },
  traits: { plan: 'pro' },
});

async function insertRaw(
  db: Warehouse,
  rows: readonly [source: string, messageId: string, message: Record<string, unknown>][],
): Promise<void> {
  for (const [source, messageId, message] of rows)
    await db.query(
      `INSERT INTO raw.events (message_id, received_at, source, type, event, payload)
       VALUES ($1, '2026-03-01T12:00:00Z', $2, $3, $4, $5)`,
      [
        messageId,
        source,
        message.type,
        message.type === 'track' ? message.event : null,
        JSON.stringify({ ...message, messageId }),
      ],
    );
}

// Cooked chunk by chunk (never one rebuild at the end), so the chunk's own cook step is checked.
const run = (db: Warehouse) =>
  runEtl({
    warehouse: db,
    document: etlTestDocument,
    mode: 'incremental',
    bulkCookRatio: Number.POSITIVE_INFINITY,
  });

/** Message ids are unique per source: another source's id is never a duplicate (issue 16, point 3). */
describeEachDatabase('ETL: message ids deduplicated per source', (getDb) => {
  beforeAll(async () => {
    await getDb().exec(compileDdl(planToWarehouse(etlTestDocument)));
  });

  it('the same ids from two sources are both loaded, cooked and counted', async () => {
    const db = getDb();
    await insertRaw(db, [
      ['web', 'm-1', levelUp('u1', 1, '2026-03-01T10:00:00Z')],
      ['app', 'm-1', levelUp('u1', 2, '2026-03-01T10:05:00Z')],
      ['web', 'm-2', identify('u1')],
      ['app', 'm-2', identify('u2')],
    ]);
    expect(await run(db)).toMatchObject({ extracted: 4, loaded: 4, rejected: 0, duplicates: 0 });
    expect(await db.query('SELECT source, message_id FROM processed.tracks ORDER BY seq')).toEqual([
      { source: 'web', message_id: 'm-1' },
      { source: 'app', message_id: 'm-1' },
    ]);
    expect(await db.query('SELECT source, level FROM processed.level_up ORDER BY seq')).toEqual([
      { source: 'web', level: 1 },
      { source: 'app', level: 2 },
    ]);
    expect(await db.query('SELECT source, user_id FROM processed.identifies ORDER BY seq')).toEqual([
      { source: 'web', user_id: 'u1' },
      { source: 'app', user_id: 'u2' },
    ]);
    expect(
      await db.query("SELECT events FROM cooked.user_days WHERE time_zone = 'UTC' AND user_key = 'u1'"),
    ).toEqual([{ events: 2 }]);
    expect(
      await db.query("SELECT events::integer FROM cooked.users WHERE time_zone = 'UTC' AND user_key = 'u1'"),
    ).toEqual([{ events: 2 }]);
    expect(
      await db.query(
        'SELECT extracted::integer, loaded::integer, duplicates::integer FROM tributary.etl_runs ORDER BY id DESC LIMIT 1',
      ),
    ).toEqual([{ extracted: 4, loaded: 4, duplicates: 0 }]);
  });

  it("an id its own source already loaded is a duplicate; a third source's is not", async () => {
    const db = getDb();
    // web's m-1 comes back (its raw row was removed and the message stored again, e.g. replayed
    // from an archive), with other content so the fingerprint does not catch it.
    await db.exec("DELETE FROM raw.events WHERE source = 'web' AND message_id = 'm-1'");
    await insertRaw(db, [
      ['web', 'm-1', levelUp('u1', 3, '2026-03-01T10:10:00Z')],
      ['server', 'm-1', levelUp('u1', 4, '2026-03-01T10:15:00Z')],
    ]);
    expect(await run(db)).toMatchObject({ extracted: 2, loaded: 1, rejected: 0, duplicates: 1 });
    expect(await db.query('SELECT source, level FROM processed.level_up ORDER BY seq')).toEqual([
      { source: 'web', level: 1 },
      { source: 'app', level: 2 },
      { source: 'server', level: 4 },
    ]);
    expect(
      await db.query("SELECT events FROM cooked.user_days WHERE time_zone = 'UTC' AND user_key = 'u1'"),
    ).toEqual([{ events: 3 }]);
    expect(
      await db.query("SELECT events::integer FROM cooked.users WHERE time_zone = 'UTC' AND user_key = 'u1'"),
    ).toEqual([{ events: 3 }]);
  });
});
