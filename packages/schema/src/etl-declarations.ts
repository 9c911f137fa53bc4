/**
 * What the ETL does with an event's columns, declared beside the event and validated at
 * definition time. The SQL generator in @tributary/sql turns these into staging-area SQL.
 */

/** Text normalisation steps, applied in this order: Unicode NFC, trim, lower-case. */
export type TextNormalization = 'nfc' | 'trim' | 'lower';
export const TEXT_NORMALIZATIONS: readonly TextNormalization[] = ['nfc', 'trim', 'lower'];

/** A unit conversion: the stored value is `value / divideBy` or `value * multiplyBy` (numeric). */
export type UnitConversion = { readonly divideBy: number } | { readonly multiplyBy: number };

/** Common unit conversions. */
export const units = {
  centsToUnits: { divideBy: 100 },
  msToSeconds: { divideBy: 1000 },
  secondsToMs: { multiplyBy: 1000 },
  bytesToKilobytes: { divideBy: 1024 },
} as const satisfies Record<string, UnitConversion>;

/** Splits a text column into parts, each its own column. */
export type SplitSpec =
  /** `en-US` → language `en`, country `US` (either part may be null). */
  | { readonly kind: 'locale'; readonly into: readonly [language: string, country: string] }
  /** `2.13.4` → integers major, minor[, patch] (null when a part is missing or not a number). */
  | { readonly kind: 'version'; readonly into: readonly [string, string] | readonly [string, string, string] }
  /** `a|b|c` split on a literal separator into text parts. */
  | { readonly kind: 'separator'; readonly separator: string; readonly into: readonly string[] };

/** A threshold beyond the tracking schema: values outside [min, max] reject the event or become null. */
export interface Threshold {
  readonly min?: number;
  readonly max?: number;
  readonly action: 'reject' | 'null';
}

/** Everything the ETL may do to one column. */
export interface ColumnTransform {
  readonly normalize?: readonly TextNormalization[];
  /** A missing or null value is stored as this value. */
  readonly nullDefault?: string | number | boolean;
  readonly unit?: UnitConversion;
  readonly threshold?: Threshold;
  readonly split?: SplitSpec;
  /** Keep the original column when splitting (default true). */
  readonly keepOriginal?: boolean;
}

/** Several columns merged into one text column with a separator (nulls skipped). */
export interface MergeSpec {
  readonly into: string;
  readonly from: readonly string[];
  readonly separator?: string;
}

/** The ETL declarations of one event version. */
export interface EventEtl {
  /** Property paths that become columns (default: all). Dropped properties stay in raw.events. */
  readonly columns?: readonly string[];
  /** Context fields that become columns of this event's table (default: all of the plan's context). */
  readonly context?: readonly string[];
  /** Per property path. */
  readonly transforms?: Readonly<Record<string, ColumnTransform>>;
  readonly merge?: readonly MergeSpec[];
}

/** Which event and properties carry revenue. */
export interface RevenueRole {
  readonly event: string;
  /** Property path of the amount. */
  readonly amount: string;
  /** `minor`: integer minor units (cents) divided by 100; `major`: currency units as tracked. */
  readonly unit: 'minor' | 'major';
  /** Property path of the ISO currency code, or a fixed code for every event. */
  readonly currency?: string | { readonly fixed: string };
}

/** What the cooked tables and metrics need to know about the plan. */
export interface MetricRoles {
  /** The event that marks an install (the user's install day is its first occurrence). */
  readonly install?: string;
  readonly revenue?: RevenueRole;
  /** Sessions: the tracker's session id, cut by inactivity when absent (default 30 minutes). */
  readonly session?: { readonly inactivityMinutes?: number };
  /** Context fields metrics can break down by (platform, country, app version, …). */
  readonly dimensions?: readonly string[];
}

/** Plan-wide ETL settings. */
export interface PlanEtl {
  /** Also drop events with the same user, event, properties and timestamp (clients without stable ids). */
  readonly dedupeByFingerprint?: boolean;
  readonly spam?: {
    /** Events of one user within one minute beyond this count are rejected as spam. */
    readonly maxEventsPerUserPerMinute?: number;
    /** PostgreSQL regular expressions (case-insensitive) matched against `context.userAgent`. */
    readonly userAgentPatterns?: readonly string[];
  };
  /** IANA time zones the cooked tables are kept in (local days); metrics use one of them. Default `['UTC']`. */
  readonly reportingTimeZones?: readonly string[];
  /** Transforms of context fields (e.g. split `locale`, `app_version`). */
  readonly context?: Readonly<Record<string, ColumnTransform>>;
  /**
   * Identity resolution. `stitch` (the default) links anonymous ids to user ids (a message carrying
   * both, or an `alias`) and keeps person-level cooked tables beside the per-id ones, so metrics
   * count persons; `none` counts each user key (userId, else anonymousId) as its own user.
   */
  readonly identity?: { readonly mode: IdentityMode };
}

/** How the ETL resolves identities: `stitch` (persons across ids) or `none` (one user per key). */
export type IdentityMode = 'stitch' | 'none';
/** Every identity mode, in the order the docs list them. */
export const IDENTITY_MODES: readonly IdentityMode[] = ['stitch', 'none'];
