/** A two-sided confidence interval. */
export interface Interval {
  readonly lower: number;
  readonly upper: number;
}

/** Options every test takes. */
export interface TestOptions {
  /** Two-sided significance level; intervals have coverage 1 − alpha. Default 0.05. */
  readonly alpha?: number;
}

/** The significance level when none is given: 95% intervals. */
export const DEFAULT_ALPHA = 0.05;

/**
 * Treatment relative to control: `estimate` = treatment/control − 1. Fields that cannot be computed
 * are `null` and `reason` says why (e.g. a control mean of 0).
 */
export interface RelativeLift {
  readonly estimate: number | null;
  readonly standardError: number | null;
  readonly interval: Interval | null;
  readonly reason: string | null;
}

/**
 * The fields shared by the two-arm comparisons: the difference treatment − control, its standard
 * error, test statistic, two-sided p-value and 1 − alpha interval, and the relative lift. Fields that
 * cannot be computed are `null`; `reason` says why (null when everything was computed).
 */
export interface ComparisonFields {
  readonly alpha: number;
  readonly difference: number | null;
  readonly standardError: number | null;
  readonly statistic: number | null;
  readonly pValue: number | null;
  readonly interval: Interval | null;
  readonly relativeLift: RelativeLift;
  readonly reason: string | null;
}

/** The reason a comparison gives when |difference / SE| is beyond the largest double. */
export const STATISTIC_OVERFLOW =
  'the difference is so many standard errors from 0 that the test statistic overflows (left null); the p-value is 0 in double precision';
