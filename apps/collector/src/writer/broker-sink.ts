import { BrokerError, type BrokerConfig, JetStreamSink, renderConsumerLag } from '@tributary/jetstream';
import { CollectorError } from '../errors/collector-error.js';
import type { WriteRequest, WriteResult, WriterObserver } from './batch-writer.js';
import type { EventSink } from './event-sink.js';

/**
 * The collector's sink when `broker` is configured: every request is published to JetStream
 * (`@tributary/jetstream`'s `JetStreamSink`: accepted events with `Nats-Msg-Id` = `<source>:<messageId>`,
 * rejected messages on their own subject, answered after every PubAck) and loaded into the
 * warehouse by `tributary load`. Broker failures become 503 `broker_unavailable`.
 */
export class BrokerSink implements EventSink {
  #closed = false;

  private constructor(
    private readonly sink: JetStreamSink,
    private readonly observer: WriterObserver,
  ) {}

  /** Connects to the broker (fails when no server answers). */
  static async connect(
    broker: BrokerConfig & { readonly publishTimeoutMs?: number },
    observer: WriterObserver = {},
  ): Promise<BrokerSink> {
    const { publishTimeoutMs, ...config } = broker;
    return new BrokerSink(
      await JetStreamSink.connect(config, publishTimeoutMs === undefined ? {} : { publishTimeoutMs }),
      observer,
    );
  }

  get pending(): number {
    return this.sink.pending;
  }

  async write(request: WriteRequest): Promise<WriteResult> {
    if (this.#closed)
      throw new CollectorError('shutting_down', 'The collector is shutting down; retry shortly.');
    if (request.events.length === 0 && request.rejected.length === 0) return { stored: [] };
    const started = performance.now();
    try {
      const result = await this.sink.write(request);
      this.observer.flushed?.({
        requests: 1,
        events: request.events.length,
        inserted: result.stored.filter(Boolean).length,
        ms: performance.now() - started,
      });
      return result;
    } catch (error) {
      this.observer.failed?.(error, 1);
      throw new CollectorError(
        'broker_unavailable',
        BrokerError.isInstance(error)
          ? error.message
          : 'The broker did not acknowledge the events. Retry after the delay in Retry-After.',
      );
    }
  }

  flush(): Promise<void> {
    return this.sink.flush();
  }

  drain(): Promise<void> {
    return this.sink.drain();
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.sink.close();
  }

  /** `/ready`: JetStream answers for the stream. */
  async ping(): Promise<void> {
    try {
      await this.sink.ping();
    } catch (error) {
      throw new CollectorError('broker_unavailable', (error as Error).message);
    }
  }

  /** Prometheus text of the loaders' consumer lag, for `/metrics`. */
  async renderLag(): Promise<string> {
    return renderConsumerLag(await this.sink.lag());
  }
}
