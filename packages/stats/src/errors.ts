/** The marker @tributary/schema's `TributaryError.isInstance` looks for, so it recognises these errors too. */
const marker = Symbol.for('tributary.error');

/** Stable codes of @tributary/stats errors. Data problems never throw: results carry a `reason`. */
export type StatsErrorCode =
  /** `alpha` is not a number strictly between 0 and 1. */
  | 'invalid_alpha'
  /** A probability handed to a quantile function is outside [0, 1] or NaN. */
  | 'invalid_probability'
  /** Any other argument out of its domain: NaN, non-positive degrees of freedom, a negative count… */
  | 'invalid_argument';

/**
 * A programmer error: an argument no data could produce (alpha outside (0, 1), a negative count, NaN).
 * Carries a stable `code`; `StatsError.isInstance` works across copies of the package.
 */
export class StatsError extends Error {
  readonly [marker] = true;
  readonly code: StatsErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: StatsErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'StatsError';
    this.code = code;
    this.details = details;
  }

  static isInstance(value: unknown): value is StatsError {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[marker] === true &&
      (value as { name?: unknown }).name === 'StatsError'
    );
  }
}
