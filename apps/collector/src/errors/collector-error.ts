import { TributaryError } from '@tributary/schema';

/** Stable codes of whole-request problems; each maps to one HTTP status. */
export const ERROR_STATUS = {
  bad_request: 400,
  invalid_json: 400,
  invalid_gzip: 400,
  invalid_encoding: 400,
  invalid_body: 400,
  invalid_batch: 400,
  max_depth: 400,
  host_not_allowed: 400,
  missing_write_key: 401,
  invalid_write_key: 401,
  missing_admin_key: 401,
  invalid_admin_key: 401,
  source_disabled: 403,
  origin_not_allowed: 403,
  not_found: 404,
  method_not_allowed: 405,
  request_timeout: 408,
  body_too_large: 413,
  batch_too_large: 413,
  unsupported_media_type: 415,
  unsupported_encoding: 415,
  headers_too_large: 431,
  database_unavailable: 503,
  broker_unavailable: 503,
  shutting_down: 503,
  internal_error: 500,
} as const;

/** A code from `ERROR_STATUS`. */
export type CollectorErrorCode = keyof typeof ERROR_STATUS;

/** The JSON body of every non-200 response. */
export interface ErrorBody {
  readonly error: { readonly code: CollectorErrorCode; readonly message: string; readonly limit?: number };
}

/**
 * A whole-request problem: carries the HTTP status (from its code), a message that names the
 * field or limit, and the limit itself when one was exceeded.
 */
export class CollectorError extends TributaryError {
  declare readonly code: CollectorErrorCode;
  readonly status: (typeof ERROR_STATUS)[CollectorErrorCode];
  readonly limit: number | undefined;

  constructor(code: CollectorErrorCode, message: string, limit?: number) {
    super(code, message, limit === undefined ? {} : { limit });
    this.name = 'CollectorError';
    this.status = ERROR_STATUS[code];
    this.limit = limit;
  }

  /** The response body `{ error: { code, message, limit? } }`. */
  toBody(): ErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.limit === undefined ? {} : { limit: this.limit }),
      },
    };
  }
}
