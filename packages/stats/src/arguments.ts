import { StatsError } from './errors.js';

/** Throws `invalid_alpha` unless `alpha` is strictly between 0 and 1. */
export function assertAlpha(alpha: number): void {
  if (!(alpha > 0 && alpha < 1)) {
    throw new StatsError(
      'invalid_alpha',
      `alpha must be strictly between 0 and 1 (e.g. 0.05), got ${alpha}.`,
      {
        alpha,
      },
    );
  }
}

/** Throws `invalid_argument` unless `value` is a number other than NaN (infinities allowed). */
export function assertNumber(name: string, value: number): void {
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new StatsError('invalid_argument', `${name} must be a number, got ${String(value)}.`, {
      [name]: value,
    });
  }
}

/** Throws `invalid_argument` unless `value` is a finite number. */
export function assertFinite(name: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new StatsError('invalid_argument', `${name} must be a finite number, got ${String(value)}.`, {
      [name]: value,
    });
  }
}

/** Throws `invalid_argument` unless `value` is a finite number ≥ 0. */
export function assertNonNegative(name: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new StatsError('invalid_argument', `${name} must be a finite number ≥ 0, got ${String(value)}.`, {
      [name]: value,
    });
  }
}

/** Throws `invalid_argument` unless `value` is a non-negative safe integer (a count of units or events). */
export function assertCount(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new StatsError('invalid_argument', `${name} must be a whole number ≥ 0, got ${String(value)}.`, {
      [name]: value,
    });
  }
}

/** Throws `invalid_argument` unless `value` is > 0 (Infinity allowed where `allowInfinity`). */
export function assertPositive(name: string, value: number, allowInfinity = false): void {
  const ok = typeof value === 'number' && value > 0 && (allowInfinity || Number.isFinite(value));
  if (!ok) {
    throw new StatsError('invalid_argument', `${name} must be a number > 0, got ${String(value)}.`, {
      [name]: value,
    });
  }
}

/** Throws `invalid_probability` unless `p` is in [0, 1]. */
export function assertProbability(name: string, p: number): void {
  if (!(p >= 0 && p <= 1)) {
    throw new StatsError(
      'invalid_probability',
      `${name} must be a probability in [0, 1], got ${String(p)}.`,
      {
        [name]: p,
      },
    );
  }
}
