import type { KeyValueStorage } from './key-value-storage.js';

/** The session a message belongs to: `context.sessionId` and `context.sessionIndex`. */
export interface SessionStamp {
  readonly sessionId: string;
  readonly sessionIndex: number;
}

interface SessionState {
  readonly id: string;
  readonly index: number;
  readonly lastActivity: number;
}

export interface SessionOptions {
  readonly storage: KeyValueStorage;
  readonly timeoutMs: number;
  readonly newId: () => string;
  /** Storage key; one session per tracker and storage. */
  readonly key?: string;
}

/** Returns the session for activity at `now`, starting a new one after `timeoutMs` of inactivity. */
export type SessionClock = (now: number) => SessionStamp;

/**
 * Creates the session tracker. The state (id, index, last activity) is kept in storage so a page
 * reload or process restart continues the session; last activity is written at most every
 * `timeoutMs / 30` (a minute with the default timeout), so a restart may extend a session by that much.
 */
export function createSessionClock(options: SessionOptions): SessionClock {
  const key = options.key ?? 'tributary.session';
  const persistEveryMs = Math.max(1, Math.floor(options.timeoutMs / 30));
  let state = readState(options.storage.get(key));
  let persistedActivity = state?.lastActivity ?? -Infinity;
  let stamp: SessionStamp | undefined = state
    ? { sessionId: state.id, sessionIndex: state.index }
    : undefined;

  const persist = (next: SessionState) => {
    options.storage.set(key, JSON.stringify(next));
    persistedActivity = next.lastActivity;
  };

  return (now) => {
    if (state === undefined || stamp === undefined || now - state.lastActivity > options.timeoutMs) {
      state = { id: options.newId(), index: (state?.index ?? 0) + 1, lastActivity: now };
      stamp = { sessionId: state.id, sessionIndex: state.index };
      persist(state);
      return stamp;
    }
    if (now > state.lastActivity) {
      state = { id: state.id, index: state.index, lastActivity: now };
      if (now - persistedActivity >= persistEveryMs) persist(state);
    }
    return stamp;
  };
}

function readState(text: string | undefined): SessionState | undefined {
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as Partial<SessionState>;
    if (
      typeof value.id === 'string' &&
      typeof value.index === 'number' &&
      typeof value.lastActivity === 'number'
    ) {
      return { id: value.id, index: value.index, lastActivity: value.lastActivity };
    }
  } catch {
    // A corrupt entry starts a fresh session rather than failing tracking.
  }
  return undefined;
}

/** The persisted anonymous id, created on first use. */
export function persistedAnonymousId(
  storage: KeyValueStorage,
  newId: () => string,
  key = 'tributary.anonymousId',
): string {
  const existing = storage.get(key);
  if (existing !== undefined && existing !== '') return existing;
  const created = newId();
  storage.set(key, created);
  return created;
}
