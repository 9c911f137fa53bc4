import { BrokerError } from '../errors.js';

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/**
 * Parses a duration such as `500ms`, `30s`, `2m`, `12h` or `7d` (a bare number is milliseconds);
 * `setting` names the option in the error.
 */
export function parseDuration(text: string, setting: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/.exec(text.trim());
  if (!match)
    throw new BrokerError(
      'invalid_broker_config',
      `${setting} "${text}" is not a duration: use e.g. 500ms, 30s, 2m, 12h or 7d.`,
    );
  const unit = (match[2] ?? 'ms') as keyof typeof UNIT_MS;
  return Math.round(Number(match[1]) * UNIT_MS[unit]);
}

/** Milliseconds as the shortest exact unit (`172800000` → `2d`). */
export function formatDuration(ms: number): string {
  for (const unit of ['d', 'h', 'm', 's'] as const)
    if (ms >= UNIT_MS[unit] && ms % UNIT_MS[unit] === 0) return `${ms / UNIT_MS[unit]}${unit}`;
  return `${ms}ms`;
}
