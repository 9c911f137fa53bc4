import { CollectorError } from '../errors/collector-error.js';
import type { EventRow, RejectedRow } from '../messages/prepare-message.js';
import type { FlushSettings } from '../options.js';
import { isConnectionError } from '@tributary/warehouse';

/** What one request asks the writer to store. */
export interface WriteRequest {
  readonly source: string;
  readonly receivedAt: Date;
  readonly events: readonly EventRow[];
  readonly rejected: readonly RejectedRow[];
}

/** Per event of the request, in order: `true` stored now, `false` a duplicate of a message id its source stored. */
export interface WriteResult {
  readonly stored: readonly boolean[];
}

/**
 * Stores one flush atomically (all of it or nothing) and tells, per request, which events were new:
 * the first occurrence of a (source, message id) not yet stored is; later ones and stored pairs are
 * duplicates (message ids are unique per source: another source's id is not a duplicate).
 * `statementFlush` (any engine) and `copyFlush` (PostgreSQL) implement it.
 */
export type FlushStore = (requests: readonly WriteRequest[]) => Promise<WriteResult[]>;

/** Hooks for metrics and logs. */
export interface WriterObserver {
  flushed?(info: {
    readonly requests: number;
    readonly events: number;
    readonly inserted: number;
    readonly ms: number;
  }): void;
  failed?(error: unknown, requests: number): void;
}

interface Pending {
  readonly request: WriteRequest;
  readonly resolve: (result: WriteResult) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Micro-batches writes from concurrent requests: commits when `maxEvents` events are pending or
 * `maxWaitMs` after the first one, through a `FlushStore` (events, rejected messages, and a NOTIFY
 * with the highest new seq, atomically). Up to `maxConcurrent` flushes overlap (preparing one while
 * another inserts); the stores' advisory lock keeps `seq` order equal to commit order, which the
 * ETL's watermark relies on. A request's promise settles only after that commit: resolved with which events were new,
 * or rejected with a 503 `CollectorError` when the database is unreachable (nothing was written).
 * A non-connection failure is retried request by request, so one bad request cannot fail others.
 */
export class BatchWriter {
  #queue: Pending[] = [];
  #queuedEvents = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #inFlight = new Set<Promise<void>>();
  #closed = false;
  #draining = false;

  constructor(
    private readonly store: FlushStore,
    private readonly settings: FlushSettings,
    private readonly observer: WriterObserver = {},
  ) {}

  /** Events (and rejected messages) waiting for the next commit. */
  get pending(): number {
    return this.#queuedEvents;
  }

  /** Queues a request's rows; resolves after they are committed. */
  write(request: WriteRequest): Promise<WriteResult> {
    if (this.#closed)
      return Promise.reject(
        new CollectorError('shutting_down', 'The collector is shutting down; retry shortly.'),
      );
    if (request.events.length === 0 && request.rejected.length === 0) return Promise.resolve({ stored: [] });
    return new Promise<WriteResult>((resolve, reject) => {
      this.#queue.push({ request, resolve, reject });
      this.#queuedEvents += request.events.length + request.rejected.length;
      this.#schedule();
    });
  }

  /** Commits everything queued so far. */
  async flush(): Promise<void> {
    while (this.#queue.length > 0 || this.#inFlight.size > 0) {
      if (this.#queue.length > 0 && this.#inFlight.size < this.settings.maxConcurrent) this.#startFlush();
      else await Promise.race(this.#inFlight);
    }
  }

  /** Shutdown has begun: commit what is queued and every later write at once (no timer wait). */
  async drain(): Promise<void> {
    this.#draining = true;
    await this.flush();
  }

  /** Stops accepting writes and commits what is queued. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.flush();
  }

  #schedule(): void {
    const busy = this.#inFlight.size;
    if (busy >= this.settings.maxConcurrent) return;
    const full = this.#draining || this.#queuedEvents >= this.settings.maxEvents;
    // While a flush runs, only a full batch starts another: small overlapping flushes cost more.
    if (full) this.#startFlush();
    else if (busy === 0) this.#timer ??= setTimeout(() => this.#startFlush(), this.settings.maxWaitMs);
  }

  #startFlush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#inFlight.size >= this.settings.maxConcurrent || this.#queue.length === 0) return;
    const batch = this.#take();
    const flushing: Promise<void> = this.#commit(batch).finally(() => {
      this.#inFlight.delete(flushing);
      if (this.#queue.length > 0) this.#schedule();
    });
    this.#inFlight.add(flushing);
  }

  /** Takes queued requests up to `maxEvents` rows (at least one request). */
  #take(): Pending[] {
    let rows = 0;
    let count = 0;
    for (const item of this.#queue) {
      if (count > 0 && rows >= this.settings.maxEvents) break;
      rows += item.request.events.length + item.request.rejected.length;
      count++;
    }
    const batch = this.#queue.splice(0, count);
    this.#queuedEvents -= rows;
    return batch;
  }

  async #commit(batch: Pending[]): Promise<void> {
    const started = performance.now();
    try {
      const results = await this.store(batch.map((item) => item.request));
      const inserted = results.reduce((sum, result) => sum + result.stored.filter(Boolean).length, 0);
      this.observer.flushed?.({
        requests: batch.length,
        events: batch.reduce((sum, item) => sum + item.request.events.length, 0),
        inserted,
        ms: performance.now() - started,
      });
      batch.forEach((item, index) => {
        item.resolve(results[index] as WriteResult);
      });
    } catch (error) {
      this.observer.failed?.(error, batch.length);
      if (isConnectionError(error) || batch.length === 1) {
        for (const item of batch) item.reject(toCollectorError(error));
        return;
      }
      for (const item of batch) {
        try {
          const [result] = await this.store([item.request]);
          item.resolve(result as WriteResult);
        } catch (single) {
          this.observer.failed?.(single, 1);
          item.reject(toCollectorError(single));
        }
      }
    }
  }
}

function toCollectorError(error: unknown): CollectorError {
  if (error instanceof CollectorError) return error;
  return isConnectionError(error)
    ? new CollectorError(
        'database_unavailable',
        'The database is unavailable; nothing was stored. Retry after the delay in Retry-After.',
      )
    : new CollectorError(
        'internal_error',
        'The events could not be stored; nothing was stored. Retry later.',
      );
}
