import type {
  EventDefinition,
  EventName,
  EventProperties,
  EventVersion,
  LatestVersion,
  Priority,
} from '@tributary/schema';
import { createBatchSender } from './batch-sender.js';
import { type Clock, systemClock } from './clock.js';
import { Delivery } from './delivery.js';
import { resolveDeliverySettings } from './delivery-settings.js';
import { TrackerError } from './errors.js';
import { type KeyValueStorage, memoryStorage } from './key-value-storage.js';
import type { Message } from './message.js';
import { memoryPersistence } from './persistence.js';
import { createSessionClock, persistedAnonymousId, type SessionClock } from './session.js';
import type { AnyPlan, MessageOptions, TrackerOptions, TrackOptions } from './tracker-options.js';
import { utf8ByteLength } from './utf8.js';
import { createUuidV7 } from './uuid-v7.js';
import { applyViolationPolicy, type PropertyValidator, planPropertyValidator } from './validation.js';
import { LIBRARY } from './version.js';

const USER_ID_KEY = 'tributary.userId';

/**
 * A typed tracking client. Messages are validated (dev mode), serialised once, persisted, queued
 * by priority and delivered in batches with retries; anything that cannot be delivered goes to the
 * dead-letter handler. Create one with `createTracker` (Node) or `createBrowserTracker`.
 */
export class Tracker<P extends AnyPlan> {
  /** Resolves when messages left by an earlier process or page have been re-queued. */
  readonly ready: Promise<void>;
  readonly anonymousId: string;

  private readonly clock: Clock;
  private readonly nextId: () => string;
  private readonly delivery: Delivery;
  private readonly validator: PropertyValidator;
  private readonly storage: KeyValueStorage;
  private readonly session: SessionClock;
  private readonly events = new Map<string, EventDefinition>();
  private readonly latest = new Map<string, EventDefinition>();
  private userId: string | undefined;

  constructor(private readonly options: TrackerOptions<P>) {
    const settings = resolveDeliverySettings(options);
    this.clock = options.clock ?? systemClock;
    const random = options.random ?? Math.random;
    this.nextId = options.generateId ?? createUuidV7(() => this.clock.now(), random);
    if (options.fetch === undefined && typeof globalThis.fetch !== 'function') {
      throw new TrackerError('invalid_options', 'No fetch available: pass options.fetch.');
    }
    const sender = createBatchSender({
      // Browsers throw "Illegal invocation" when fetch is called with another `this`.
      fetch: options.fetch ?? ((url, init) => globalThis.fetch(url, init)),
      clock: this.clock,
      url: settings.url,
      writeKey: options.writeKey,
      writeKeyIn: options.writeKeyIn ?? 'header',
      requestTimeoutMs: settings.requestTimeoutMs,
    });
    const warn = (message: string, error?: unknown) => this.warn(message, error);
    this.delivery = new Delivery({
      settings,
      clock: this.clock,
      random,
      sender,
      persistence: options.persistence ?? memoryPersistence(),
      onDeadLetter: options.onDeadLetter,
      warn,
    });
    this.validator = options.validator ?? planPropertyValidator(options.plan, warn);
    this.storage = options.storage ?? memoryStorage();
    this.anonymousId = persistedAnonymousId(this.storage, this.nextId);
    this.userId = options.userId ?? this.storage.get(USER_ID_KEY);
    this.session = createSessionClock({
      storage: this.storage,
      timeoutMs: settings.sessionTimeoutMs,
      newId: this.nextId,
    });
    for (const event of options.plan.events) {
      this.events.set(`${event.name}@${event.version}`, event);
      this.latest.set(event.name, event);
    }
    this.ready = this.delivery.replay(utf8ByteLength);
  }

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
      const version = options.version === undefined ? '' : ` version ${options.version}`;
      throw new TrackerError(
        'unknown_event',
        `The plan "${this.options.plan.name}" has no event "${name}"${version}.`,
        {
          event: name,
          version: options.version,
        },
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
    const priority = options.priority ?? definition.priority;
    return this.enqueue(
      'track',
      options,
      priority,
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
    const body = name === undefined ? { properties } : { name, properties };
    return this.enqueue('page', options, options.priority ?? 'normal', body);
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
    return this.delivery.flush();
  }

  /**
   * Flushes and stops timers. After `timeoutMs` it stops waiting: undelivered messages stay in a
   * durable journal for the next process, or go to the backup (reason `closed`) without one.
   */
  async close(options: { timeoutMs?: number } = {}): Promise<void> {
    await this.ready;
    await this.delivery.close(options.timeoutMs);
  }

  /** Messages queued or in flight. */
  get queuedCount(): number {
    return this.delivery.size;
  }

  /**
   * Page hide: sends the most urgent pending messages in one `fetch(…, { keepalive: true })`
   * request whose body stays under `maxBodyBytes` (browsers allow 64 KB of keepalive bodies in
   * flight). Messages that do not fit stay persisted for the next page load. Returns the count sent.
   */
  sendBeforeUnload(maxBodyBytes = 60_000): number {
    return this.delivery.sendBeforeUnload(maxBodyBytes);
  }

  private enqueue(
    type: Message['type'],
    options: MessageOptions,
    priority: Priority,
    body: Record<string, unknown>,
    eventVersion?: number,
  ): string {
    if (this.delivery.closed) {
      throw new TrackerError(
        'tracker_closed',
        'The tracker is closed; create a new one to send more messages.',
      );
    }
    const now = this.clock.now();
    // Sessions follow the event's own time, so backfilled events (an explicit timestamp) still
    // fall into the right sessions; for live events the two are the same.
    const session = this.session(options.timestamp?.getTime() ?? now);
    const messageId = this.nextId();
    const userId = options.userId ?? this.userId;
    const json = JSON.stringify({
      type,
      messageId,
      anonymousId: options.anonymousId ?? this.anonymousId,
      ...(userId !== undefined ? { userId } : {}),
      ...body,
      timestamp: (options.timestamp ?? new Date(now)).toISOString(),
      context: {
        ...this.options.context,
        ...this.options.dynamicContext?.(),
        ...options.context,
        library: this.options.library ?? LIBRARY,
        ...(eventVersion !== undefined ? { eventVersion } : {}),
        sessionId: session.sessionId,
        sessionIndex: session.sessionIndex,
      },
    });
    this.delivery.accept(messageId, priority, json, utf8ByteLength(json));
    return messageId;
  }

  private warn(message: string, error?: unknown): void {
    if (this.options.onWarning) this.options.onWarning(message, error);
    else console.warn(message, ...(error === undefined ? [] : [error]));
  }
}
