import { setTimeout as delay } from 'node:timers/promises';
import { testEngines } from '@tributary/warehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTracker, type DeadLetterReason } from '../src/index.js';
import { testPlan } from '../src/test-helpers/plan.js';
import { startCollectorTarget } from './support/collector-target.js';
import type { IngestTarget } from './support/ingest-server.js';

const [engine] = testEngines();

describe('priorities end to end: queue full and collector down', () => {
  let target: IngestTarget;
  beforeAll(async () => {
    target = await startCollectorTarget(engine!, { plan: testPlan });
  });
  afterAll(async () => {
    await target?.close();
  });

  it('critical events survive eviction and reach raw.events first when the collector comes back', {
    timeout: 60_000,
  }, async () => {
    await target.stop();
    const backedUp: { ids: string[]; reason: DeadLetterReason }[] = [];
    const tracker = createTracker({
      plan: testPlan,
      endpoint: target.url,
      writeKey: target.writeKey,
      maxQueueEvents: 30,
      flushAt: 10,
      maxAttempts: 1000,
      backoff: { baseMs: 50, maxMs: 200 },
      onViolation: 'throw',
      onDeadLetter: (messages, reason) => backedUp.push({ ids: messages.map((m) => m.messageId), reason }),
    });
    const critical: string[] = [];
    const tracked: string[] = [];
    for (let n = 0; n < 120; n++) {
      const id =
        n % 6 === 0
          ? tracker.track('purchase', { sku: `s${n}`, price: n })
          : n % 2
            ? tracker.track('ping', { n })
            : tracker.track('level_up', { level: 1, character: 'mage' });
      if (n % 6 === 0) critical.push(id);
      tracked.push(id);
      if (n % 10 === 9) await delay(10);
    }
    const evicted = new Set(backedUp.flatMap((b) => b.ids));
    expect(evicted.size).toBeGreaterThanOrEqual(120 - 30);
    expect(critical.filter((id) => evicted.has(id))).toEqual([]);
    expect(backedUp.every((b) => b.reason.kind === 'queue_full')).toBe(true);

    await target.start();
    await tracker.flush();
    await tracker.close();
    const rows = (await target.storedMessages()).map((m) => m.messageId as string);
    // Everything tracked was delivered or handed to the backup, never both, never lost.
    expect(new Set([...rows, ...evicted])).toEqual(new Set(tracked));
    expect(rows.filter((id) => evicted.has(id))).toEqual([]);
    // raw.events is in ingestion order (seq): the 20 critical events come first.
    expect(rows.slice(0, critical.length).sort()).toEqual([...critical].sort());
    expect(rows.length).toBeGreaterThan(critical.length);
  });
});
