import { assertFinite, assertNonNegative } from './arguments.js';
import type { RelativeLift } from './comparison.js';

/** An estimate from one arm and the variance of that estimate (its squared standard error). */
export interface ArmEstimate {
  readonly estimate: number;
  readonly variance: number;
}

/**
 * The relative lift treatment/control − 1 of two independent arm estimates, with the delta-method
 * standard error √(Var(t)/c² + t²·Var(c)/c⁴) and the interval lift ± criticalValue·SE.
 * A control estimate of 0 leaves everything null; zero variance in both arms leaves the interval null.
 */
export function deltaMethodRelativeLift(
  control: ArmEstimate,
  treatment: ArmEstimate,
  criticalValue: number,
): RelativeLift {
  assertFinite('control.estimate', control.estimate);
  assertFinite('treatment.estimate', treatment.estimate);
  assertNonNegative('control.variance', control.variance);
  assertNonNegative('treatment.variance', treatment.variance);
  assertNonNegative('criticalValue', criticalValue);
  const c = control.estimate;
  const t = treatment.estimate;
  if (c === 0) {
    return liftWithout('the control value is 0, so a relative lift is undefined');
  }
  const estimate = t / c - 1;
  const ratio = t / c;
  const variance = treatment.variance / (c * c) + (ratio * ratio * control.variance) / (c * c);
  const standardError = Math.sqrt(variance);
  if (!Number.isFinite(estimate) || !Number.isFinite(standardError)) {
    return liftWithout('the relative lift overflows (the control value is too close to 0)');
  }
  if (standardError === 0) {
    return { estimate, standardError: null, interval: null, reason: 'both arms have zero variance' };
  }
  const halfWidth = criticalValue * standardError;
  return {
    estimate,
    standardError,
    interval: { lower: estimate - halfWidth, upper: estimate + halfWidth },
    reason: null,
  };
}

/** A relative lift with every field null and the reason. */
export function liftWithout(reason: string): RelativeLift {
  return { estimate: null, standardError: null, interval: null, reason };
}
