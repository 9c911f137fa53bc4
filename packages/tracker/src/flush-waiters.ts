import type { QueuedMessage } from './message.js';

interface Waiter {
  readonly watermark: number;
  remaining: number;
  readonly resolve: () => void;
}

/** `flush()` bookkeeping: each waiter waits for the messages queued up to its sequence number. */
export interface FlushWaiters {
  /** Resolves once `remaining` messages with `seq <= watermark` have settled. */
  wait(watermark: number, remaining: number): Promise<void>;
  /** Messages were acknowledged or handed to the backup. */
  settled(messages: readonly QueuedMessage[]): void;
}

export function createFlushWaiters(): FlushWaiters {
  const waiters = new Set<Waiter>();
  return {
    wait(watermark, remaining) {
      if (remaining <= 0) return Promise.resolve();
      return new Promise((resolve) => waiters.add({ watermark, remaining, resolve }));
    },
    settled(messages) {
      for (const waiter of waiters) {
        for (const message of messages) if (message.seq <= waiter.watermark) waiter.remaining--;
        if (waiter.remaining <= 0) {
          waiters.delete(waiter);
          waiter.resolve();
        }
      }
    },
  };
}
