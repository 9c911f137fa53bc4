import type { Interval } from '@tributary/stats';

/** How the report prints numbers; the browser test formats library results with the same functions. */
const MINUS = '−';

/** A count with thousands separators: `1,488`. */
export function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}

/** A share in 0..1 as `41.1%`; NULL → `n/a`. */
export function formatShare(value: number | null): string {
  return value === null ? 'n/a' : `${(value * 100).toFixed(1)}%`;
}

/** A relative change as `+10.2%` / `−3.0%`; NULL → `n/a`. */
export function formatLift(value: number | null): string {
  if (value === null) return 'n/a';
  const text = `${Math.abs(value * 100).toFixed(1)}%`;
  return value < 0 && text !== '0.0%' ? `${MINUS}${text}` : `+${text}`;
}

/**
 * A difference between variants: percentage points for proportions (`+0.52 pp`), else the
 * metric's own unit (`+0.041`); NULL → `n/a`.
 */
export function formatDifference(value: number | null, proportion: boolean): string {
  if (value === null) return 'n/a';
  const text = proportion ? `${Math.abs(value * 100).toFixed(2)} pp` : Math.abs(value).toFixed(3);
  return value < 0 && !/^0\.0+( pp)?$/.test(text) ? `${MINUS}${text}` : `+${text}`;
}

/** An interval as `[lower, upper]` with the given formatter; NULL → `n/a`. */
export function formatInterval(interval: Interval | null, format: (value: number) => string): string {
  return interval === null ? 'n/a' : `[${format(interval.lower)}, ${format(interval.upper)}]`;
}

/** A p-value: three decimals, `< 0.001` below that; NULL → `n/a`. */
export function formatPValue(value: number | null): string {
  if (value === null) return 'n/a';
  return value < 0.001 ? '< 0.001' : value.toFixed(3);
}

/** A p-value after `p`: `p = 0.042`, `p < 0.001`; NULL → `p n/a`. */
export function formatP(value: number | null): string {
  if (value === null) return 'p n/a';
  return value < 0.001 ? 'p < 0.001' : `p = ${value.toFixed(3)}`;
}

/** A metric's value per unit: a share for proportions (`4.6%`), else three decimals (`0.412`). */
export function formatMetricValue(value: number | null, proportion: boolean): string {
  if (value === null) return 'n/a';
  return proportion ? formatShare(value) : value.toFixed(3);
}

/** Seconds as people read them: `42 s`, `12.5 min`, `3.2 h`, `1.5 d`; NULL → `n/a`. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null) return 'n/a';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3_600) return `${(seconds / 60).toFixed(1)} min`;
  if (seconds < 86_400) return `${(seconds / 3_600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} d`;
}
