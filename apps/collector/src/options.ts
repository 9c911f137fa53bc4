import type { BrokerConfig } from '@tributary/jetstream';
import type { PlanDocument } from '@tributary/schema';
import type { Warehouse } from '@tributary/warehouse';
import type { Logger } from 'pino';

/** One sending application: its write key is stored only as a SHA-256 hash. */
export interface SourceConfig {
  readonly name: string;
  /** `hashKey(writeKey)`: lowercase SHA-256 hex of the key. */
  readonly writeKeyHash: string;
  /** A disabled source gets 403 (default true). */
  readonly enabled?: boolean;
  /** Browser origins allowed to send with this key (`*` for any); none by default. */
  readonly corsOrigins?: readonly string[];
}

/** Size and shape limits; every one is configurable. */
export interface CollectorLimits {
  /** Request body bytes as sent (default 500 KiB). */
  readonly maxBodyBytes: number;
  /** Body bytes after gzip decompression (default: maxBodyBytes). */
  readonly maxDecompressedBytes: number;
  /** One event, serialised as JSON (default 32 KiB). */
  readonly maxEventBytes: number;
  /** Events in one batch (default 2,500). */
  readonly maxBatchEvents: number;
  /** JSON nesting depth of the body (default 32). */
  readonly maxDepth: number;
}

/** When the shared writer commits: at `maxEvents` pending events or `maxWaitMs` after the first. */
export interface FlushSettings {
  readonly maxEvents: number;
  readonly maxWaitMs: number;
  /** Flushes in flight at once (default 2: the next flush is sent while one commits; the lock keeps commit order). */
  readonly maxConcurrent: number;
}

/** How `context.ip` is anonymised: `none`, or zero the host part (IPv4 last octet, IPv6 last 80 bits). */
export type IpAnonymization = 'none' | 'truncate';

/** Options of `createCollector`. */
export interface CollectorOptions {
  readonly plan: PlanDocument;
  /** An open warehouse handle (owned by the caller) or a URL the collector connects to and closes. */
  readonly warehouse: Warehouse | string;
  readonly sources: readonly SourceConfig[];
  /** `hashKey(adminKey)`; without it /metrics is closed (401). */
  readonly adminKeyHash?: string;
  readonly limits?: Partial<CollectorLimits>;
  readonly flush?: Partial<FlushSettings>;
  readonly ipAnonymization?: IpAnonymization;
  /** Use the first `X-Forwarded-For` address as the client IP (only behind a trusted proxy). */
  readonly trustProxy?: boolean;
  /** Seconds in the `Retry-After` header of a 503 (default 1). */
  readonly retryAfterSeconds?: number;
  readonly logger?: Logger;
  readonly clock?: () => Date;
  /** Fills missing `messageId`s and request ids (default `crypto.randomUUID`). */
  readonly generateId?: () => string;
  /**
   * Publish to NATS JetStream instead of writing to the database: `{ url: 'nats://…', stream?,
   * subjectPrefix?, publishTimeoutMs? }`. Requests are answered after JetStream acknowledged
   * every message; `tributary load` moves them into raw.events / raw.rejected. Without it (the
   * default) the collector commits to `warehouse` itself.
   */
  readonly broker?: BrokerConfig & { readonly publishTimeoutMs?: number };
  /**
   * The address browsers reach the collector at (`https://collect.example.com`, a path prefix
   * allowed): the `apiHost` of the settings document analytics.js loads. Without it the request's
   * Host header is used only when it is in `allowedHosts`, or, with no list, a loopback host.
   */
  readonly publicUrl?: string;
  /** Host headers the settings document may name when `publicUrl` is not set: `name` (any port) or `name:port`. */
  readonly allowedHosts?: readonly string[];
}

/** Default limits (Segment's documented ones). */
export const DEFAULT_LIMITS: CollectorLimits = {
  maxBodyBytes: 500 * 1024,
  maxDecompressedBytes: 500 * 1024,
  maxEventBytes: 32 * 1024,
  maxBatchEvents: 2500,
  maxDepth: 32,
};

/** Default flush settings. */
export const DEFAULT_FLUSH: FlushSettings = { maxEvents: 500, maxWaitMs: 5, maxConcurrent: 2 };

/** The limits with defaults filled in (`maxDecompressedBytes` follows `maxBodyBytes` unless set). */
export function resolveLimits(limits: Partial<CollectorLimits> = {}): CollectorLimits {
  const maxBodyBytes = limits.maxBodyBytes ?? DEFAULT_LIMITS.maxBodyBytes;
  return {
    ...DEFAULT_LIMITS,
    ...limits,
    maxBodyBytes,
    maxDecompressedBytes: limits.maxDecompressedBytes ?? maxBodyBytes,
  };
}
