import type {
  EventDefinition,
  EventName,
  EventProperties,
  EventVersion,
  LatestVersion,
  Priority,
} from '@tributary/schema';
import { backoffDelay } from './backoff.js';
import { batchBody, MAX_BATCH_BYTES, MAX_MESSAGE_BYTES, payloadBudget } from './batch-body.js';
import { type Clock, systemClock, type TimerHandle } from './clock.js';
import type { DeadLetterReason } from './dead-letter.js';
import { describeDeadLetter } from './dead-letter.js';
import { type DeliveryOutcome, outcomeOfResponse } from './delivery-outcome.js';
import { TrackerError } from './errors.js';
import type { FetchLike } from './fetch-like.js';
import { memoryStorage } from './key-value-storage.js';
import type { Message, QueuedMessage, StoredMessage } from './message.js';
import { createMessageQueue, type MessageQueue } from './message-queue.js';
import { memoryPersistence, type Persistence } from './persistence.js';
import { createSessionClock, persistedAnonymousId, type SessionClock } from './session.js';
import type { AnyPlan, MessageOptions, TrackerOptions, TrackOptions } from './tracker-options.js';
import { utf8ByteLength } from './utf8.js';
import { applyViolationPolicy, type PropertyValidator, planPropertyValidator } from './validation.js';
import { createUuidV7 } from './uuid-v7.js';
import { LIBRARY } from './version.js';

interface FlushWaiter {
  readonly watermark: number;
  remaining: number;
  readonly resolve: () => void;
}

type Settings = Required<
  Pick<
    TrackerOptions<AnyPlan>,
    | 'flushAt'
    | 'flushIntervalMs'
    | 'maxBatchBytes'
    | 'maxAttempts'
    | 'backoff'
    | 'requestTimeoutMs'
    | 'maxConcurrentRequests'
    | 'flushOnCritical'
    | 'compactAfterAcks'
  >
>;

const USER_ID_KEY = 'tributary.userId';
const TEXT_PLAIN: Record<string, string> = { 'content-type': 'text/plain' };

/** Lifecycle of a tracker: open → closing (flushing) → closed. */
type State = 'open' | 'closing' | 'closed';

/**
 * A typed tracking client. Messages are validated (dev mode), serialised once, persisted, queued
 * by priority and delivered in batches with retries; anything that cannot be delivered goes to the
 * dead-letter handler. Create one with `createTracker` (Node) or `createBrowserTracker`.
 */
export class Tracker<P extends AnyPlan> {
  /** Resolves when messages left by an earlier process or page have been re-queued. */
  readonly ready: Promise<void>;
  readonly anonymousId: string;

  private readonly settings: Settings;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly nextId: () => string;
  private readonly fetch: FetchLike;
  private readonly persistence: Persistence;
  private readonly validator: PropertyValidator;
  private readonly queue: MessageQueue;
  private readonly session: SessionClock;
  private readonly url: string;
  private readonly authorization: string;
  private readonly staticContext: Readonly<Record<string, unknown>>;
  private readonly library;
  private readonly events = new Map<string, EventDefinition>();
  private readonly latest = new Map<string, EventDefinition>();
  private readonly waiters = new Set<FlushWaiter>();
  private readonly inFlightAborts = new Set<AbortController>();
  private readonly payloadBytes: number;
  private readonly keyInBody: boolean;
  private readonly keyBytes: number;
  private userId: string | undefined;
  private seq = 0;
  private activeWorkers = 0;
  private consecutiveFailures = 0;
  private notBefore = 0;
  private acksSinceCompaction = 0;
  private intervalTimer: TimerHandle | undefined;
  private sleeper: { handle: TimerHandle; wake: () => void } | undefined;
  private state: State = 'open';
  /** Send partial batches until the queue is empty (set by flush, the interval timer, critical events and retries). */
  private draining = false;

  constructor(private readonly options: TrackerOptions<P>) {
    const flushAt = options.flushAt ?? 100;
    this.settings = {
      flushAt,
      flushIntervalMs: options.flushIntervalMs ?? 1000,
      maxBatchBytes: Math.min(options.maxBatchBytes ?? MAX_BATCH_BYTES, MAX_BATCH_BYTES),
      maxAttempts: options.maxAttempts ?? 10,
      backoff: options.backoff ?? { baseMs: 500, maxMs: 30_000 },
      requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
      maxConcurrentRequests: options.maxConcurrentRequests ?? 1,
      flushOnCritical: options.flushOnCritical ?? true,
      compactAfterAcks: options.compactAfterAcks ?? 10_000,
    };
    if (!(flushAt >= 1) || !(this.settings.maxConcurrentRequests >= 1) || !(this.settings.maxAttempts >= 1)) {
      throw new TrackerError(
        'invalid_options',
        'flushAt, maxAttempts and maxConcurrentRequests must be at least 1.',
      );
    }
    // `,"writeKey":"…"` when the key travels in the body.
    this.keyBytes = options.writeKeyIn === 'body' ? utf8ByteLength(JSON.stringify(options.writeKey)) + 12 : 0;
    this.payloadBytes = payloadBudget(this.settings.maxBatchBytes - this.keyBytes, flushAt);
    if (this.payloadBytes < MAX_MESSAGE_BYTES) {
      throw new TrackerError(
        'invalid_options',
        `maxBatchBytes ${this.settings.maxBatchBytes} is too small for ${flushAt} events per batch; raise it or lower flushAt.`,
      );
    }
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.nextId = options.generateId ?? createUuidV7(() => this.clock.now(), this.random);
    if (options.fetch === undefined && typeof globalThis.fetch !== 'function') {
      throw new TrackerError('invalid_options', 'No fetch available: pass options.fetch.');
    }
    // Browsers throw "Illegal invocation" when fetch is called with another `this`.
    this.fetch = options.fetch ?? ((url, init) => globalThis.fetch(url, init));
    this.persistence = options.persistence ?? memoryPersistence();
    this.validator = options.validator ?? planPropertyValidator(options.plan, (m, e) => this.warn(m, e));
    this.queue = createMessageQueue({
      maxEvents: options.maxQueueEvents ?? 10_000,
      maxBytes: options.maxQueueBytes ?? 16 * 1024 * 1024,
    });
    const storage = options.storage ?? memoryStorage();
    this.anonymousId = persistedAnonymousId(storage, this.nextId);
    this.userId = options.userId ?? storage.get(USER_ID_KEY);
    this.storage = storage;
    this.session = createSessionClock({
      storage,
      timeoutMs: options.sessionTimeoutMs ?? 30 * 60_000,
      newId: this.nextId,
    });
    this.url = /\/v1\/batch\/?$/.test(options.endpoint)
      ? options.endpoint
      : options.endpoint.replace(/\/+$/, '') + '/v1/batch';
    this.authorization = 'Basic ' + btoa(options.writeKey + ':');
    this.keyInBody = options.writeKeyIn === 'body';
    this.staticContext = options.context ?? {};
    this.library = options.library ?? LIBRARY;
    for (const event of options.plan.events) {
      this.events.set(`${event.name}@${event.version}`, event);
      this.latest.set(event.name, event);
    }
    this.ready = this.replay();
  }

  private readonly storage;

  /**
   * Queues a track message for `name`, typed by the plan: the latest version by default,
   * `options.version` selects another. Returns the messageId.
   */
  track<N extends EventName<P>, V extends EventVersion<P, N> = LatestVersion<P, N>>(
    name: N,
    properties: EventProperties<P, N, V>,
    options: TrackOptions<V> = {},
  ): string {
    const definition =
      options.version === undefined ? this.latest.get(name) : this.events.get(`${name}@${options.version}`);
    if (definition === undefined) {
      throw new TrackerError(
        'unknown_event',
        `The plan "${this.options.plan.name}" has no event "${name}"${options.version === undefined ? '' : ` version ${options.version}`}.`,
        { event: name, version: options.version },
      );
    }
    if (this.options.onViolation !== 'off') {
      const violations = this.validator(definition, properties);
      applyViolationPolicy(
        this.options.onViolation ?? 'warn',
        definition.name,
        definition.version,
        violations,
        (m) => this.warn(m),
      );
    }
    return this.enqueue(
      'track',
      options,
      options.priority ?? definition.priority,
      { event: definition.name, properties },
      definition.version,
    );
  }

  /** Sets the user of later messages and sends an identify message with `traits`. */
  identify(
    userId: string,
    traits: Readonly<Record<string, unknown>> = {},
    options: MessageOptions = {},
  ): string {
    this.userId = userId;
    this.storage.set(USER_ID_KEY, userId);
    return this.enqueue('identify', options, options.priority ?? 'normal', { traits });
  }

  /** Sends a page view. */
  page(
    name?: string,
    properties: Readonly<Record<string, unknown>> = {},
    options: MessageOptions = {},
  ): string {
    return this.enqueue(
      'page',
      options,
      options.priority ?? 'normal',
      name === undefined ? { properties } : { name, properties },
    );
  }

  /** Sends a screen view (apps). */
  screen(
    name: string,
    properties: Readonly<Record<string, unknown>> = {},
    options: MessageOptions = {},
  ): string {
    return this.enqueue('screen', options, options.priority ?? 'normal', { name, properties });
  }

  /** Resolves when every message queued so far is acknowledged or handed to the backup. */
  flush(): Promise<void> {
    const remaining = this.queue.size;
    if (remaining === 0) return Promise.resolve();
    const done = new Promise<void>((resolve) =>
      this.waiters.add({ watermark: this.seq, remaining, resolve }),
    );
    this.drain();
    return done;
  }

  /**
   * Flushes and stops timers. After `timeoutMs` it stops waiting: undelivered messages stay in a
   * durable journal for the next process, or go to the backup (reason `closed`) without one.
   */
  async close(options: { timeoutMs?: number } = {}): Promise<void> {
    if (this.state !== 'open') return;
    this.state = 'closing';
    await this.ready;
    const flushed = this.flush();
    if (options.timeoutMs === undefined) await flushed;
    else {
      let timer: TimerHandle | undefined;
      await Promise.race([
        flushed,
        new Promise<void>((resolve) => (timer = this.clock.setTimeout(resolve, options.timeoutMs!))),
      ]);
      this.clock.clearTimeout(timer);
    }
    this.state = 'closed';
    this.clearIntervalTimer();
    this.wake();
    for (const controller of this.inFlightAborts) controller.abort();
    const left = this.queue.all();
    if (left.length > 0 && !this.persistence.durable) {
      this.deadLetter(left, {
        kind: 'closed',
        detail: `close() timed out after ${options.timeoutMs} ms with ${left.length} messages undelivered`,
      });
    }
    await this.persistence.close();
  }

  /** Messages queued or in flight. */
  get queuedCount(): number {
    return this.queue.size;
  }

  private enqueue(
    type: Message['type'],
    options: MessageOptions,
    priority: Priority,
    body: Record<string, unknown>,
    eventVersion?: number,
  ): string {
    if (this.state === 'closed')
      throw new TrackerError(
        'tracker_closed',
        'The tracker is closed; create a new one to send more messages.',
      );
    const now = this.clock.now();
    // Sessions follow the event's own time, so backfilled events (an explicit timestamp) still
    // fall into the right sessions; for live events the two are the same.
    const session = this.session(options.timestamp?.getTime() ?? now);
    const messageId = this.nextId();
    const userId = options.userId ?? this.userId;
    const message = {
      type,
      messageId,
      anonymousId: options.anonymousId ?? this.anonymousId,
      ...(userId !== undefined ? { userId } : {}),
      ...body,
      timestamp: (options.timestamp ?? new Date(now)).toISOString(),
      context: {
        ...this.staticContext,
        ...this.options.dynamicContext?.(),
        ...options.context,
        library: this.library,
        ...(eventVersion !== undefined ? { eventVersion } : {}),
        sessionId: session.sessionId,
        sessionIndex: session.sessionIndex,
      },
    };
    const json = JSON.stringify(message);
    const queued: QueuedMessage = {
      id: messageId,
      priority,
      json,
      bytes: utf8ByteLength(json),
      seq: ++this.seq,
      attempts: 0,
    };
    if (queued.bytes > MAX_MESSAGE_BYTES) {
      this.deadLetter(
        [queued],
        { kind: 'message_too_large', bytes: queued.bytes, limit: MAX_MESSAGE_BYTES },
        false,
      );
      return messageId;
    }
    const result = this.queue.enqueue(queued);
    if (result.evicted.length > 0) this.deadLetter(result.evicted, this.queueFullReason());
    if (result.kind === 'refused') {
      this.deadLetter([queued], this.queueFullReason(), false);
      return messageId;
    }
    this.persistence.append({ id: messageId, priority, json });
    this.schedule(priority);
    return messageId;
  }

  private queueFullReason(): DeadLetterReason {
    return { kind: 'queue_full', queuedEvents: this.queue.size, queuedBytes: this.queue.bytes };
  }

  private schedule(priority: Priority): void {
    if (priority === 'critical' && this.settings.flushOnCritical) this.drain();
    else if (this.queue.pendingCount >= this.settings.flushAt) this.kick();
    else if (this.intervalTimer === undefined && this.state !== 'closed') {
      this.intervalTimer = this.clock.setTimeout(() => {
        this.intervalTimer = undefined;
        this.drain();
      }, this.settings.flushIntervalMs);
    }
  }

  /** Sends everything queued, partial batches included. */
  private drain(): void {
    this.draining = true;
    this.kick();
  }

  private clearIntervalTimer(): void {
    if (this.intervalTimer !== undefined) this.clock.clearTimeout(this.intervalTimer);
    this.intervalTimer = undefined;
  }

  /** Starts delivery workers up to the concurrency limit. */
  private kick(): void {
    this.clearIntervalTimer();
    while (
      this.state !== 'closed' &&
      this.activeWorkers < this.settings.maxConcurrentRequests &&
      this.queue.pendingCount > 0
    ) {
      this.activeWorkers++;
      void this.work().then(
        () => this.workerDone(),
        (error: unknown) => {
          this.warn('@tributary/tracker: delivery worker failed', error);
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

  private async work(): Promise<void> {
    for (;;) {
      const wait = this.notBefore - this.clock.now();
      if (wait > 0) await this.sleep(wait);
      if (this.state === 'closed') return;
      if (this.queue.pendingCount === 0) this.draining = false;
      if (!this.draining && this.queue.pendingCount < this.settings.flushAt) return;
      const batch = this.queue.takeBatch(this.settings.flushAt, this.payloadBytes);
      if (batch.length === 0) return;
      const outcome = await this.send(batch);
      if (outcome === undefined) return;
      this.settle(batch, outcome);
    }
  }

  /**
   * Page hide: sends the most urgent pending messages in one `fetch(…, { keepalive: true })`
   * request whose body stays under `maxBodyBytes` (browsers allow 64 KB of keepalive bodies in
   * flight). Messages that do not fit stay persisted for the next page load. Returns the count sent.
   */
  sendBeforeUnload(maxBodyBytes = 60_000): number {
    if (this.state === 'closed' || this.queue.pendingCount === 0) return 0;
    const batch = this.queue.takeBatch(
      this.settings.flushAt,
      payloadBudget(maxBodyBytes - this.keyBytes, this.settings.flushAt),
    );
    void this.send(batch, true).then((outcome) => {
      if (outcome !== undefined) this.settle(batch, outcome);
    });
    return batch.length;
  }

  /** Sends one batch; undefined when aborted by close(). */
  private async send(
    batch: readonly QueuedMessage[],
    keepalive = false,
  ): Promise<DeliveryOutcome | undefined> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = this.clock.setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.settings.requestTimeoutMs);
    this.inFlightAborts.add(controller);
    try {
      const response = await this.fetch(this.url, {
        method: 'POST',
        headers: this.keyInBody
          ? TEXT_PLAIN
          : { 'content-type': 'application/json', authorization: this.authorization },
        body: batchBody(
          batch,
          new Date(this.clock.now()).toISOString(),
          this.keyInBody ? this.options.writeKey : undefined,
        ),
        signal: controller.signal,
        ...(keepalive ? { keepalive } : {}),
      });
      const text = await response.text();
      return outcomeOfResponse(response.status, text, response.headers.get('retry-after'), this.clock.now());
    } catch (error) {
      if (timedOut)
        return { kind: 'retry', reason: { kind: 'timeout', afterMs: this.settings.requestTimeoutMs } };
      if (this.state === 'closed') return undefined;
      const message =
        error instanceof Error
          ? `${error.message}${error.cause instanceof Error ? `: ${error.cause.message}` : ''}`
          : String(error);
      return { kind: 'retry', reason: { kind: 'network', message } };
    } finally {
      this.clock.clearTimeout(timer);
      this.inFlightAborts.delete(controller);
    }
  }

  private settle(batch: readonly QueuedMessage[], outcome: DeliveryOutcome): void {
    if (outcome.kind === 'acknowledged') {
      this.consecutiveFailures = 0;
      this.finish(batch);
      return;
    }
    if (outcome.kind === 'rejected') {
      this.consecutiveFailures = 0;
      this.deadLetter(batch, { kind: 'rejected', cause: outcome.reason });
      return;
    }
    this.consecutiveFailures++;
    const delay = Math.max(
      outcome.retryAfterMs ?? 0,
      backoffDelay(this.settings.backoff, this.consecutiveFailures, this.random),
    );
    this.notBefore = Math.max(this.notBefore, this.clock.now() + delay);
    const exhausted: QueuedMessage[] = [];
    const retry: QueuedMessage[] = [];
    for (const message of batch) {
      message.attempts++;
      (message.attempts >= this.settings.maxAttempts ? exhausted : retry).push(message);
    }
    this.queue.requeue(retry);
    this.draining = true;
    if (exhausted.length > 0)
      this.deadLetter(exhausted, {
        kind: 'max_attempts',
        attempts: this.settings.maxAttempts,
        cause: outcome.reason,
      });
  }

  /** Forgets messages that are acknowledged or backed up, and releases flush() waiters. */
  private finish(messages: readonly QueuedMessage[]): void {
    this.queue.complete(messages);
    const ids = messages.map((m) => m.id);
    this.persistence.ack(ids);
    this.acksSinceCompaction += ids.length;
    if (
      this.acksSinceCompaction >= this.settings.compactAfterAcks &&
      this.persistence.compact !== undefined
    ) {
      this.acksSinceCompaction = 0;
      this.persistence.compact(this.queue.all().map(toStored));
    }
    for (const waiter of this.waiters) {
      for (const message of messages) if (message.seq <= waiter.watermark) waiter.remaining--;
      if (waiter.remaining <= 0) {
        this.waiters.delete(waiter);
        waiter.resolve();
      }
    }
  }

  private deadLetter(messages: readonly QueuedMessage[], reason: DeadLetterReason, queued = true): void {
    const parsed = messages.map((m) => JSON.parse(m.json) as Message);
    const handler = this.options.onDeadLetter;
    if (handler === undefined) {
      this.warn(
        `@tributary/tracker: ${messages.length} messages not delivered: ${describeDeadLetter(reason)}. Message ids: ${messages.map((m) => m.id).join(', ')}`,
      );
    } else {
      try {
        handler(parsed, reason);
      } catch (error) {
        this.warn('@tributary/tracker: onDeadLetter threw', error);
      }
    }
    if (queued) this.finish(messages);
  }

  private async replay(): Promise<void> {
    let stored: readonly StoredMessage[];
    try {
      stored = await this.persistence.load();
    } catch (error) {
      this.warn('@tributary/tracker: could not read persisted messages', error);
      return;
    }
    for (const message of stored) {
      const queued: QueuedMessage = {
        id: message.id,
        priority: message.priority,
        json: message.json,
        bytes: utf8ByteLength(message.json),
        seq: ++this.seq,
        attempts: 0,
      };
      const result = this.queue.restore(queued);
      if (result.evicted.length > 0) this.deadLetter(result.evicted, this.queueFullReason());
    }
    this.persistence.compact?.(this.queue.all().map(toStored));
    if (stored.length > 0) this.drain();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const handle = this.clock.setTimeout(() => {
        this.sleeper = undefined;
        resolve();
      }, ms);
      this.sleeper = { handle, wake: resolve };
    });
  }

  private wake(): void {
    if (this.sleeper === undefined) return;
    this.clock.clearTimeout(this.sleeper.handle);
    this.sleeper.wake();
    this.sleeper = undefined;
  }

  private warn(message: string, error?: unknown): void {
    if (this.options.onWarning) this.options.onWarning(message, error);
    else console.warn(message, ...(error === undefined ? [] : [error]));
  }
}

function toStored(message: QueuedMessage): StoredMessage {
  return { id: message.id, priority: message.priority, json: message.json };
}
