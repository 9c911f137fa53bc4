import { compileDdl, etlPlanOf, etlTargetTables, planToWarehouse } from '@tributary/sql';
import { beforeAll, beforeEach, expect, it } from 'vitest';
import { describeEachDatabase } from '../testing/describe-each-database.js';
import type { Warehouse } from '../warehouse.js';
import { runEtl } from './run-etl.js';
import {
  etlTestDocument,
  generateDataset,
  insertRawRows,
  type RawRow,
  tableContents,
} from './testing/index.js';

const TABLES = [...etlTargetTables(etlPlanOf(etlTestDocument)), '"raw"."rejected"'];

/** Builds raw rows in arrival order; each message gets a unique id and a received time. */
function messages(start: number, list: readonly Record<string, unknown>[]): RawRow[] {
  return list.map((m, i) => {
    const messageId = `id-${start + i}`;
    const timestamp = String(m.timestamp ?? '2024-03-04T10:00:00Z');
    return {
      messageId,
      receivedAt: timestamp,
      type: String(m.type ?? 'track'),
      event: (m.event as string | undefined) ?? null,
      payload: { type: 'track', context: { platform: 'ios' }, ...m, timestamp, messageId },
      intent: 'valid',
    };
  });
}

const install = (at: string, ids: Record<string, string>) => ({
  event: 'app_install',
  properties: { store: 'app_store' },
  timestamp: at,
  ...ids,
});
const level = (at: string, ids: Record<string, string>) => ({
  event: 'level_up',
  properties: { level: 2, character: 'mage' },
  context: { platform: 'ios', eventVersion: 1 },
  timestamp: at,
  ...ids,
});
const purchase = (at: string, cents: number, ids: Record<string, string>) => ({
  event: 'purchase',
  properties: { sku: 'gems', price_cents: cents, currency: 'USD' },
  timestamp: at,
  ...ids,
});
const identify = (at: string, ids: Record<string, string>) => ({ type: 'identify', timestamp: at, ...ids });
const alias = (at: string, previousId: string, userId: string) => ({
  type: 'alias',
  timestamp: at,
  previousId,
  userId,
});

describeEachDatabase('identity resolution', (getDb) => {
  let counter = 0;
  const add = async (db: Warehouse, list: readonly Record<string, unknown>[]) => {
    const rows = messages(counter, list);
    counter += rows.length;
    await insertRawRows(db, rows);
  };
  const rowsOf = (db: Warehouse, sql: string) => db.query<Record<string, unknown>>(sql);
  /** Runs --full on the same raw rows and expects every ETL table to be what the incremental runs left. */
  const expectFullRunEquals = async (db: Warehouse) => {
    const incremental = await tableContents(db, TABLES);
    await runEtl({ warehouse: db, document: etlTestDocument, mode: 'full' });
    expect(await tableContents(db, TABLES)).toEqual(incremental);
  };

  beforeAll(async () => {
    await getDb().exec(compileDdl(planToWarehouse(etlTestDocument)));
  });
  beforeEach(async () => {
    await getDb().exec('TRUNCATE raw.events, raw.rejected');
    await runEtl({ warehouse: getDb(), document: etlTestDocument, mode: 'full' });
  });

  it('an anonymous visitor who signs in later is one person, retroactively, and incremental runs equal a full run', async () => {
    const db = getDb();
    const incremental = () =>
      runEtl({ warehouse: db, document: etlTestDocument, mode: 'incremental', bulkCookRatio: Infinity });
    await add(db, [
      install('2024-03-04T10:00:00Z', { anonymousId: 'a1' }),
      level('2024-03-04T10:05:00Z', { anonymousId: 'a1' }),
      install('2024-03-04T11:00:00Z', { userId: 'other' }),
    ]);
    await incremental();
    expect(
      await rowsOf(
        db,
        `SELECT user_key, install_day::text FROM cooked.persons WHERE time_zone = 'UTC' ORDER BY 1`,
      ),
    ).toEqual([
      { user_key: 'a1', install_day: '2024-03-04' },
      { user_key: 'other', install_day: '2024-03-04' },
    ]);

    // Sign-in on day 2 (an identify with both ids), then activity and a purchase as the user.
    await add(db, [
      identify('2024-03-05T09:00:00Z', { anonymousId: 'a1', userId: 'u1' }),
      level('2024-03-05T09:01:00Z', { anonymousId: 'a1', userId: 'u1' }),
      purchase('2024-03-06T12:00:00Z', 499, { userId: 'u1' }),
    ]);
    await incremental();
    expect(await rowsOf(db, 'SELECT id, person_key, looped FROM cooked.identities ORDER BY id')).toEqual([
      { id: 'a1', person_key: 'u1', looped: false },
      { id: 'u1', person_key: 'u1', looped: false },
    ]);
    // Per id: two users (a1, u1); per person: one, whose install is a1's first install.
    expect(await rowsOf(db, `SELECT count(*)::int AS n FROM cooked.users WHERE time_zone = 'UTC'`)).toEqual([
      { n: 3 },
    ]);
    expect(
      await rowsOf(
        db,
        `SELECT user_key, install_day::text, first_purchase_day::text, revenue::text, events::int
         FROM cooked.persons WHERE time_zone = 'UTC' ORDER BY 1`,
      ),
    ).toEqual([
      { user_key: 'other', install_day: '2024-03-04', first_purchase_day: null, revenue: '0', events: 1 },
      {
        user_key: 'u1',
        install_day: '2024-03-04',
        first_purchase_day: '2024-03-06',
        revenue: '4.99',
        events: 4,
      },
    ]);
    expect(
      await rowsOf(
        db,
        `SELECT day::text, user_key, events, revenue::text FROM cooked.person_days
         WHERE time_zone = 'UTC' AND user_key = 'u1' ORDER BY day`,
      ),
    ).toEqual([
      { day: '2024-03-04', user_key: 'u1', events: 2, revenue: '0' },
      { day: '2024-03-05', user_key: 'u1', events: 1, revenue: '0' },
      { day: '2024-03-06', user_key: 'u1', events: 1, revenue: '4.99' },
    ]);
    // The person that was merged away has no rows left.
    expect(
      await rowsOf(db, `SELECT count(*)::int AS n FROM cooked.person_days WHERE user_key = 'a1'`),
    ).toEqual([{ n: 0 }]);
    await expectFullRunEquals(db);
  });

  it('a shared device keeps its first user; later user ids are conflicts, counted and never merged', async () => {
    const db = getDb();
    await add(db, [
      level('2024-03-04T10:00:00Z', { anonymousId: 'tablet', userId: 'alice' }),
      level('2024-03-04T18:00:00Z', { anonymousId: 'tablet', userId: 'bob' }),
      identify('2024-03-05T08:00:00Z', { anonymousId: 'tablet', userId: 'carol' }),
      level('2024-03-05T09:00:00Z', { anonymousId: 'tablet' }),
    ]);
    const result = await runEtl({
      warehouse: db,
      document: etlTestDocument,
      mode: 'incremental',
      chunkSize: 1,
    });
    expect(await rowsOf(db, `SELECT id, person_key FROM cooked.identities ORDER BY id`)).toEqual([
      { id: 'alice', person_key: 'alice' },
      { id: 'tablet', person_key: 'alice' },
    ]);
    expect(await rowsOf(db, 'SELECT from_id, to_id FROM cooked.identity_conflicts ORDER BY to_id')).toEqual([
      { from_id: 'tablet', to_id: 'bob' },
      { from_id: 'tablet', to_id: 'carol' },
    ]);
    expect(result.identity).toMatchObject({ links: 1, conflicts: 2, loopedIds: 0 });
    // bob stays bob: his own events count for him, the tablet's anonymous events for alice.
    expect(
      await rowsOf(db, `SELECT user_key, events::int FROM cooked.persons WHERE time_zone = 'UTC' ORDER BY 1`),
    ).toEqual([
      { user_key: 'alice', events: 2 },
      { user_key: 'bob', events: 1 },
    ]);
    await expectFullRunEquals(db);
  });

  it('aliases: chains of 1,000 in several chunks, loops, self-aliases and identifies without a user id', async () => {
    const db = getDb();
    const chain = Array.from({ length: 1000 }, (_, i) =>
      alias(
        `2024-03-04T12:${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}Z`,
        `c${i}`,
        `c${i + 1}`,
      ),
    );
    await add(db, [
      level('2024-03-04T10:00:00Z', { userId: 'c0' }),
      level('2024-03-04T10:00:00Z', { userId: 'c500' }),
      ...chain,
      alias('2024-03-05T10:00:00Z', 'x', 'y'),
      alias('2024-03-05T10:01:00Z', 'y', 'x'),
      alias('2024-03-05T10:02:00Z', 'z', 'y'),
      level('2024-03-05T11:00:00Z', { userId: 'z' }),
      alias('2024-03-05T12:00:00Z', 'same', 'same'),
      identify('2024-03-05T12:00:00Z', { anonymousId: 'lonely' }),
      level('2024-03-05T12:01:00Z', { anonymousId: 'lonely' }),
    ]);
    const result = await runEtl({
      warehouse: db,
      document: etlTestDocument,
      mode: 'incremental',
      chunkSize: 97,
    });
    const persons = await rowsOf(
      db,
      `SELECT user_key, events::int FROM cooked.persons WHERE time_zone = 'UTC' ORDER BY 1`,
    );
    // c0 and c500 end at c1000; x → y → x is a loop (person x, the smaller id) that z leads into.
    expect(persons).toEqual([
      { user_key: 'c1000', events: 2 },
      { user_key: 'lonely', events: 1 },
      { user_key: 'x', events: 1 },
    ]);
    expect(await rowsOf(db, `SELECT id, person_key FROM cooked.identities WHERE looped ORDER BY id`)).toEqual(
      [
        { id: 'x', person_key: 'x' },
        { id: 'y', person_key: 'x' },
        { id: 'z', person_key: 'x' },
      ],
    );
    expect(result.identity).toMatchObject({
      links: 1003,
      conflicts: 0,
      loopedIds: 3,
      selfAliases: 1,
      identifiesWithoutUserId: 1,
    });
    await expectFullRunEquals(db);
  });

  it('a bot linking one anonymous id to 10,000 user ids makes one link and 9,999 conflicts; a 10 KB id is rejected with a reason', async () => {
    const db = getDb();
    const huge = 'k'.repeat(10_240);
    await add(db, [
      ...Array.from({ length: 10_000 }, (_, i) =>
        level(`2024-03-04T10:${String(Math.floor(i / 600) % 60).padStart(2, '0')}:00Z`, {
          anonymousId: 'bot',
          userId: `victim-${i}`,
        }),
      ),
      level('2024-03-04T11:00:00Z', { userId: huge }),
      identify('2024-03-04T11:00:00Z', { anonymousId: huge, userId: 'u' }),
    ]);
    const result = await runEtl({ warehouse: db, document: etlTestDocument, mode: 'incremental' });
    expect(result.identity).toMatchObject({ links: 1, conflicts: 9_999 });
    expect(result.rejectedByReason).toMatchObject({ max_length: 2 });
    const [rejected] = await rowsOf(
      db,
      `SELECT count(*)::int AS n, max(length(payload))::int AS longest FROM raw.rejected WHERE stage = 'etl'`,
    );
    // Nothing lost: the raw rows stay in raw.events, the rejections say why.
    expect(rejected).toMatchObject({ n: 2 });
    // Spam rules aside, every victim counts as themself; the bot's id belongs to the first.
    const [persons] = await rowsOf(
      db,
      `SELECT count(*)::int AS n FROM cooked.persons WHERE time_zone = 'UTC'`,
    );
    expect(persons).toEqual({ n: 10_000 });
  });

  it('the generated data set stitches (sign-ins, second devices, shared devices, aliases) and its incremental history equals a full run', async () => {
    const db = getDb();
    const rows = generateDataset({ events: 6_000, seed: 7 });
    await insertRawRows(db, rows);
    const result = await runEtl({
      warehouse: db,
      document: etlTestDocument,
      mode: 'incremental',
      chunkSize: Math.ceil(rows.length / 7),
      bulkCookRatio: Infinity,
    });
    expect(result.identity?.links).toBeGreaterThan(20);
    expect(result.identity?.conflicts).toBeGreaterThan(0);
    const [counts] = await rowsOf(
      db,
      `SELECT (SELECT count(*) FROM cooked.users WHERE time_zone = 'UTC')::int AS users,
              (SELECT count(*) FROM cooked.persons WHERE time_zone = 'UTC')::int AS persons`,
    );
    expect(Number(counts?.persons)).toBeLessThan(Number(counts?.users));
    await expectFullRunEquals(db);
  });
});
