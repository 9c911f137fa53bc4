import { setTimeout as delay } from 'node:timers/promises';
import { testEngines } from '@tributary/warehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeadLetterReason } from '../src/index.js';
import { createTracker } from '../src/index.js';
import { testPlan } from '../src/test-helpers/plan.js';
import { startCollectorTarget } from './support/collector-target.js';
import { type FaultProxy, seededFaults, startFaultProxy } from './support/fault-proxy.js';
import type { IngestTarget } from './support/ingest-server.js';

/** Events to send: TRIBUTARY_TRACKER_E2E_N (default and CI: 20,000; recorded once with 100,000). */
const N = Number(process.env.TRIBUTARY_TRACKER_E2E_N ?? 20_000);

describe.each(testEngines())(
  `fault-injection end to end through the collector (${N} events) on $kind`,
  (engine) => {
    let target: IngestTarget;
    let proxy: FaultProxy;

    beforeAll(async () => {
      target = await startCollectorTarget(engine, { plan: testPlan });
      proxy = await startFaultProxy({
        target: () => target.url,
        chooseFault: seededFaults(2026, {
          http500: 0.08,
          http429: 0.05,
          reset_before: 0.04,
          reset_after: 0.04,
          stall: 0.03,
        }),
        stallMs: 2500,
        retryAfterSeconds: 1,
      });
    });
    afterAll(async () => {
      await proxy?.close();
      await target?.close();
    });

    it('raw.events holds exactly N distinct messageIds after 500s, 429s, resets, stalls and two collector restarts', {
      timeout: Math.max(120_000, N * 6),
    }, async () => {
      const deadLetters: { ids: string[]; reason: DeadLetterReason }[] = [];
      const tracker = createTracker({
        plan: testPlan,
        endpoint: proxy.url,
        writeKey: target.writeKey,
        flushAt: 250,
        flushIntervalMs: 50,
        maxConcurrentRequests: 2,
        maxQueueEvents: N + 1000,
        maxQueueBytes: 1 << 30,
        maxAttempts: 10_000,
        backoff: { baseMs: 50, maxMs: 1000 },
        requestTimeoutMs: 4000,
        onViolation: 'throw',
        onDeadLetter: (messages, reason) =>
          deadLetters.push({ ids: messages.map((m) => m.messageId), reason }),
      });
      const tracked = new Set<string>();
      const restartAt = new Set([Math.floor(N / 3), Math.floor((2 * N) / 3)]);
      let restarts = Promise.resolve();
      for (let n = 0; n < N; n++) {
        const id =
          n % 10 === 0
            ? tracker.track('purchase', { sku: `sku-${n}`, price: n })
            : n % 10 === 1
              ? tracker.track('ping', { n })
              : tracker.track('level_up', { level: (n % 99) + 1, character: n % 2 ? 'mage' : 'knight' });
        tracked.add(id);
        if (restartAt.has(n)) {
          // The collector shuts down and is away for 1.5 s (the proxy answers 503 + Retry-After meanwhile).
          restarts = restarts
            .then(() => target.stop())
            .then(() => delay(1500))
            .then(() => target.start());
        }
        // Track at a steady pace so that both restarts happen while events are flowing.
        if (n % 200 === 199) await delay(N <= 20_000 ? 20 : 5);
      }
      await restarts;
      await tracker.flush();
      await tracker.close();

      console.log(
        `fault-injection e2e (${engine.kind}): N=${N}, faults=${JSON.stringify(proxy.counts)}, duplicates absorbed=${proxy.duplicates()}`,
      );
      expect(deadLetters).toEqual([]);
      expect(tracked.size).toBe(N);
      expect(await target.rejected()).toEqual([]);
      const stored = await target.storedIds();
      expect(stored.size).toBe(N);
      expect(await target.storedCount()).toBe(N);
      expect([...tracked].every((id) => stored.has(id))).toBe(true);
      // Every fault kind happened, and requests met the collector while it was down.
      for (const fault of [
        'http500',
        'http429',
        'reset_before',
        'reset_after',
        'stall',
        'upstream_down',
      ] as const) {
        expect(proxy.counts[fault], fault).toBeGreaterThan(0);
      }
      // Batches stored before a reset were sent again and absorbed as duplicates.
      expect(proxy.duplicates()).toBeGreaterThan(0);
    });
  },
);
