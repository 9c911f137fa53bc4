import type { JetStreamManager } from '@nats-io/jetstream';
import type { ResolvedBrokerConfig } from '../config/broker-config.js';

/** The loaders' backlog on the stream, from the durable consumer's info. */
export interface ConsumerLag {
  readonly stream: string;
  readonly consumer: string;
  /** Messages on the stream not yet delivered to any loader (`num_pending`). */
  readonly pending: number;
  /** Delivered, not yet acknowledged (`num_ack_pending`): being loaded, or lost with a loader. */
  readonly ackPending: number;
  /** `pending + ackPending`: messages not yet in the warehouse. */
  readonly lag: number;
  /** Messages delivered more than once so far (`num_redelivered`). */
  readonly redelivered: number;
  /** Loader pull requests waiting for messages (`num_waiting`); 0 with a backlog means no loader runs. */
  readonly waiting: number;
  /** Messages on the stream and its last sequence. */
  readonly streamMessages: number;
  readonly lastSequence: number;
}

/** Reads the durable consumer's and the stream's counters. */
export async function readConsumerLag(
  jsm: JetStreamManager,
  config: ResolvedBrokerConfig,
): Promise<ConsumerLag> {
  const [consumer, stream] = await Promise.all([
    jsm.consumers.info(config.stream, config.durable),
    jsm.streams.info(config.stream),
  ]);
  return {
    stream: config.stream,
    consumer: config.durable,
    pending: consumer.num_pending,
    ackPending: consumer.num_ack_pending,
    lag: consumer.num_pending + consumer.num_ack_pending,
    redelivered: consumer.num_redelivered,
    waiting: consumer.num_waiting,
    streamMessages: stream.state.messages,
    lastSequence: stream.state.last_seq,
  };
}

/**
 * Prometheus text for a consumer lag reading (gauges labelled with stream and consumer), e.g.
 * `tributary_jetstream_consumer_lag_messages{stream="TRIBUTARY",consumer="tributary-loader"} 42`.
 * An unreadable lag (broker down) is `tributary_jetstream_up 0` and no lag gauges.
 */
export function renderConsumerLag(lag: ConsumerLag | undefined): string {
  if (!lag)
    return [
      '# HELP tributary_jetstream_up 1 when JetStream answered the last lag query.',
      '# TYPE tributary_jetstream_up gauge',
      'tributary_jetstream_up 0',
      '',
    ].join('\n');
  const labels = `{stream="${lag.stream}",consumer="${lag.consumer}"}`;
  const gauge = (name: string, help: string, value: number) => [
    `# HELP ${name} ${help}`,
    `# TYPE ${name} gauge`,
    `${name}${labels} ${value}`,
  ];
  return [
    '# HELP tributary_jetstream_up 1 when JetStream answered the last lag query.',
    '# TYPE tributary_jetstream_up gauge',
    'tributary_jetstream_up 1',
    ...gauge(
      'tributary_jetstream_consumer_lag_messages',
      'Messages not yet loaded into the warehouse (pending + ack pending).',
      lag.lag,
    ),
    ...gauge(
      'tributary_jetstream_consumer_pending_messages',
      'Messages not yet delivered to a loader.',
      lag.pending,
    ),
    ...gauge(
      'tributary_jetstream_consumer_ack_pending_messages',
      'Messages delivered to a loader and not yet acknowledged.',
      lag.ackPending,
    ),
    ...gauge(
      'tributary_jetstream_consumer_redelivered_messages',
      'Messages delivered more than once.',
      lag.redelivered,
    ),
    ...gauge(
      'tributary_jetstream_consumer_waiting_pulls',
      'Pull requests of loaders waiting for messages.',
      lag.waiting,
    ),
    ...gauge('tributary_jetstream_stream_messages', 'Messages kept in the stream.', lag.streamMessages),
    '',
  ].join('\n');
}

/** Reads the lag, or `undefined` when JetStream does not answer (so `/metrics` still answers). */
export async function tryReadConsumerLag(
  jsm: JetStreamManager,
  config: ResolvedBrokerConfig,
): Promise<ConsumerLag | undefined> {
  try {
    return await readConsumerLag(jsm, config);
  } catch {
    return undefined;
  }
}
