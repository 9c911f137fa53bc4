/** Small persistent state (anonymousId, session), injected: a file in Node, localStorage in browsers. */
export interface KeyValueStorage {
  get(key: string): string | undefined;
  set(key: string, value: string): void;
}

/** Storage that forgets everything when the process ends. */
export function memoryStorage(initial: Record<string, string> = {}): KeyValueStorage {
  const values = new Map(Object.entries(initial));
  return {
    get: (key) => values.get(key),
    set: (key, value) => {
      values.set(key, value);
    },
  };
}
