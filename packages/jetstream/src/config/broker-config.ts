import { BrokerError } from '../errors.js';

/** Where collectors publish and loaders read: the NATS servers, the stream and its subjects. */
export interface BrokerConfig {
  /** `nats://host:4222`, or several (comma-separated or an array) for a cluster. */
  readonly url: string | readonly string[];
  /** JetStream stream name (default `TRIBUTARY`). */
  readonly stream?: string;
  /** Subjects are `<prefix>.events.<source>` and `<prefix>.rejected.<source>` (default `tributary`). */
  readonly subjectPrefix?: string;
  /** Durable consumer name the loaders share (default `tributary-loader`). */
  readonly durable?: string;
}

/** A `BrokerConfig` with defaults filled in and names checked. */
export interface ResolvedBrokerConfig {
  readonly servers: readonly string[];
  readonly stream: string;
  readonly subjectPrefix: string;
  readonly durable: string;
}

/** Defaults of the optional `BrokerConfig` fields. */
export const DEFAULT_BROKER = {
  stream: 'TRIBUTARY',
  subjectPrefix: 'tributary',
  durable: 'tributary-loader',
};

const NAME = /^[A-Za-z0-9_-]+$/;
const PREFIX = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

/** Fills defaults and checks names (stream and consumer names: letters, digits, `_`, `-`). */
export function resolveBrokerConfig(config: BrokerConfig): ResolvedBrokerConfig {
  const servers = (typeof config.url === 'string' ? config.url.split(',') : config.url)
    .map((url) => url.trim())
    .filter(Boolean);
  if (servers.length === 0)
    throw new BrokerError('invalid_broker_config', 'broker.url is empty: give nats://host:4222.');
  for (const server of servers)
    if (!/^(nats|tls|wss?):\/\/[^/]+\/?$/.test(server) && !/^[^/:]+:\d+$/.test(server))
      throw new BrokerError(
        'invalid_broker_config',
        `broker.url "${server}" is not a NATS server URL (nats://host:4222).`,
      );
  const resolved = {
    servers,
    stream: config.stream ?? DEFAULT_BROKER.stream,
    subjectPrefix: config.subjectPrefix ?? DEFAULT_BROKER.subjectPrefix,
    durable: config.durable ?? DEFAULT_BROKER.durable,
  };
  for (const key of ['stream', 'durable'] as const)
    if (!NAME.test(resolved[key]))
      throw new BrokerError(
        'invalid_broker_config',
        `broker.${key} "${resolved[key]}" may hold only letters, digits, "_" and "-".`,
      );
  if (!PREFIX.test(resolved.subjectPrefix))
    throw new BrokerError(
      'invalid_broker_config',
      `broker.subjectPrefix "${resolved.subjectPrefix}" must be dot-separated tokens of letters, digits, "_" and "-".`,
    );
  return resolved;
}

/** The two kinds of message on the stream. */
export type RecordKind = 'events' | 'rejected';

/**
 * The subject of a source's accepted events or rejected messages, e.g. `tributary.events.web`.
 * Characters a subject token cannot hold (`.`, `*`, `>`, whitespace) become `_`; the exact source
 * name travels in the message itself.
 */
export function recordSubject(config: ResolvedBrokerConfig, kind: RecordKind, source: string): string {
  const token = source.replace(/[.*>\s]/g, '_') || '_';
  return `${config.subjectPrefix}.${kind}.${token}`;
}

/** The subject filters of the stream: every source's events and rejected messages. */
export function streamSubjects(config: ResolvedBrokerConfig): string[] {
  return [`${config.subjectPrefix}.events.>`, `${config.subjectPrefix}.rejected.>`];
}

/** The kind of a message from its subject (`undefined` when it is not one of ours). */
export function kindOfSubject(config: ResolvedBrokerConfig, subject: string): RecordKind | undefined {
  const rest = subject.startsWith(`${config.subjectPrefix}.`)
    ? subject.slice(config.subjectPrefix.length + 1)
    : '';
  if (rest.startsWith('events.')) return 'events';
  if (rest.startsWith('rejected.')) return 'rejected';
  return undefined;
}
