import { describe, expect, it } from 'vitest';
import { WarehouseError } from '../../errors.js';
import { connect } from '../../connect.js';
import { describeEachDatabase } from '../../testing/index.js';

describeEachDatabase('Warehouse#copyFrom', (getDb, engine) => {
  if (engine.kind === 'pglite') {
    it('is refused on PGlite, which has no COPY from a client stream', async () => {
      await expect(getDb().copyFrom('COPY t FROM STDIN', 'x\n')).rejects.toMatchObject({
        code: 'copy_unsupported',
      });
    });
    return;
  }

  it('runs a script around one COPY FROM STDIN in one call and returns the rows copied', async () => {
    await getDb().exec('CREATE TABLE copy_items (id int PRIMARY KEY, name text, doc jsonb)');
    const copied = await getDb().copyFrom(
      "BEGIN; SELECT pg_advisory_xact_lock(42); COPY copy_items (id, name, doc) FROM STDIN; SELECT pg_notify('copy_items', 'done'); COMMIT",
      '1\ttab\\there\t{"a": "back\\\\\\\\slash"}\n2\t\\N\t{"b": "é😀"}\n',
    );
    expect(copied).toBe(2);
    expect(await getDb().query('SELECT id, name, doc FROM copy_items ORDER BY id')).toEqual([
      { id: 1, name: 'tab\there', doc: { a: 'back\\slash' } },
      { id: 2, name: null, doc: { b: 'é😀' } },
    ]);
  });

  it('rolls back the script when its COPY fails and leaves the session usable', async () => {
    await getDb().exec('CREATE TABLE copy_fail (id int PRIMARY KEY)');
    const failing = getDb().copyFrom('BEGIN; COPY copy_fail (id) FROM STDIN; COMMIT', '1\n2\n1\n');
    await expect(failing).rejects.toMatchObject({ code: '23505' });
    await expect(
      getDb().copyFrom('BEGIN; COPY copy_fail (id) FROM STDIN; COMMIT', 'oops\n'),
    ).rejects.toMatchObject({
      code: '22P02',
    });
    // The same pooled sessions serve the next statements: no transaction was left open or aborted.
    for (let i = 0; i < 12; i++)
      expect(await getDb().query('SELECT count(*)::int AS n FROM copy_fail')).toEqual([{ n: 0 }]);
    expect(await getDb().copyFrom('BEGIN; COPY copy_fail (id) FROM STDIN; COMMIT', '1\n2\n')).toBe(2);
  });

  it('discards the COPY data when a statement before the COPY fails', async () => {
    await getDb().exec('CREATE TABLE copy_early (id int)');
    await expect(
      getDb().copyFrom('BEGIN; SELECT 1/0; COPY copy_early (id) FROM STDIN; COMMIT', '1\n'),
    ).rejects.toMatchObject({ code: '22012' });
    expect(await getDb().query('SELECT count(*)::int AS n FROM copy_early')).toEqual([{ n: 0 }]);
  });

  it('is available in transactions, which commit or roll back with it', async () => {
    await getDb().exec('CREATE TABLE copy_tx (id int PRIMARY KEY)');
    await getDb().transaction(async (tx) => {
      expect(await tx.copyFrom?.('COPY copy_tx (id) FROM STDIN', '1\n')).toBe(1);
    });
    await expect(
      getDb().transaction(async (tx) => {
        await tx.copyFrom?.('COPY copy_tx (id) FROM STDIN', '2\n');
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await getDb().query('SELECT id FROM copy_tx')).toEqual([{ id: 1 }]);
  });
});

describe('Warehouse#copyFrom without a database', () => {
  it('fails with a connection error that the callers treat as "unavailable"', async () => {
    const wh = await connect('postgres://postgres@127.0.0.1:1/none');
    await expect(wh.copyFrom('COPY t FROM STDIN', '')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await wh.close();
    await expect(wh.copyFrom('COPY t FROM STDIN', '')).rejects.toBeInstanceOf(WarehouseError);
  });
});
