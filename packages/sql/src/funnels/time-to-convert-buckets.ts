import { sql } from 'kysely';
import { type Fragment, raw } from './funnel-sql.js';

/** A histogram bucket of times to convert: `[fromSeconds, toSeconds)`, the last one open (`toSeconds` null). */
export interface TimeToConvertBucket {
  readonly label: string;
  readonly fromSeconds: number;
  readonly toSeconds: number | null;
}

/** Roughly log-spaced buckets, from under a minute to over three days. */
export const TIME_TO_CONVERT_BUCKETS: readonly TimeToConvertBucket[] = [
  { label: '<1m', fromSeconds: 0, toSeconds: 60 },
  { label: '1–5m', fromSeconds: 60, toSeconds: 300 },
  { label: '5–30m', fromSeconds: 300, toSeconds: 1_800 },
  { label: '30m–2h', fromSeconds: 1_800, toSeconds: 7_200 },
  { label: '2–12h', fromSeconds: 7_200, toSeconds: 43_200 },
  { label: '12h–1d', fromSeconds: 43_200, toSeconds: 86_400 },
  { label: '1–3d', fromSeconds: 86_400, toSeconds: 259_200 },
  { label: '>3d', fromSeconds: 259_200, toSeconds: null },
];

/**
 * The histogram of step times: `(breakdown, step, bucket, units)` from `source`'s rows
 * `(bv, k, ms)`. `width_bucket` counts the thresholds at or below the time, so bucket b is
 * [from_b, to_b).
 */
export function histogramSql(source: Fragment, buckets: readonly TimeToConvertBucket[]): Fragment {
  const thresholds = buckets.slice(1).map((b) => b.fromSeconds * 1000);
  return sql`select bv as breakdown, k as step, width_bucket(ms, array[${raw(thresholds.join(', '))}]::bigint[]) as bucket, count(*)::int as units
from ${source}
group by 1, 2, 3`;
}
