import {
  type Consumer,
  type JetStreamManager,
  JetStreamApiCodes,
  JetStreamApiError,
  type JsMsg,
  jetstream,
  jetstreamManager,
} from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  type BrokerConfig,
  type ResolvedBrokerConfig,
  resolveBrokerConfig,
} from '../config/broker-config.js';
import { connectBroker } from '../connect-broker.js';
import { BrokerError } from '../errors.js';
import { type ConsumerLag, tryReadConsumerLag } from '../metrics/consumer-lag.js';
import { type LoaderStats, renderLoaderMetrics } from '../metrics/loader-metrics.js';
import { isConnectionError } from '@tributary/warehouse';
import { type BatchOutcome, type LoadDatabase, loadBatch, rejectUnloadable } from './load-batch.js';

/** Hooks for logs and tests. */
export interface LoaderObserver {
  loaded?(outcome: BatchOutcome & { readonly messages: number; readonly ms: number }): void;
  failed?(error: unknown, stage: 'fetch' | 'load'): void;
}

/** Options of `JetStreamLoader.start`. */
export interface LoaderOptions {
  /** Where rows go: a warehouse handle (raw.events and raw.rejected must exist). */
  readonly warehouse: LoadDatabase;
  readonly broker: BrokerConfig;
  /** Messages fetched and committed together (default 1,000). */
  readonly batchSize?: number;
  /** How long one fetch waits for a full batch before loading what came (default and minimum 1,000 ms, JetStream's floor for a pull's expiry). */
  readonly fetchWaitMs?: number;
  /** Redelivery delay after a failed commit, and the pause after a failed fetch (default 1,000 ms). */
  readonly retryDelayMs?: number;
  /** Connection name shown by the NATS server (default `tributary-loader`). */
  readonly name?: string;
  /** How long `start` retries a consumer that does not answer (a cluster failing over; default 30,000 ms). */
  readonly startTimeoutMs?: number;
  /** Use this connection instead of opening one (not closed by `stop`). */
  readonly connection?: NatsConnection;
  readonly observer?: LoaderObserver;
}

/**
 * A loader: pulls batches from the shared durable consumer, writes each with ONE statement into
 * raw.events / raw.rejected, and acknowledges the messages only after that statement committed.
 * A failed commit naks the batch (redelivered after `retryDelayMs`); a batch that fails for
 * another reason than the connection is retried message by message, and a message that fails
 * alone is kept whole in raw.rejected. Run as many loaders as you like on one consumer: JetStream
 * hands each message to one of them, and a redelivered message is absorbed by `message_id`.
 */
export class JetStreamLoader {
  readonly #stats = { batches: 0, messages: 0, inserted: 0, duplicates: 0, rejected: 0, failures: 0 };
  #stopping = false;
  readonly #done: Promise<void>;
  #wake: (() => void) | undefined;
  #stopped: Promise<void> | undefined;

  private constructor(
    readonly config: ResolvedBrokerConfig,
    private readonly options: LoaderOptions,
    private readonly connection: NatsConnection,
    private readonly jsm: JetStreamManager,
    private readonly consumer: Consumer,
  ) {
    this.#done = this.#run();
  }

  /** Connects, binds to the durable consumer (created by `ensureStream`) and starts loading. */
  static async start(options: LoaderOptions): Promise<JetStreamLoader> {
    const config = resolveBrokerConfig(options.broker);
    let connection = options.connection;
    if (!connection)
      try {
        connection = await connectBroker(config, options.name ?? 'tributary-loader');
      } catch (error) {
        throw new BrokerError(
          'broker_unavailable',
          `Cannot connect to NATS at ${config.servers.join(', ')}: ${(error as Error).message}.`,
        );
      }
    const jsm = await jetstreamManager(connection, { checkAPI: false });
    // During a cluster failover the consumer's info request times out for a few seconds: retry
    // that, but not a consumer or stream that does not exist.
    const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
    for (;;) {
      try {
        const consumer = await jetstream(connection).consumers.get(config.stream, config.durable);
        return new JetStreamLoader(config, options, connection, jsm, consumer);
      } catch (error) {
        const missing =
          error instanceof JetStreamApiError &&
          (error.code === JetStreamApiCodes.ConsumerNotFound ||
            error.code === JetStreamApiCodes.StreamNotFound);
        if (missing || Date.now() >= deadline) {
          if (!options.connection) await connection.close();
          throw new BrokerError(
            'broker_unavailable',
            missing
              ? `Consumer ${config.durable} on stream ${config.stream} does not exist: run tributary load --init first.`
              : `Consumer ${config.durable} on stream ${config.stream} did not answer (${(error as Error).message}).`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  }

  /** Counters since start. */
  get stats(): LoaderStats {
    return { ...this.#stats };
  }

  /** The shared consumer's lag, or `undefined` when JetStream does not answer. */
  lag(): Promise<ConsumerLag | undefined> {
    return tryReadConsumerLag(this.jsm, this.config);
  }

  /** Prometheus text: this loader's counters and the consumer lag. */
  async renderMetrics(): Promise<string> {
    return renderLoaderMetrics(this.stats, await this.lag());
  }

  /**
   * Graceful stop: no new fetch; the fetch in flight (at most `fetchWaitMs`) and the batch in
   * hand are committed and acknowledged; acks are
   * flushed to the server; then the connection (if the loader opened it) is closed. Idempotent.
   */
  stop(): Promise<void> {
    this.#stopped ??= this.#stop();
    return this.#stopped;
  }

  async #stop(): Promise<void> {
    this.#stopping = true;
    // The fetch in flight is not cut short: messages the server already handed out would be
    // dropped by the iterator and stay unacknowledged until ack_wait. It ends within fetchWaitMs.
    this.#wake?.();
    await this.#done;
    await this.connection.flush().catch(() => undefined);
    if (!this.options.connection) await this.connection.drain().catch(() => this.connection.close());
  }

  async #run(): Promise<void> {
    const batchSize = this.options.batchSize ?? 1000;
    const expires = Math.max(this.options.fetchWaitMs ?? 1000, 1000);
    while (!this.#stopping) {
      const messages: JsMsg[] = [];
      try {
        const fetched = await this.consumer.fetch({ max_messages: batchSize, expires });
        for await (const message of fetched) messages.push(message);
      } catch (error) {
        this.#stats.failures++;
        this.options.observer?.failed?.(error, 'fetch');
        if (messages.length === 0) {
          await this.#pause();
          continue;
        }
      }
      if (messages.length > 0) await this.#load(messages);
    }
  }

  async #load(messages: readonly JsMsg[]): Promise<void> {
    const started = performance.now();
    const db = this.options.warehouse;
    try {
      this.#count(await loadBatch(db, this.config, messages), messages.length, started);
      for (const message of messages) message.ack();
      return;
    } catch (error) {
      this.#stats.failures++;
      this.options.observer?.failed?.(error, 'load');
      if (isConnectionError(error) || messages.length === 1) {
        if (!isConnectionError(error) && (await this.#keepUnloadable(messages[0] as JsMsg, error))) return;
        for (const message of messages) message.nak(this.#retryDelay());
        await this.#pause();
        return;
      }
    }
    for (const message of messages) {
      try {
        this.#count(await loadBatch(db, this.config, [message]), 1, started);
        message.ack();
      } catch (error) {
        this.options.observer?.failed?.(error, 'load');
        if (isConnectionError(error) || !(await this.#keepUnloadable(message, error)))
          message.nak(this.#retryDelay());
      }
    }
  }

  /** Stores a message that cannot be loaded in raw.rejected and acks it; false if that failed too. */
  async #keepUnloadable(message: JsMsg, error: unknown): Promise<boolean> {
    try {
      await rejectUnloadable(this.options.warehouse, message, error);
      this.#stats.rejected++;
      message.ack();
      return true;
    } catch {
      return false;
    }
  }

  #count(outcome: BatchOutcome, messages: number, started: number): void {
    this.#stats.batches++;
    this.#stats.messages += messages;
    this.#stats.inserted += outcome.inserted;
    this.#stats.duplicates += outcome.duplicates;
    this.#stats.rejected += outcome.rejected;
    this.options.observer?.loaded?.({ ...outcome, messages, ms: performance.now() - started });
  }

  #retryDelay(): number {
    return this.options.retryDelayMs ?? 1000;
  }

  #pause(): Promise<void> {
    if (this.#stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.#retryDelay());
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = done;
    });
  }
}
