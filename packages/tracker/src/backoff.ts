import type { Random } from './uuid-v7.js';

/** Retry timing: exponential growth from `baseMs`, capped at `maxMs`, with full jitter. */
export interface BackoffPolicy {
  readonly baseMs: number;
  readonly maxMs: number;
}

/**
 * The delay before retry number `failures` (1 = after the first failure): a uniform random value in
 * [0, min(maxMs, baseMs · 2^(failures-1))] ("full jitter", so many clients do not retry in step).
 */
export function backoffDelay(policy: BackoffPolicy, failures: number, random: Random): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, failures - 1));
  return Math.floor(random() * ceiling);
}

/**
 * Parses a Retry-After header (delta seconds or an HTTP date) into milliseconds from `now`;
 * undefined when absent or unparseable, 0 for dates in the past.
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  // An HTTP date always names the weekday and month; this keeps Date.parse from reading '-3' as a year.
  if (!/[a-z]{3}/i.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}
