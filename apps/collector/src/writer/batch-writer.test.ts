import { describe, expect, it } from 'vitest';
import { CollectorError } from '../errors/collector-error.js';
import type { EventRow } from '../messages/prepare-message.js';
import { BatchWriter, type WriteRequest } from './batch-writer.js';
import { FLUSH_SQL } from './insert-statements.js';
import { type FlushDatabase, statementFlush } from './statement-flush.js';

/** A database that records each flush and answers like PostgreSQL would (first copy of a (source, id) wins). */
function fakeDatabase(fail?: (call: number, events: { message_id: string }[]) => unknown) {
  const stored = new Set<string>();
  const calls: { events: { message_id: string; source: string }[]; rejected: unknown[] }[] = [];
  const db: FlushDatabase = {
    async query<T>(text: string, params: readonly unknown[] = []) {
      expect(text).toBe(FLUSH_SQL);
      const events = JSON.parse(params[0] as string) as { message_id: string; source: string }[];
      const rejected = JSON.parse(params[1] as string) as unknown[];
      calls.push({ events, rejected });
      const error = fail?.(calls.length, events);
      if (error) throw error;
      const key = (e: { message_id: string; source: string }) => JSON.stringify([e.source, e.message_id]);
      const rows = events.filter((e) => !stored.has(key(e)) && stored.add(key(e)));
      return rows.map((row, seq) => ({
        message_id: row.message_id,
        source: row.source,
        seq: String(seq),
      })) as T[];
    },
  };
  return { db, calls, stored };
}

const row = (messageId: string): EventRow => ({
  messageId,
  type: 'track',
  event: 'e',
  payload: `{"messageId":"${messageId}"}`,
});
const request = (...ids: string[]): WriteRequest => ({
  source: 's',
  receivedAt: new Date(0),
  events: ids.map(row),
  rejected: [],
});

describe('BatchWriter', () => {
  it('commits concurrent requests in one statement and tells each which events were new', async () => {
    const { db, calls } = fakeDatabase();
    const writer = new BatchWriter(statementFlush(db), { maxEvents: 100, maxWaitMs: 5, maxConcurrent: 1 });
    const results = await Promise.all([
      writer.write(request('a', 'b')),
      writer.write(request('b', 'c')),
      writer.write(request('a')),
    ]);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.events.map((e) => e.message_id)).toEqual(['a', 'b', 'b', 'c', 'a']);
    expect(results.map((r) => r.stored)).toEqual([[true, true], [false, true], [false]]);
  });

  it('flushes as soon as maxEvents are pending instead of waiting for the timer', async () => {
    const { db, calls } = fakeDatabase();
    // The timer is longer than the test may run: the write can only be answered by the size flush.
    const writer = new BatchWriter(statementFlush(db), {
      maxEvents: 3,
      maxWaitMs: 3_600_000,
      maxConcurrent: 1,
    });
    await writer.write(request('a', 'b', 'c'));
    expect(calls).toHaveLength(1);
  });

  it('rejects every waiting request with a 503 when the database is unreachable, and recovers', async () => {
    let down = true;
    const { db, stored } = fakeDatabase(() =>
      down
        ? Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })
        : undefined,
    );
    const writer = new BatchWriter(statementFlush(db), { maxEvents: 100, maxWaitMs: 1, maxConcurrent: 1 });
    const outcomes = await Promise.allSettled([writer.write(request('a')), writer.write(request('b'))]);
    for (const outcome of outcomes) {
      expect(outcome.status).toBe('rejected');
      const error = (outcome as PromiseRejectedResult).reason as CollectorError;
      expect(error).toBeInstanceOf(CollectorError);
      expect([error.code, error.status]).toEqual(['database_unavailable', 503]);
    }
    expect(stored.size).toBe(0);
    down = false;
    expect((await writer.write(request('a'))).stored).toEqual([true]);
  });

  it('retries request by request after a non-connection failure, so one bad request fails alone', async () => {
    const { db, calls } = fakeDatabase((_call, events) =>
      events.some((e) => e.message_id === 'poison')
        ? Object.assign(new Error('invalid input syntax for type json'), { code: '22P02' })
        : undefined,
    );
    const writer = new BatchWriter(statementFlush(db), { maxEvents: 100, maxWaitMs: 1, maxConcurrent: 1 });
    const [good, bad] = await Promise.allSettled([
      writer.write(request('ok')),
      writer.write(request('poison')),
    ]);
    expect(good).toEqual({ status: 'fulfilled', value: { stored: [true] } });
    expect(((bad as PromiseRejectedResult).reason as CollectorError).code).toBe('internal_error');
    expect(calls).toHaveLength(3);
  });

  it('close() commits what is queued and refuses later writes', async () => {
    const { db, stored } = fakeDatabase();
    const writer = new BatchWriter(statementFlush(db), {
      maxEvents: 100,
      maxWaitMs: 60_000,
      maxConcurrent: 1,
    });
    const pending = writer.write(request('late'));
    expect(writer.pending).toBe(1);
    await writer.close();
    expect(await pending).toEqual({ stored: [true] });
    expect(stored.has(JSON.stringify(['s', 'late']))).toBe(true);
    await expect(writer.write(request('after'))).rejects.toMatchObject({ code: 'shutting_down' });
  });

  it('drain() commits later writes at once instead of waiting for the timer', async () => {
    const { db, calls } = fakeDatabase();
    const writer = new BatchWriter(statementFlush(db), {
      maxEvents: 100,
      // Longer than the test may run: only the drain can answer the write.
      maxWaitMs: 3_600_000,
      maxConcurrent: 1,
    });
    await writer.drain();
    expect(await writer.write(request('during-shutdown'))).toEqual({ stored: [true] });
    expect(calls).toHaveLength(1);
  });

  it('overlaps up to maxConcurrent full flushes, and queues the rest', async () => {
    let running = 0;
    let peak = 0;
    const releases: (() => void)[] = [];
    const db: FlushDatabase = {
      async query<T>(_text: string, params: readonly unknown[] = []) {
        running++;
        peak = Math.max(peak, running);
        await new Promise<void>((resolve) => releases.push(resolve));
        running--;
        return (JSON.parse(params[0] as string) as { message_id: string; source: string }[]).map((e) => ({
          message_id: e.message_id,
          source: e.source,
          seq: '1',
        })) as T[];
      },
    };
    const writer = new BatchWriter(statementFlush(db), { maxEvents: 2, maxWaitMs: 60_000, maxConcurrent: 2 });
    const writes = [
      writer.write(request('a', 'b')),
      writer.write(request('c', 'd')),
      writer.write(request('e', 'f')),
    ];
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect([running, releases.length]).toEqual([2, 2]);
    while (releases.length > 0 || running > 0) {
      releases.shift()?.();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect((await Promise.all(writes)).map((r) => r.stored)).toEqual([
      [true, true],
      [true, true],
      [true, true],
    ]);
    expect(peak).toBe(2);
  });
});
