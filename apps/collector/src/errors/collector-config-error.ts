import { TributaryError } from '@tributary/schema';

/** Stable codes of configuration problems found when the collector starts. */
export type CollectorConfigErrorCode = 'duplicate_write_key' | 'invalid_public_url' | 'invalid_allowed_host';

/**
 * A configuration the collector refuses to start with (thrown by `createCollector`); the message
 * names the sources or the option and says what to change.
 */
export class CollectorConfigError extends TributaryError {
  declare readonly code: CollectorConfigErrorCode;

  constructor(code: CollectorConfigErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
    this.name = 'CollectorConfigError';
  }
}
