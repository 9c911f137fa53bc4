import { TributaryError } from '@tributary/schema';

/**
 * Limits that keep hostile input from exhausting the stack, the CPU or the warehouse. They apply
 * to the whole message, including values the plan does not declare.
 */
export interface ValidationLimits {
  /** Deepest nesting of objects and arrays; the message itself is depth 0. Rule `max_depth`. */
  readonly maxDepth: number;
  /** Array items plus object properties counted over the whole message. Rule `max_items_total`. */
  readonly maxItemsTotal: number;
  /** Longest string (and object key) in UTF-8 bytes. Rule `max_string_bytes`. */
  readonly maxStringBytes: number;
}

/** Defaults: generous for real events (Segment caps a message at 32 KB), small enough to bound work. */
export const DEFAULT_LIMITS: ValidationLimits = Object.freeze({
  maxDepth: 32,
  maxItemsTotal: 10_000,
  maxStringBytes: 32_768,
});

/** Fills in defaults and refuses limits that are not positive integers. */
export function resolveLimits(limits: Partial<ValidationLimits> = {}): ValidationLimits {
  const resolved = { ...DEFAULT_LIMITS, ...limits };
  for (const [key, value] of Object.entries(resolved)) {
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new TributaryError(
        'invalid_limits',
        `validation limit ${key} must be a positive integer, got ${String(value)}.`,
        { key },
      );
    }
  }
  return resolved;
}
