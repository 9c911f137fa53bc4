import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeClock } from '../test-helpers/fake-clock.js';
import { fakeFetch } from '../test-helpers/fake-fetch.js';
import { testPlan } from '../test-helpers/plan.js';
import { createTracker, defaultViolationPolicy } from './create-tracker.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function setup(dir: string, up: () => boolean) {
  const clock = fakeClock();
  const net = fakeFetch(() => (up() ? { status: 200 } : { networkError: 'ECONNREFUSED' }));
  const tracker = createTracker({
    plan: testPlan,
    endpoint: 'http://c.test',
    writeKey: 'k',
    journalDir: dir,
    clock,
    fetch: net.fetch,
    random: () => 0.5,
    onWarning: () => {},
  });
  return { tracker, clock, net };
}

describe('createTracker (Node) with a journal directory', () => {
  it('replays un-acknowledged messages in a new tracker, keeps anonymousId and session, and forgets acknowledged ones', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trk-node-'));
    dirs.push(dir);
    const first = setup(dir, () => false);
    const ids = Array.from({ length: 50 }, (_, n) => first.tracker.track('ping', { n }));
    await first.clock.advance(5000);
    expect(first.net.requests.length).toBeGreaterThan(0);
    // The first tracker is abandoned without close(), as after a crash.
    const second = setup(dir, () => true);
    await second.tracker.ready;
    await second.tracker.flush();
    const delivered = second.net.messages();
    expect(delivered.map((m) => m.messageId)).toEqual(ids);
    expect(second.tracker.anonymousId).toBe(first.tracker.anonymousId);
    expect(delivered[0]!.context.sessionIndex).toBe(1);
    await second.tracker.close();
    const third = setup(dir, () => true);
    await third.tracker.ready;
    expect(third.tracker.queuedCount).toBe(0);
    await third.tracker.close();
  });

  it('writes undeliverable messages to the dead-letter file with the reason', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trk-node-'));
    dirs.push(dir);
    const net = fakeFetch(() => ({ status: 403, body: 'bad key' }));
    const seen: string[] = [];
    const tracker = createTracker({
      plan: testPlan,
      endpoint: 'http://c.test',
      writeKey: 'k',
      journalDir: dir,
      fetch: net.fetch,
      onDeadLetter: (messages) => seen.push(...messages.map((m) => m.messageId)),
    });
    const id = tracker.track('purchase', { sku: 'gem', price: 5 });
    await tracker.close();
    const lines = readFileSync(join(dir, 'dead-letter.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toEqual([
      {
        failedAt: expect.any(String),
        reason: { kind: 'rejected', cause: { kind: 'http', status: 403, body: 'bad key' } },
        message: expect.objectContaining({ messageId: id, event: 'purchase' }),
      },
    ]);
    expect(seen).toEqual([id]);
  });

  it('close({ timeoutMs }) leaves undelivered messages in the journal for the next process', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trk-node-'));
    dirs.push(dir);
    const first = setup(dir, () => false);
    const id = first.tracker.track('purchase', { sku: 'a', price: 1 });
    const closing = first.tracker.close({ timeoutMs: 2000 });
    await first.clock.advance(2500);
    await closing;
    const second = setup(dir, () => true);
    await second.tracker.ready;
    await second.tracker.flush();
    expect(second.net.messages().map((m) => m.messageId)).toEqual([id]);
    await second.tracker.close();
  });

  it('picks the violation policy from NODE_ENV', () => {
    expect(defaultViolationPolicy('production')).toBe('off');
    expect(defaultViolationPolicy('test')).toBe('throw');
    expect(defaultViolationPolicy('development')).toBe('warn');
    expect(defaultViolationPolicy('')).toBe('warn');
  });
});
