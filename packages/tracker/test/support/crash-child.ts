import { openSync, writeSync } from 'node:fs';
import { createTracker } from '../../src/index.js';
import { testPlan } from '../../src/test-helpers/plan.js';

/**
 * A tracker process for the crash test. MODE=track: tracks events forever and appends each
 * messageId to IDS_FILE after track() returns (the parent SIGKILLs it mid-stream). The file, not
 * stdout: a write to a full stdout pipe is queued inside the process and lost with it, so ids of
 * tracked events would be missing; a file write is in the kernel when it returns. MODE=drain:
 * opens the same journal, delivers whatever was left and exits.
 */
const tracker = createTracker({
  plan: testPlan,
  endpoint: process.env.ENDPOINT!,
  writeKey: process.env.WRITE_KEY!,
  journalDir: process.env.JOURNAL_DIR!,
  flushAt: 50,
  flushIntervalMs: 20,
  maxQueueEvents: 1_000_000,
  backoff: { baseMs: 20, maxMs: 200 },
  maxAttempts: 1000,
  compactAfterAcks: 500,
  onViolation: 'throw',
});

if (process.env.MODE === 'drain') {
  await tracker.ready;
  process.stdout.write(`replayed ${tracker.queuedCount}\n`);
  await tracker.close();
  process.stdout.write('done\n');
} else {
  const ids = openSync(process.env.IDS_FILE!, 'a');
  let n = 0;
  for (;;) {
    for (let i = 0; i < 20; i++) {
      n++;
      const id =
        n % 7 === 0
          ? tracker.track('purchase', { sku: `sku-${n}`, price: n })
          : tracker.track('level_up', { level: (n % 50) + 1, character: 'mage' });
      writeSync(ids, `${id}\n`);
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}
