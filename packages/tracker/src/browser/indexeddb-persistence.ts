import type { StoredMessage } from '../message.js';
import type { Persistence } from '../persistence.js';

type Operation = { readonly put: StoredMessage } | { readonly delete: string };

function promised<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/**
 * Persists queued messages in IndexedDB (database `name`, store `messages` keyed by id). Writes are
 * grouped into one transaction per task. A quota error is reported through `onWarning` and the
 * messages stay in memory (they are still sent while the page lives).
 */
export function indexedDbPersistence(
  name: string,
  onWarning: (message: string, error?: unknown) => void,
  factory: IDBFactory = indexedDB,
): Persistence {
  const opening = new Promise<IDBDatabase>((resolve, reject) => {
    const request = factory.open(name, 1);
    request.onupgradeneeded = () => request.result.createObjectStore('messages', { keyPath: 'id' });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  let pending: Operation[] = [];
  let scheduled = false;
  let writes = Promise.resolve();

  const writeBatch = async (operations: readonly Operation[]) => {
    const db = await opening;
    await new Promise<void>((resolve) => {
      const tx = db.transaction('messages', 'readwrite');
      const store = tx.objectStore('messages');
      for (const op of operations) {
        if ('put' in op) store.put(op.put);
        else store.delete(op.delete);
      }
      tx.oncomplete = () => resolve();
      tx.onabort = () => {
        const error = tx.error;
        const quota = error?.name === 'QuotaExceededError';
        onWarning(
          quota
            ? `@tributary/tracker: IndexedDB quota exceeded; ${operations.length} changes kept in memory only`
            : '@tributary/tracker: IndexedDB write failed; messages kept in memory only',
          error,
        );
        resolve();
      };
    });
  };

  const schedule = (op: Operation) => {
    pending.push(op);
    if (scheduled) return;
    scheduled = true;
    queueMicrotask(() => {
      scheduled = false;
      const operations = pending;
      pending = [];
      writes = writes
        .then(() => writeBatch(operations))
        .catch((error) => onWarning('@tributary/tracker: IndexedDB unavailable', error));
    });
  };

  return {
    durable: true,
    async load() {
      const db = await opening;
      return promised(db.transaction('messages', 'readonly').objectStore('messages').getAll()) as Promise<
        StoredMessage[]
      >;
    },
    append: (message) =>
      schedule({ put: { id: message.id, priority: message.priority, json: message.json } }),
    ack: (ids) => {
      for (const id of ids) schedule({ delete: id });
    },
    async close() {
      await new Promise<void>((resolve) => queueMicrotask(resolve));
      await writes;
      (await opening).close();
    },
  };
}
