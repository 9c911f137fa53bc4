import { parseRetryAfter } from './backoff.js';

/** Why a batch could not be delivered (kept with dead letters, so nothing fails silently). */
export type FailureReason =
  | { readonly kind: 'network'; readonly message: string }
  | { readonly kind: 'timeout'; readonly afterMs: number }
  | { readonly kind: 'http'; readonly status: number; readonly body: string };

/** The result of one delivery attempt. */
export type DeliveryOutcome =
  | { readonly kind: 'acknowledged'; readonly status: number }
  | { readonly kind: 'retry'; readonly reason: FailureReason; readonly retryAfterMs?: number }
  | { readonly kind: 'rejected'; readonly reason: FailureReason };

type StatusClass = 'success' | 'retryable' | 'fatal';

/** 408 and 429 are the only 4xx a retry can fix; every 5xx may be transient. */
const RETRYABLE_4XX: ReadonlySet<number> = new Set([408, 429]);

function classifyStatus(status: number): StatusClass {
  if (status >= 200 && status < 300) return 'success';
  if (status >= 500 || RETRYABLE_4XX.has(status)) return 'retryable';
  return 'fatal';
}

const OUTCOME_OF: Readonly<
  Record<
    StatusClass,
    (status: number, body: string, retryAfter: string | null, now: number) => DeliveryOutcome
  >
> = {
  success: (status) => ({ kind: 'acknowledged', status }),
  retryable: (status, body, retryAfter, now) => {
    const retryAfterMs = parseRetryAfter(retryAfter, now);
    return {
      kind: 'retry',
      reason: { kind: 'http', status, body },
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    };
  },
  fatal: (status, body) => ({ kind: 'rejected', reason: { kind: 'http', status, body } }),
};

/**
 * Classifies an HTTP response: 2xx acknowledged; 5xx, 408 and 429 retried (with Retry-After when
 * given); any other status rejected without retry.
 */
export function outcomeOfResponse(
  status: number,
  body: string,
  retryAfter: string | null,
  now: number,
): DeliveryOutcome {
  return OUTCOME_OF[classifyStatus(status)](status, body, retryAfter, now);
}
