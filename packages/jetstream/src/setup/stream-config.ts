import {
  AckPolicy,
  type ConsumerConfig,
  DeliverPolicy,
  DiscardPolicy,
  ReplayPolicy,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { type ResolvedBrokerConfig, streamSubjects } from '../config/broker-config.js';
import type { StreamSettings } from '../config/stream-settings.js';

/**
 * The JetStream stream configuration: file storage, both subject trees, the chosen retention, age
 * and size limits, duplicate window and replica count. New messages are refused (not old ones
 * dropped) when a work-queue stream is full, so a publish fails loudly instead of losing data.
 */
export function toStreamConfig(config: ResolvedBrokerConfig, settings: StreamSettings): StreamConfig {
  const workqueue = settings.retention === 'workqueue';
  return {
    name: config.stream,
    subjects: streamSubjects(config),
    retention: workqueue ? RetentionPolicy.Workqueue : RetentionPolicy.Limits,
    storage: StorageType.File,
    discard: workqueue ? DiscardPolicy.New : DiscardPolicy.Old,
    max_age: nanos(settings.maxAgeMs),
    max_bytes: settings.maxBytes,
    max_msgs: -1,
    max_msg_size: -1,
    max_consumers: -1,
    duplicate_window: nanos(settings.duplicateWindowMs),
    num_replicas: settings.replicas,
  } as StreamConfig;
}

/**
 * The loaders' durable pull consumer: every message from the start, explicit acks (a message is
 * acknowledged only after its rows are committed), redelivered after `ackWaitMs`, never given up
 * (`max_deliver` -1: a message that cannot be stored must not vanish).
 */
export function toConsumerConfig(config: ResolvedBrokerConfig, settings: StreamSettings): ConsumerConfig {
  return {
    durable_name: config.durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    replay_policy: ReplayPolicy.Instant,
    filter_subject: `${config.subjectPrefix}.>`,
    ack_wait: nanos(settings.ackWaitMs),
    max_ack_pending: settings.maxAckPending,
    max_deliver: -1,
  } as ConsumerConfig;
}
