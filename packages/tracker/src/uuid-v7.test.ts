import { describe, expect, it } from 'vitest';
import { createUuidV7, UUID_V7_PATTERN, uuidV7Time } from './uuid-v7.js';

function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 0x100000000;
  };
}

describe('createUuidV7', () => {
  it('produces RFC 9562 version 7 ids with the variant bits and the timestamp', () => {
    const at = Date.UTC(2026, 10, 29, 12, 0, 0, 123);
    const next = createUuidV7(() => at, seededRandom(1));
    for (let i = 0; i < 200; i++) {
      const id = next();
      expect(id).toMatch(UUID_V7_PATTERN);
      expect(uuidV7Time(id)).toBe(at);
    }
  });

  it('is strictly increasing within a millisecond, across milliseconds and when the clock steps back', () => {
    let now = 1_700_000_000_000;
    const times = [0, 0, 0, 1, 1, -5, -5, 2, 0, 3];
    const next = createUuidV7(() => now, seededRandom(7));
    const ids: string[] = [];
    for (const step of times) {
      now += step;
      for (let i = 0; i < 500; i++) ids.push(next());
    }
    const sorted = [...ids].sort();
    expect(sorted).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('moves to the next millisecond when the 12-bit counter overflows', () => {
    const next = createUuidV7(
      () => 1000,
      () => 0.999,
    );
    const ids = Array.from({ length: 5000 }, () => next());
    expect(uuidV7Time(ids[0]!)).toBe(1000);
    expect(uuidV7Time(ids.at(-1)!)).toBeGreaterThan(1000);
    expect([...ids].sort()).toEqual(ids);
  });

  it('uses the injected randomness (different seeds give different ids)', () => {
    const a = createUuidV7(() => 5, seededRandom(1))();
    const b = createUuidV7(() => 5, seededRandom(2))();
    expect(a).not.toBe(b);
    expect(a.slice(0, 13)).toBe(b.slice(0, 13));
  });
});
