import { batchBody } from './batch-body.js';
import type { Clock } from './clock.js';
import { type DeliveryOutcome, outcomeOfResponse } from './delivery-outcome.js';
import type { FetchLike } from './fetch-like.js';
import type { QueuedMessage } from './message.js';

export interface BatchSenderOptions {
  readonly fetch: FetchLike;
  readonly clock: Clock;
  readonly url: string;
  readonly writeKey: string;
  readonly writeKeyIn: 'header' | 'body';
  readonly requestTimeoutMs: number;
}

/** Sends batches over HTTP; `undefined` from `send` means the request was aborted by `abortAll`. */
export interface BatchSender {
  send(batch: readonly QueuedMessage[], keepalive?: boolean): Promise<DeliveryOutcome | undefined>;
  /** Aborts every request in flight (tracker close). */
  abortAll(): void;
}

const TEXT_PLAIN: Readonly<Record<string, string>> = { 'content-type': 'text/plain' };

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? `${error.message}: ${error.cause.message}` : error.message;
}

/**
 * POSTs Segment batches with a request timeout: the write key as Basic auth on a JSON body, or
 * (browsers) in a text/plain body, which is a CORS simple request. `sentAt` is stamped per attempt.
 */
export function createBatchSender(options: BatchSenderOptions): BatchSender {
  const inFlight = new Set<AbortController>();
  const keyInBody = options.writeKeyIn === 'body';
  const headers = keyInBody
    ? TEXT_PLAIN
    : { 'content-type': 'application/json', authorization: 'Basic ' + btoa(options.writeKey + ':') };
  return {
    async send(batch, keepalive = false) {
      const controller = new AbortController();
      let timedOut = false;
      const timer = options.clock.setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, options.requestTimeoutMs);
      inFlight.add(controller);
      try {
        const sentAt = new Date(options.clock.now()).toISOString();
        const response = await options.fetch(options.url, {
          method: 'POST',
          headers: { ...headers },
          body: batchBody(batch, sentAt, keyInBody ? options.writeKey : undefined),
          signal: controller.signal,
          ...(keepalive ? { keepalive } : {}),
        });
        const text = await response.text();
        return outcomeOfResponse(
          response.status,
          text,
          response.headers.get('retry-after'),
          options.clock.now(),
        );
      } catch (error) {
        if (timedOut)
          return { kind: 'retry', reason: { kind: 'timeout', afterMs: options.requestTimeoutMs } };
        if (controller.signal.aborted) return undefined;
        return { kind: 'retry', reason: { kind: 'network', message: describeError(error) } };
      } finally {
        options.clock.clearTimeout(timer);
        inFlight.delete(controller);
      }
    },
    abortAll() {
      for (const controller of inFlight) controller.abort();
    },
  };
}
