import { type JetStreamManager, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  type BrokerConfig,
  type ResolvedBrokerConfig,
  recordSubject,
  resolveBrokerConfig,
} from '../config/broker-config.js';
import { connectBroker } from '../connect-broker.js';
import { BrokerError } from '../errors.js';
import { type ConsumerLag, tryReadConsumerLag } from '../metrics/consumer-lag.js';
import { PubAckMux } from './pub-ack-mux.js';
import {
  encodeEventRecord,
  encodeRejectedRecord,
  natsMessageId,
  type SinkEventRow,
  type SinkRejectedRow,
} from './wire-records.js';

/** What one collector request hands to the sink (the collector's `WriteRequest`). */
export interface SinkRequest {
  readonly source: string;
  readonly receivedAt: Date;
  readonly events: readonly SinkEventRow[];
  readonly rejected: readonly SinkRejectedRow[];
}

/** Per event, in order: `true` new on the stream, `false` JetStream reported a duplicate (source, message id). */
export interface SinkResult {
  readonly stored: readonly boolean[];
}

/** Options of `JetStreamSink.connect`. */
export interface JetStreamSinkOptions {
  /** How long to wait for each PubAck (default 5,000 ms); a timeout fails the request. */
  readonly publishTimeoutMs?: number;
  /** Connection name shown by the NATS server (default `tributary-collector`). */
  readonly name?: string;
  /** Use this connection instead of opening one (it is not closed by `close`). */
  readonly connection?: NatsConnection;
}

/**
 * The collector's broker sink: publishes every accepted event of a request to
 * `<prefix>.events.<source>` with `Nats-Msg-Id` = `<source>:<messageId>` (JetStream drops a republished
 * id within the stream's duplicate window; message ids are unique per source, so another source's
 * same id is not dropped) and every rejected message to `<prefix>.rejected.<source>`, all
 * concurrently, and resolves only when JetStream acknowledged every one (each stored on the
 * stream's replicas). Any failed or timed-out publish rejects with `broker_unavailable`; a retry
 * of the request is then absorbed by the message ids.
 *
 * @example
 * const sink = await JetStreamSink.connect({ url: 'nats://127.0.0.1:4222' });
 * const { stored } = await sink.write({ source: 'web', receivedAt: new Date(), events, rejected: [] });
 */
export class JetStreamSink {
  #inFlight = new Set<Promise<unknown>>();
  #pending = 0;
  #closed = false;

  private constructor(
    readonly config: ResolvedBrokerConfig,
    private readonly connection: NatsConnection,
    private readonly mux: PubAckMux,
    private readonly jsm: JetStreamManager,
    private readonly publishTimeoutMs: number,
    private readonly ownsConnection: boolean,
  ) {}

  /** Connects to the broker (fails at once when no server of the list answers). */
  static async connect(config: BrokerConfig, options: JetStreamSinkOptions = {}): Promise<JetStreamSink> {
    const resolved = resolveBrokerConfig(config);
    const connection = options.connection ?? (await connectOrFail(resolved, options.name));
    return new JetStreamSink(
      resolved,
      connection,
      new PubAckMux(connection),
      await jetstreamManager(connection, { checkAPI: false }),
      options.publishTimeoutMs ?? 5000,
      options.connection === undefined,
    );
  }

  /** Messages published but not yet acknowledged. */
  get pending(): number {
    return this.#pending;
  }

  /** Publishes a request's events and rejected messages; resolves after every PubAck. */
  write(request: SinkRequest): Promise<SinkResult> {
    if (this.#closed)
      return Promise.reject(new BrokerError('broker_unavailable', 'The sink is closed; retry shortly.'));
    const written = this.#publishAll(request);
    this.#inFlight.add(written);
    const forget = () => this.#inFlight.delete(written);
    written.then(forget, forget);
    return written;
  }

  /** Waits for every publish in flight. */
  async flush(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  /** Shutdown has begun: the same as `flush` (publishes are never held back). */
  drain(): Promise<void> {
    return this.flush();
  }

  /** Stops accepting writes, waits for publishes in flight, closes the connection it opened. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.flush();
    this.mux.close();
    if (this.ownsConnection) await this.connection.drain().catch(() => this.connection.close());
  }

  /** Throws `broker_unavailable` unless JetStream answers for the stream (for `/ready`). */
  async ping(): Promise<void> {
    try {
      await this.jsm.streams.info(this.config.stream);
    } catch (error) {
      throw new BrokerError(
        'broker_unavailable',
        `JetStream does not answer for stream ${this.config.stream}: ${(error as Error).message}`,
      );
    }
  }

  /** The loaders' consumer lag (for the collector's `/metrics`), `undefined` when JetStream is down. */
  lag(): Promise<ConsumerLag | undefined> {
    return tryReadConsumerLag(this.jsm, this.config);
  }

  async #publishAll(request: SinkRequest): Promise<SinkResult> {
    const receivedAt = request.receivedAt.toISOString();
    const count = request.events.length + request.rejected.length;
    this.#pending += count;
    try {
      const eventSubject = recordSubject(this.config, 'events', request.source);
      const rejectedSubject = recordSubject(this.config, 'rejected', request.source);
      const publications = [
        ...request.events.map((row) => ({
          subject: eventSubject,
          data: encodeEventRecord(request.source, receivedAt, row),
          msgId: natsMessageId(request.source, row.messageId),
        })),
        ...request.rejected.map((row) => ({
          subject: rejectedSubject,
          data: encodeRejectedRecord(request.source, receivedAt, row),
        })),
      ];
      const acks = this.mux.publishAll(publications, this.publishTimeoutMs);
      const settled = await Promise.allSettled(acks);
      const failure = settled.find((result) => result.status === 'rejected');
      if (failure)
        throw new BrokerError(
          'broker_unavailable',
          `JetStream did not acknowledge every message (${String((failure.reason as Error)?.message ?? failure.reason)}); retry the request.`,
          { failed: settled.filter((result) => result.status === 'rejected').length, of: count },
        );
      return {
        stored: settled
          .slice(0, request.events.length)
          .map((result) => (result.status === 'fulfilled' ? !result.value.duplicate : false)),
      };
    } finally {
      this.#pending -= count;
    }
  }
}

async function connectOrFail(config: ResolvedBrokerConfig, name = 'tributary-collector') {
  try {
    return await connectBroker(config, name);
  } catch (error) {
    throw new BrokerError(
      'broker_unavailable',
      `Cannot connect to NATS at ${config.servers.join(', ')}: ${(error as Error).message}. Start nats-server with -js, or fix broker.url.`,
    );
  }
}
