import { JetStreamApiCodes, JetStreamApiError, type JetStreamManager } from '@nats-io/jetstream';
import type { ResolvedBrokerConfig } from '../config/broker-config.js';
import type { StreamSettings } from '../config/stream-settings.js';
import { BrokerError } from '../errors.js';
import { toConsumerConfig, toStreamConfig } from './stream-config.js';

/** What `ensureStream` did to the stream and to the consumer. */
export interface SetupResult {
  readonly stream: 'created' | 'updated' | 'unchanged';
  readonly consumer: 'created' | 'updated' | 'unchanged';
}

/**
 * Creates the stream and the loaders' durable consumer, or brings existing ones to the settings
 * (idempotent: a second run reports `unchanged`). Retention cannot change on an existing stream:
 * that is a `stream_conflict` error naming both values.
 */
export async function ensureStream(
  jsm: JetStreamManager,
  config: ResolvedBrokerConfig,
  settings: StreamSettings,
): Promise<SetupResult> {
  const wanted = toStreamConfig(config, settings);
  const existing = await jsm.streams.info(config.stream).catch((error: unknown) => {
    if (isApiError(error, JetStreamApiCodes.StreamNotFound)) return undefined;
    throw error;
  });
  let stream: SetupResult['stream'] = 'unchanged';
  if (!existing) {
    await jsm.streams.add(wanted);
    stream = 'created';
  } else {
    if (existing.config.retention !== wanted.retention)
      throw new BrokerError(
        'stream_conflict',
        `Stream ${config.stream} has retention "${existing.config.retention}", not "${wanted.retention}"; JetStream cannot change it. Delete the stream (after the loaders caught up) or keep its retention.`,
      );
    const fields = [
      'max_age',
      'max_bytes',
      'duplicate_window',
      'num_replicas',
      'discard',
    ] as const satisfies readonly (keyof typeof wanted)[];
    const subjectsDiffer = [...existing.config.subjects].sort().join() !== [...wanted.subjects].sort().join();
    if (subjectsDiffer || fields.some((field) => existing.config[field] !== wanted[field])) {
      await jsm.streams.update(config.stream, wanted);
      stream = 'updated';
    }
  }
  const consumerWanted = toConsumerConfig(config, settings);
  const consumerExisting = await jsm.consumers.info(config.stream, config.durable).catch((error: unknown) => {
    if (isApiError(error, JetStreamApiCodes.ConsumerNotFound)) return undefined;
    throw error;
  });
  let consumer: SetupResult['consumer'] = 'unchanged';
  if (!consumerExisting) {
    await jsm.consumers.add(config.stream, consumerWanted);
    consumer = 'created';
  } else {
    const fields = ['ack_wait', 'max_ack_pending', 'filter_subject'] as const;
    if (fields.some((field) => consumerExisting.config[field] !== consumerWanted[field])) {
      await jsm.consumers.update(config.stream, config.durable, {
        ack_wait: consumerWanted.ack_wait,
        max_ack_pending: consumerWanted.max_ack_pending,
        filter_subject: consumerWanted.filter_subject,
      });
      consumer = 'updated';
    }
  }
  return { stream, consumer };
}

function isApiError(error: unknown, code: number): boolean {
  return error instanceof JetStreamApiError && error.code === code;
}
