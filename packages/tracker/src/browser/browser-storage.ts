import { type KeyValueStorage, memoryStorage } from '../key-value-storage.js';

/**
 * localStorage-backed key-value state; falls back to memory when localStorage is missing or
 * throws (private mode, disabled storage, quota).
 */
export function browserStorage(onWarning: (message: string, error?: unknown) => void): KeyValueStorage {
  const memory = memoryStorage();
  const local = typeof localStorage === 'undefined' ? undefined : localStorage;
  return {
    get(key) {
      try {
        return local?.getItem(key) ?? memory.get(key);
      } catch {
        return memory.get(key);
      }
    },
    set(key, value) {
      memory.set(key, value);
      try {
        local?.setItem(key, value);
      } catch (error) {
        onWarning(`@tributary/tracker: could not save ${key} in localStorage; keeping it in memory`, error);
      }
    },
  };
}
