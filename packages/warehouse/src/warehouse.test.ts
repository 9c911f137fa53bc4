import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { connect } from './connect.js';
import { WarehouseError } from './errors.js';
import { describeEachDatabase } from './testing/index.js';

describeEachDatabase('warehouse handle', (getDb, engine) => {
  it('reports its engine', () => {
    expect(getDb().kind).toBe(engine.kind);
  });

  it('returns int8/numeric as strings, date as YYYY-MM-DD, timestamptz as Date, jsonb parsed', async () => {
    const [row] = await getDb().query(
      "SELECT 9007199254740993::int8 AS big, 12.50::numeric AS money, DATE '2024-02-29' AS day, TIMESTAMPTZ '2024-02-29 12:00:00+00' AS at, '{\"a\":[1]}'::jsonb AS doc, 7::int4 AS small",
    );
    expect(row).toEqual({
      big: '9007199254740993',
      money: '12.50',
      day: '2024-02-29',
      at: new Date('2024-02-29T12:00:00Z'),
      doc: { a: [1] },
      small: 7,
    });
  });

  it('runs parameterised queries and multi-statement scripts', async () => {
    await getDb().exec(
      'CREATE TABLE handle_items (id int PRIMARY KEY, name text); INSERT INTO handle_items VALUES (1, $$one$$);',
    );
    await getDb().query('INSERT INTO handle_items VALUES ($1, $2)', [2, 'two']);
    expect(await getDb().query('SELECT name FROM handle_items ORDER BY id')).toEqual([
      { name: 'one' },
      { name: 'two' },
    ]);
  });

  it('commits a transaction and rolls back a failed one', async () => {
    await getDb().exec('CREATE TABLE handle_tx (id int PRIMARY KEY)');
    await getDb().transaction(async (tx) => {
      await tx.query('INSERT INTO handle_tx VALUES (1)');
    });
    await expect(
      getDb().transaction(async (tx) => {
        await tx.query('INSERT INTO handle_tx VALUES (2)');
        await tx.query('INSERT INTO handle_tx VALUES (1)');
      }),
    ).rejects.toThrow(/duplicate key/);
    expect(await getDb().query('SELECT id FROM handle_tx ORDER BY id')).toEqual([{ id: 1 }]);
  });

  it('exposes Kysely on the same database, including transactions', async () => {
    await getDb().exec('CREATE TABLE handle_kysely (id int PRIMARY KEY, label text NOT NULL)');
    const db = getDb().db;
    await db.insertInto('handle_kysely').values({ id: 1, label: 'a' }).execute();
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.insertInto('handle_kysely').values({ id: 2, label: 'b' }).execute();
        throw new Error('roll me back');
      }),
    ).rejects.toThrow('roll me back');
    const result = await db
      .updateTable('handle_kysely')
      .set({ label: 'c' })
      .where('id', '=', 1)
      .executeTakeFirst();
    expect(result.numUpdatedRows).toBe(1n);
    expect(await db.selectFrom('handle_kysely').selectAll().execute()).toEqual([{ id: 1, label: 'c' }]);
    const { rows } = await sql<{ n: string }>`SELECT count(*) AS n FROM handle_kysely`.execute(db);
    expect(rows).toEqual([{ n: '1' }]);
  });

  it('serialises concurrent work on one engine without interleaving transactions', async () => {
    await getDb().exec('CREATE TABLE handle_counter (n int NOT NULL); INSERT INTO handle_counter VALUES (0)');
    await Promise.all(
      Array.from({ length: 5 }, () =>
        getDb().transaction(async (tx) => {
          await tx.query('SELECT n FROM handle_counter FOR UPDATE');
          await tx.query('UPDATE handle_counter SET n = n + 1');
        }),
      ),
    );
    expect(await getDb().query('SELECT n FROM handle_counter')).toEqual([{ n: 5 }]);
  });

  it('delivers NOTIFY to listeners and stops after unlisten', async () => {
    const received: string[] = [];
    const unlisten = await getDb().listen('handle_events', (payload) => received.push(payload));
    await getDb().notify('handle_events', 'first');
    await expect.poll(() => received).toEqual(['first']);
    await unlisten();
    await getDb().notify('handle_events', 'second');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(received).toEqual(['first']);
  });
});

describe('connect', () => {
  it('refuses an unknown URL scheme with the accepted forms', async () => {
    const error = await connect('mysql://root:secret@localhost/db').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WarehouseError);
    expect((error as WarehouseError).code).toBe('invalid_database_url');
    expect((error as WarehouseError).message).toContain('postgres://');
    expect((error as WarehouseError).message).not.toContain('secret');
  });

  it('gives two memory:// handles two separate databases', async () => {
    const [a, b] = await Promise.all([connect('memory://'), connect('memory://')]);
    try {
      await a.exec('CREATE TABLE only_in_a (x int)');
      expect(await b.query("SELECT to_regclass('only_in_a') AS t")).toEqual([{ t: null }]);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('refuses use after close', async () => {
    const wh = await connect('memory://');
    await wh.close();
    await expect(wh.query('SELECT 1')).rejects.toMatchObject({ code: 'warehouse_closed' });
  });
});
