import type { Priority } from '@tributary/schema';
import type { StoredMessage } from '../message.js';
import type { Persistence } from '../persistence.js';

/**
 * Persists queued messages under one localStorage key (the fallback when IndexedDB is missing).
 * The entry is rewritten once per task; on a quota error the oldest low, then normal messages are
 * left out of storage (they stay queued in memory) until the entry fits.
 */
export function localStoragePersistence(
  key: string,
  onWarning: (message: string, error?: unknown) => void,
  storage: Storage = localStorage,
): Persistence {
  const live = new Map<string, StoredMessage>();
  try {
    const saved = JSON.parse(storage.getItem(key) ?? '[]') as [string, Priority, string][];
    for (const [id, priority, json] of saved) live.set(id, { id, priority, json });
  } catch (error) {
    onWarning(`@tributary/tracker: unreadable localStorage entry ${key} ignored`, error);
  }
  const replay = [...live.values()];
  let scheduled = false;

  const save = () => {
    scheduled = false;
    let entries = [...live.values()];
    for (;;) {
      try {
        storage.setItem(key, JSON.stringify(entries.map((m) => [m.id, m.priority, m.json])));
        return;
      } catch (error) {
        const victim = entries.findIndex((m) => m.priority === 'low');
        const index = victim >= 0 ? victim : entries.findIndex((m) => m.priority === 'normal');
        if (index < 0 || entries.length === 0) {
          onWarning(
            '@tributary/tracker: localStorage is full; queued messages are kept in memory only',
            error,
          );
          return;
        }
        onWarning(
          '@tributary/tracker: localStorage quota exceeded; a lower-priority message is kept in memory only',
          error,
        );
        entries = entries.filter((_, i) => i !== index);
      }
    }
  };
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    queueMicrotask(save);
  };

  return {
    durable: true,
    load: async () => replay,
    append(message) {
      live.set(message.id, message);
      schedule();
    },
    ack(ids) {
      for (const id of ids) live.delete(id);
      schedule();
    },
    async close() {
      if (scheduled) save();
    },
  };
}
