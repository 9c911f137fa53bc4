import type { StoredMessage } from './message.js';

/**
 * Where messages wait until they are acknowledged, so they survive a crash or a page close:
 * an append-only journal in Node, IndexedDB or localStorage in browsers.
 */
export interface Persistence {
  /** True when stored messages survive the process/page (then close() leaves undelivered ones there). */
  readonly durable: boolean;
  /** Messages stored by an earlier process or page and not yet acknowledged. */
  load(): Promise<readonly StoredMessage[]>;
  /** Records an accepted message; must not throw (report problems through `onError`). */
  append(message: StoredMessage): void;
  /** Records that messages were acknowledged or handed to the backup. */
  ack(ids: readonly string[]): void;
  /** Rewrites storage to hold only `live`; called after many acks. Optional. */
  compact?(live: readonly StoredMessage[]): void;
  /** Waits for pending writes and releases the storage. */
  close(): Promise<void>;
}

/** No persistence: messages live only in memory (the default without a journal directory). */
export const memoryPersistence = (): Persistence => ({
  durable: false,
  load: async () => [],
  append: () => {},
  ack: () => {},
  close: async () => {},
});
