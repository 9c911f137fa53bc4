import { TributaryError } from '@tributary/schema';

/** Stable codes of ETL failures. */
export type EtlErrorCode = 'etl_reconciliation' | 'etl_no_plan';

/** Thrown by the ETL runner; the chunk being processed was rolled back. */
export class EtlError extends TributaryError {
  override readonly code: EtlErrorCode;

  constructor(code: EtlErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
    this.name = 'EtlError';
    this.code = code;
  }
}
