import { TributaryError } from '@tributary/schema';

/** Stable codes of metric spec problems. */
export type MetricErrorCode =
  | 'unknown_metric'
  | 'invalid_date'
  | 'invalid_range'
  | 'unknown_time_zone'
  | 'unknown_dimension'
  | 'invalid_metric_option'
  | 'cooked_tables_missing';

/** A metric spec the query builders cannot compile, or a warehouse without cooked tables; the message says what to change. */
export class MetricError extends TributaryError {
  override readonly code: MetricErrorCode;

  constructor(code: MetricErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
    this.name = 'MetricError';
    this.code = code;
  }
}
