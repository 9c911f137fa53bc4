import type { Priority } from '@tributary/schema';
import { backoffDelay } from './backoff.js';
import { MAX_MESSAGE_BYTES, payloadBudget } from './batch-body.js';
import type { BatchSender } from './batch-sender.js';
import type { Clock, TimerHandle } from './clock.js';
import { type DeadLetterHandler, type DeadLetterReason, describeDeadLetter } from './dead-letter.js';
import type { DeliveryOutcome } from './delivery-outcome.js';
import type { DeliverySettings } from './delivery-settings.js';
import { createFlushWaiters } from './flush-waiters.js';
import type { Message, QueuedMessage, StoredMessage } from './message.js';
import { createMessageQueue } from './message-queue.js';
import type { Persistence } from './persistence.js';
import type { Random } from './uuid-v7.js';

export interface DeliveryDeps {
  readonly settings: DeliverySettings;
  readonly clock: Clock;
  readonly random: Random;
  readonly sender: BatchSender;
  readonly persistence: Persistence;
  readonly onDeadLetter: DeadLetterHandler | undefined;
  readonly warn: (message: string, error?: unknown) => void;
}

/** Lifecycle: open → closing (flushing) → closed. */
type State = 'open' | 'closing' | 'closed';

/**
 * The delivery engine behind a tracker: the bounded priority queue, persistence, delivery
 * workers with backoff, settlement of outcomes, the backup and `flush()` bookkeeping.
 */
export class Delivery {
  private readonly queue;
  private readonly waiters = createFlushWaiters();
  private readonly sleepers = new Map<TimerHandle, () => void>();
  private seq = 0;
  private activeWorkers = 0;
  private consecutiveFailures = 0;
  private notBefore = 0;
  private acksSinceCompaction = 0;
  private intervalTimer: TimerHandle | undefined;
  private state: State = 'open';
  /** Send partial batches until the queue is empty (set by flush, the interval timer, critical events and retries). */
  private draining = false;

  constructor(private readonly deps: DeliveryDeps) {
    this.queue = createMessageQueue({
      maxEvents: deps.settings.maxQueueEvents,
      maxBytes: deps.settings.maxQueueBytes,
    });
  }

  get closed(): boolean {
    return this.state === 'closed';
  }

  /** Messages queued or in flight. */
  get size(): number {
    return this.queue.size;
  }

  /** Queues a serialised message (or hands it to the backup when it is too large or the queue is full). */
  accept(id: string, priority: Priority, json: string, bytes: number): void {
    const queued: QueuedMessage = { id, priority, json, bytes, seq: ++this.seq, attempts: 0 };
    if (bytes > MAX_MESSAGE_BYTES) {
      this.deadLetter([queued], { kind: 'message_too_large', bytes, limit: MAX_MESSAGE_BYTES }, false);
      return;
    }
    const result = this.queue.enqueue(queued);
    if (result.evicted.length > 0) this.deadLetter(result.evicted, this.queueFullReason());
    if (result.kind === 'refused') {
      this.deadLetter([queued], this.queueFullReason(), false);
      return;
    }
    this.deps.persistence.append({ id, priority, json });
    this.schedule(priority);
  }

  /** Re-queues messages an earlier process or page persisted and did not get acknowledged. */
  async replay(utf8Bytes: (text: string) => number): Promise<void> {
    let stored: readonly StoredMessage[];
    try {
      stored = await this.deps.persistence.load();
    } catch (error) {
      this.deps.warn('@tributary/tracker: could not read persisted messages', error);
      return;
    }
    for (const message of stored) {
      const result = this.queue.restore({
        ...message,
        bytes: utf8Bytes(message.json),
        seq: ++this.seq,
        attempts: 0,
      });
      if (result.evicted.length > 0) this.deadLetter(result.evicted, this.queueFullReason());
    }
    this.deps.persistence.compact?.(this.queue.all().map(toStored));
    if (stored.length > 0) this.drain();
  }

  /** Resolves when every message queued so far is acknowledged or handed to the backup. */
  flush(): Promise<void> {
    const done = this.waiters.wait(this.seq, this.queue.size);
    if (this.queue.size > 0) this.drain();
    return done;
  }

  /** Flushes (up to `timeoutMs`), stops timers and workers and closes persistence. */
  async close(timeoutMs: number | undefined): Promise<void> {
    if (this.state !== 'open') return;
    this.state = 'closing';
    const flushed = this.flush();
    if (timeoutMs === undefined) await flushed;
    else {
      let timer: TimerHandle | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = this.deps.clock.setTimeout(resolve, timeoutMs);
      });
      await Promise.race([flushed, timeout]);
      this.deps.clock.clearTimeout(timer);
    }
    this.state = 'closed';
    this.clearIntervalTimer();
    for (const [handle, wake] of this.sleepers) {
      this.deps.clock.clearTimeout(handle);
      wake();
    }
    this.sleepers.clear();
    this.deps.sender.abortAll();
    const left = this.queue.all();
    if (left.length > 0 && !this.deps.persistence.durable) {
      this.queue.drainPending();
      this.deadLetter(left, {
        kind: 'closed',
        detail: `close() timed out after ${timeoutMs} ms with ${left.length} messages undelivered`,
      });
    }
    await this.deps.persistence.close();
  }

  /** One keepalive request with the most urgent pending messages (page hide); returns the count. */
  sendBeforeUnload(maxBodyBytes: number): number {
    if (this.state === 'closed' || this.queue.pendingCount === 0) return 0;
    const { flushAt, keyBytes } = this.deps.settings;
    const batch = this.queue.takeBatch(flushAt, payloadBudget(maxBodyBytes - keyBytes, flushAt));
    void this.deps.sender.send(batch, true).then((outcome) => this.settle(batch, outcome));
    return batch.length;
  }

  private queueFullReason(): DeadLetterReason {
    return { kind: 'queue_full', queuedEvents: this.queue.size, queuedBytes: this.queue.bytes };
  }

  private schedule(priority: Priority): void {
    const { settings, clock } = this.deps;
    if (priority === 'critical' && settings.flushOnCritical) this.drain();
    else if (this.queue.pendingCount >= settings.flushAt) this.kick();
    else if (this.intervalTimer === undefined && this.state !== 'closed') {
      this.intervalTimer = clock.setTimeout(() => {
        this.intervalTimer = undefined;
        this.drain();
      }, settings.flushIntervalMs);
    }
  }

  /** Sends everything queued, partial batches included. */
  private drain(): void {
    this.draining = true;
    this.kick();
  }

  private clearIntervalTimer(): void {
    if (this.intervalTimer !== undefined) this.deps.clock.clearTimeout(this.intervalTimer);
    this.intervalTimer = undefined;
  }

  /** Starts delivery workers up to the concurrency limit. */
  private kick(): void {
    this.clearIntervalTimer();
    while (
      this.state !== 'closed' &&
      this.activeWorkers < this.deps.settings.maxConcurrentRequests &&
      this.queue.pendingCount > 0
    ) {
      this.activeWorkers++;
      void this.work().then(
        () => this.workerDone(),
        (error: unknown) => {
          this.deps.warn('@tributary/tracker: delivery worker failed', error);
          this.workerDone();
        },
      );
    }
  }

  private workerDone(): void {
    this.activeWorkers--;
    if (this.queue.pendingCount === 0) this.draining = false;
    else if (this.state !== 'closed') this.schedule('normal');
  }

  /** One delivery worker: waits out any backoff, sends a batch, settles it, repeats while there is work. */
  private async work(): Promise<void> {
    const { settings, clock, sender } = this.deps;
    for (;;) {
      const wait = this.notBefore - clock.now();
      if (wait > 0) await this.sleep(wait);
      if (this.state === 'closed') return;
      if (this.queue.pendingCount === 0) this.draining = false;
      if (!this.draining && this.queue.pendingCount < settings.flushAt) return;
      const batch = this.queue.takeBatch(settings.flushAt, settings.payloadBytes);
      if (batch.length === 0) return;
      const outcome = await sender.send(batch);
      if (outcome === undefined) return;
      this.settle(batch, outcome);
    }
  }

  private settle(batch: readonly QueuedMessage[], outcome: DeliveryOutcome | undefined): void {
    if (outcome === undefined) return;
    if (outcome.kind !== 'retry') {
      this.consecutiveFailures = 0;
      if (outcome.kind === 'acknowledged') this.finish(batch);
      else this.deadLetter(batch, { kind: 'rejected', cause: outcome.reason });
      return;
    }
    const { settings, clock, random } = this.deps;
    this.consecutiveFailures++;
    const delay = Math.max(
      outcome.retryAfterMs ?? 0,
      backoffDelay(settings.backoff, this.consecutiveFailures, random),
    );
    this.notBefore = Math.max(this.notBefore, clock.now() + delay);
    const exhausted: QueuedMessage[] = [];
    const retry: QueuedMessage[] = [];
    for (const message of batch) {
      message.attempts++;
      (message.attempts >= settings.maxAttempts ? exhausted : retry).push(message);
    }
    this.queue.requeue(retry);
    this.draining = true;
    if (exhausted.length > 0) {
      this.deadLetter(exhausted, {
        kind: 'max_attempts',
        attempts: settings.maxAttempts,
        cause: outcome.reason,
      });
    }
  }

  /** Forgets messages that are acknowledged or backed up, and releases flush() waiters. */
  private finish(messages: readonly QueuedMessage[]): void {
    const { persistence, settings } = this.deps;
    this.queue.complete(messages);
    persistence.ack(messages.map((m) => m.id));
    this.acksSinceCompaction += messages.length;
    if (this.acksSinceCompaction >= settings.compactAfterAcks && persistence.compact !== undefined) {
      this.acksSinceCompaction = 0;
      persistence.compact(this.queue.all().map(toStored));
    }
    this.waiters.settled(messages);
  }

  /** Hands messages to the backup; `queued` is false for messages that never entered the queue. */
  private deadLetter(messages: readonly QueuedMessage[], reason: DeadLetterReason, queued = true): void {
    const handler = this.deps.onDeadLetter;
    if (handler === undefined) {
      const ids = messages.map((m) => m.id).join(', ');
      this.deps.warn(
        `@tributary/tracker: ${messages.length} messages not delivered: ${describeDeadLetter(reason)}. Message ids: ${ids}`,
      );
    } else {
      try {
        handler(
          messages.map((m) => JSON.parse(m.json) as Message),
          reason,
        );
      } catch (error) {
        this.deps.warn('@tributary/tracker: onDeadLetter threw', error);
      }
    }
    if (queued) this.finish(messages);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const handle = this.deps.clock.setTimeout(() => {
        this.sleepers.delete(handle);
        resolve();
      }, ms);
      this.sleepers.set(handle, resolve);
    });
  }
}

function toStored(message: QueuedMessage): StoredMessage {
  return { id: message.id, priority: message.priority, json: message.json };
}
