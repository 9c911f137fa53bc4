import {
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamManager,
  jetstreamManager,
} from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  type BrokerConfig,
  type ResolvedBrokerConfig,
  resolveBrokerConfig,
} from '../config/broker-config.js';
import { resolveStreamSettings, type StreamSettings } from '../config/stream-settings.js';
import { connectBroker } from '../connect-broker.js';
import { BrokerError } from '../errors.js';
import { type ConsumerLag, readConsumerLag } from '../metrics/consumer-lag.js';
import { ensureStream, type SetupResult } from './ensure-stream.js';

/** The stream as `tributary load --status` shows it. */
export interface StreamStatus {
  readonly stream: string;
  readonly subjects: readonly string[];
  readonly retention: string;
  readonly replicas: number;
  readonly maxAgeMs: number;
  readonly duplicateWindowMs: number;
  readonly messages: number;
  readonly bytes: number;
  readonly firstSequence: number;
  readonly lastSequence: number;
  /** Cluster leader and replicas (`current` false = catching up or offline); empty on a single server. */
  readonly cluster: {
    readonly leader?: string;
    readonly replicas: readonly { name: string; current: boolean }[];
  };
  readonly lag: ConsumerLag;
}

/** Stream and consumer administration: `--init` (idempotent setup), `--status`, deletion. */
export class BrokerAdmin {
  private constructor(
    readonly config: ResolvedBrokerConfig,
    private readonly connection: NatsConnection,
    private readonly jsm: JetStreamManager,
  ) {}

  /** Connects to the broker; fails with `broker_unavailable` naming the servers. */
  static async connect(config: BrokerConfig): Promise<BrokerAdmin> {
    const resolved = resolveBrokerConfig(config);
    let connection: NatsConnection;
    try {
      connection = await connectBroker(resolved, 'tributary-admin');
    } catch (error) {
      throw new BrokerError(
        'broker_unavailable',
        `Cannot connect to NATS at ${resolved.servers.join(', ')}: ${(error as Error).message}. Start nats-server with -js, or fix the URL.`,
      );
    }
    return new BrokerAdmin(resolved, connection, await jetstreamManager(connection));
  }

  /** Creates or updates the stream and the loaders' consumer (see `ensureStream`). */
  ensure(settings: Partial<StreamSettings> = {}): Promise<SetupResult> {
    return ensureStream(this.jsm, this.config, resolveStreamSettings(settings));
  }

  /** The stream's settings, counters, cluster state and the consumer lag. */
  async status(): Promise<StreamStatus> {
    try {
      const [info, lag] = await Promise.all([
        this.jsm.streams.info(this.config.stream),
        readConsumerLag(this.jsm, this.config),
      ]);
      return {
        stream: info.config.name,
        subjects: info.config.subjects ?? [],
        retention: info.config.retention,
        replicas: info.config.num_replicas,
        maxAgeMs: info.config.max_age / 1e6,
        duplicateWindowMs: (info.config.duplicate_window ?? 0) / 1e6,
        messages: info.state.messages,
        bytes: info.state.bytes,
        firstSequence: info.state.first_seq,
        lastSequence: info.state.last_seq,
        cluster: {
          ...(info.cluster?.leader ? { leader: info.cluster.leader } : {}),
          replicas: (info.cluster?.replicas ?? []).map((peer) => ({
            name: peer.name,
            current: peer.current,
          })),
        },
        lag,
      };
    } catch (error) {
      if (
        error instanceof JetStreamApiError &&
        [JetStreamApiCodes.StreamNotFound, JetStreamApiCodes.ConsumerNotFound].includes(error.code as never)
      )
        throw new BrokerError(
          'broker_unavailable',
          `Stream ${this.config.stream} or consumer ${this.config.durable} does not exist: run tributary load --init.`,
        );
      throw error;
    }
  }

  /** Throws unless JetStream answers account requests (on a cluster: once it has a meta leader). */
  async checkJetStream(): Promise<void> {
    await this.jsm.getAccountInfo();
  }

  /** Deletes the stream (and its consumers); false when it did not exist. */
  async deleteStream(): Promise<boolean> {
    return this.jsm.streams.delete(this.config.stream).catch((error: unknown) => {
      if (error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound) return false;
      throw error;
    });
  }

  async close(): Promise<void> {
    await this.connection.drain().catch(() => this.connection.close());
  }
}
