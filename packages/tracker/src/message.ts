import type { Priority } from '@tributary/schema';

/** `context.library` of every message. */
export interface LibraryInfo {
  readonly name: string;
  readonly version: string;
}

/** Context every Tributary message carries; platforms add more (page, screen, locale, …). */
export interface MessageContext {
  readonly library: LibraryInfo;
  /** The event version (track messages only). */
  readonly eventVersion?: number;
  /** Rotates after the session timeout (30 minutes of inactivity by default). */
  readonly sessionId: string;
  /** 1 for the first session of this anonymousId, then 2, 3, … */
  readonly sessionIndex: number;
  readonly [key: string]: unknown;
}

interface MessageBase {
  readonly messageId: string;
  readonly anonymousId: string;
  readonly userId?: string;
  /** ISO 8601 time the call was made on the client. */
  readonly timestamp: string;
  readonly context: MessageContext;
}

export interface TrackMessage extends MessageBase {
  readonly type: 'track';
  readonly event: string;
  readonly properties: Readonly<Record<string, unknown>>;
}

export interface IdentifyMessage extends MessageBase {
  readonly type: 'identify';
  readonly traits: Readonly<Record<string, unknown>>;
}

export interface PageMessage extends MessageBase {
  readonly type: 'page';
  readonly name?: string;
  readonly properties: Readonly<Record<string, unknown>>;
}

export interface ScreenMessage extends MessageBase {
  readonly type: 'screen';
  readonly name: string;
  readonly properties: Readonly<Record<string, unknown>>;
}

/** A Segment-spec message as Tributary sends it (before `sentAt`, which is set per request). */
export type Message = TrackMessage | IdentifyMessage | PageMessage | ScreenMessage;

/**
 * A message waiting for delivery. `json` is the serialised message without `sentAt`, built once at
 * enqueue time so retries send the same bytes (and the same messageId).
 */
export interface QueuedMessage {
  readonly id: string;
  readonly priority: Priority;
  readonly json: string;
  /** UTF-8 size of `json`. */
  readonly bytes: number;
  /** Order of enqueueing in this process; `flush()` waits for everything up to a sequence number. */
  readonly seq: number;
  /** Failed delivery attempts so far. */
  attempts: number;
}

/** A message as persistence stores it: enough to rebuild a QueuedMessage in another process. */
export interface StoredMessage {
  readonly id: string;
  readonly priority: Priority;
  readonly json: string;
}
