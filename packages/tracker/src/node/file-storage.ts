import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { KeyValueStorage } from '../key-value-storage.js';

/** Key-value state in one JSON file (anonymousId, session), rewritten atomically on change. */
export function fileStorage(path: string): KeyValueStorage {
  let values: Record<string, string> = {};
  try {
    values = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    // Missing or unreadable state starts fresh: a new anonymousId and session.
  }
  return {
    get: (key) => values[key],
    set(key, value) {
      values = { ...values, [key]: value };
      writeFileSync(`${path}.tmp`, JSON.stringify(values));
      renameSync(`${path}.tmp`, path);
    },
  };
}
