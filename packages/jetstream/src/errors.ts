import { TributaryError } from '@tributary/schema';

/** Stable codes of broker problems. */
export type BrokerErrorCode =
  /** NATS/JetStream did not answer (connection lost, no stream leader, PubAck timeout): retry later. */
  | 'broker_unavailable'
  /** A setting is out of range or malformed (names the setting). */
  | 'invalid_broker_config'
  /** The existing stream cannot be changed to the requested settings (e.g. its retention). */
  | 'stream_conflict';

/** A broker problem with a stable `code` and a message that says what to do. */
export class BrokerError extends TributaryError {
  declare readonly code: BrokerErrorCode;

  constructor(code: BrokerErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
    this.name = 'BrokerError';
  }
}
