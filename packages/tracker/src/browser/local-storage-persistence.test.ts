import { describe, expect, it } from 'vitest';
import type { StoredMessage } from '../message.js';
import { localStoragePersistence } from './local-storage-persistence.js';

/** A Storage that throws QuotaExceededError past `quota` characters. */
function fakeStorage(quota = Infinity): Storage {
  const values = new Map<string, string>();
  return {
    get length() {
      return values.size;
    },
    clear: () => values.clear(),
    key: (index) => [...values.keys()][index] ?? null,
    getItem: (key) => values.get(key) ?? null,
    removeItem: (key) => void values.delete(key),
    setItem: (key, value) => {
      if (value.length > quota) throw new DOMException('quota', 'QuotaExceededError');
      values.set(key, value);
    },
  };
}

const message = (id: string, priority: StoredMessage['priority'] = 'normal'): StoredMessage => ({
  id,
  priority,
  json: JSON.stringify({ messageId: id, pad: 'x'.repeat(40) }),
});
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('localStoragePersistence', () => {
  it('persists appended messages until acknowledged and replays them in a new page', async () => {
    const storage = fakeStorage();
    const first = localStoragePersistence('q', () => {}, storage);
    first.append(message('a'));
    first.append(message('b', 'critical'));
    first.append(message('c'));
    first.ack(['a']);
    await tick();
    const second = localStoragePersistence('q', () => {}, storage);
    expect(await second.load()).toEqual([message('b', 'critical'), message('c')]);
  });

  it('on a quota error leaves low, then normal messages out of storage (they stay in memory) and warns', async () => {
    const storage = fakeStorage(330);
    const warnings: string[] = [];
    const persistence = localStoragePersistence('q', (m) => warnings.push(m), storage);
    persistence.append(message('c1', 'critical'));
    persistence.append(message('l1', 'low'));
    persistence.append(message('n1', 'normal'));
    persistence.append(message('l2', 'low'));
    persistence.append(message('c2', 'critical'));
    await tick();
    expect(warnings.some((w) => /quota exceeded/.test(w))).toBe(true);
    const saved = (await localStoragePersistence('q', () => {}, storage).load()).map((m) => m.id);
    // Critical messages are kept; low ones are left out first (oldest first), normal only after every low one.
    expect(saved).toContain('c1');
    expect(saved).toContain('c2');
    expect(saved).not.toContain('l1');
    if (!saved.includes('n1')) expect(saved.filter((id) => id.startsWith('l'))).toEqual([]);
    expect(saved.length).toBeLessThan(5);
  });

  it('ignores an unreadable entry with a warning', async () => {
    const storage = fakeStorage();
    storage.setItem('q', '{not json');
    const warnings: string[] = [];
    expect(await localStoragePersistence('q', (m) => warnings.push(m), storage).load()).toEqual([]);
    expect(warnings[0]).toMatch(/unreadable/);
  });
});
