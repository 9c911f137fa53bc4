/**
 * PostgreSQL type OIDs whose parsing Tributary pins so that `pg` and PGlite return the same
 * JavaScript values: 64-bit integers and numerics as exact strings, dates as `YYYY-MM-DD` strings
 * (never a Date shifted by the local time zone), `timestamptz` as a Date, json/jsonb parsed.
 */
export const PINNED_TYPE_OIDS = {
  int8: 20,
  numeric: 1700,
  date: 1082,
  timestamptz: 1184,
} as const;

const identity = (value: string): string => value;

/** Text parsers for the pinned OIDs; the values are what both engines return. */
export const pinnedParsers: Readonly<Record<number, (value: string) => unknown>> = {
  [PINNED_TYPE_OIDS.int8]: identity,
  [PINNED_TYPE_OIDS.numeric]: identity,
  [PINNED_TYPE_OIDS.date]: identity,
};
