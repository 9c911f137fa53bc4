import { describe, expect, it } from 'vitest';
import { memoryStorage } from './key-value-storage.js';
import { createSessionClock, persistedAnonymousId } from './session.js';

const MINUTE = 60_000;

function ids() {
  let n = 0;
  return () => `s${++n}`;
}

describe('createSessionClock', () => {
  it('keeps the session while active and rotates after the inactivity timeout, incrementing the index', () => {
    const session = createSessionClock({ storage: memoryStorage(), timeoutMs: 30 * MINUTE, newId: ids() });
    const t0 = 1_000_000;
    expect(session(t0)).toEqual({ sessionId: 's1', sessionIndex: 1 });
    // Activity every 20 minutes keeps one session alive for an hour.
    expect(session(t0 + 20 * MINUTE)).toEqual({ sessionId: 's1', sessionIndex: 1 });
    expect(session(t0 + 40 * MINUTE)).toEqual({ sessionId: 's1', sessionIndex: 1 });
    expect(session(t0 + 70 * MINUTE)).toEqual({ sessionId: 's1', sessionIndex: 1 });
    // Exactly the timeout is still the same session; one millisecond more is a new one.
    expect(session(t0 + 100 * MINUTE)).toEqual({ sessionId: 's1', sessionIndex: 1 });
    expect(session(t0 + 130 * MINUTE + 1)).toEqual({ sessionId: 's2', sessionIndex: 2 });
  });

  it('honours a configured timeout', () => {
    const session = createSessionClock({ storage: memoryStorage(), timeoutMs: 5 * MINUTE, newId: ids() });
    session(0);
    expect(session(6 * MINUTE).sessionIndex).toBe(2);
  });

  it('continues the session and index from storage (reload / restart)', () => {
    const storage = memoryStorage();
    const first = createSessionClock({ storage, timeoutMs: 30 * MINUTE, newId: ids() });
    first(0);
    first(31 * MINUTE);
    first(40 * MINUTE);
    const second = createSessionClock({ storage, timeoutMs: 30 * MINUTE, newId: () => 'other' });
    expect(second(60 * MINUTE)).toEqual({ sessionId: 's2', sessionIndex: 2 });
    expect(second(200 * MINUTE)).toEqual({ sessionId: 'other', sessionIndex: 3 });
  });
});

describe('persistedAnonymousId', () => {
  it('creates the id once and reads it back afterwards', () => {
    const storage = memoryStorage();
    expect(persistedAnonymousId(storage, () => 'a1')).toBe('a1');
    expect(persistedAnonymousId(storage, () => 'a2')).toBe('a1');
  });
});
