import { assertNumber, assertPositive, assertProbability } from '../arguments.js';
import { incompleteBeta } from '../special/incomplete-beta.js';
import { logBeta, logGamma } from '../special/log-gamma.js';
import { normalCdf, normalQuantile } from './normal.js';

/**
 * Beyond this many degrees of freedom the t distribution is the normal one to within 1e-11: the
 * difference is about φ(t)(t³ + t)/(4ν).
 */
const NORMAL_DEGREES_OF_FREEDOM = 1e10;

/**
 * The Student t distribution function P(T ≤ t) with `df` > 0 degrees of freedom (not necessarily an
 * integer; Infinity is the normal distribution). Uses P(T ≤ −|t|) = ½ I_{ν/(ν+t²)}(ν/2, ½) with the
 * regularized incomplete beta function, so small tail probabilities keep their relative accuracy.
 */
export function studentTCdf(t: number, df: number): number {
  assertNumber('t', t);
  assertPositive('df', df, true);
  if (df > NORMAL_DEGREES_OF_FREEDOM) return normalCdf(t);
  const tail = studentTLowerTail(Math.abs(t), df);
  return t < 0 ? tail : 1 - tail;
}

/** P(T ≤ −s) for s ≥ 0. */
function studentTLowerTail(s: number, df: number): number {
  if (s === Number.POSITIVE_INFINITY) return 0;
  const logRatio = 2 * Math.log(s) - Math.log(df);
  if (logRatio > 690) {
    // x = ν/(ν + s²) < 1e-300 (s² may not even be representable): I_x(ν/2, ½) = xᵃ/(a B(a, ½))·(1 + O(x))
    const a = df / 2;
    return 0.5 * Math.exp(-a * logRatio - logBeta(a, 0.5) - Math.log(a));
  }
  const ratio = (s * s) / df;
  const x = 1 / (1 + ratio);
  const y = ratio / (1 + ratio);
  return 0.5 * incompleteBeta(x, y, df / 2, 0.5).lower;
}

/** The log of the t density at s (the density itself underflows beyond s ≈ 1e308^(1/(ν+1))). */
function studentTLogDensity(s: number, df: number): number {
  const ratio = (s * s) / df;
  const logKernel = ratio < 1e300 ? Math.log1p(ratio) : 2 * Math.log(s) - Math.log(df);
  return -((df + 1) / 2) * logKernel - 0.5 * Math.log(df) - logBeta(df / 2, 0.5);
}

/**
 * The Student t quantile: the t with P(T ≤ t) = p, for p in [0, 1] (±Infinity at 0 and 1) and
 * `df` > 0. Closed forms for 1 and 2 degrees of freedom; otherwise a Cornish–Fisher or tail start
 * refined by Newton's method on log P(T ≤ −s), kept inside a bracket by bisection.
 * Throws `invalid_probability` outside [0, 1].
 */
export function studentTQuantile(p: number, df: number): number {
  assertProbability('p', p);
  assertPositive('df', df, true);
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  if (p === 0.5) return 0;
  if (df > NORMAL_DEGREES_OF_FREEDOM) return normalQuantile(p);
  const lowerTail = p < 0.5 ? p : 1 - p;
  const s = lowerTailQuantile(lowerTail, df);
  return p < 0.5 ? -s : s;
}

/** The s ≥ 0 with P(T ≤ −s) = q, for 0 < q < ½. */
function lowerTailQuantile(q: number, df: number): number {
  if (df === 1) return 1 / Math.tan(Math.PI * q);
  if (df === 2) return (1 - 2 * q) / Math.sqrt(2 * q * (1 - q));
  const logQ = Math.log(q);
  const misfit = (s: number): number => Math.log(studentTLowerTail(s, df)) - logQ;

  let s = initialGuess(q, df, misfit);
  let low = 0;
  let high = Number.POSITIVE_INFINITY;
  for (let iteration = 0; iteration < 300; iteration++) {
    const tail = studentTLowerTail(s, df);
    const f = Math.log(tail) - logQ;
    if (f === 0) return s;
    if (f > 0) low = s;
    else high = s;
    if (low === Number.MAX_VALUE) return Number.POSITIVE_INFINITY;
    let next = tail > 0 ? newtonStep(s, f, tail, df) : Number.NaN;
    if (!(next > low && next < high)) next = bisect(low, high, s);
    if (Math.abs(next - s) <= 2e-16 * next || next === low || next === high) return next;
    s = next;
  }
  return s;
}

/**
 * A Newton step for log P(T ≤ −s) = log q, whose derivative is −density(s)/P(T ≤ −s): in s near 0,
 * in log s beyond 1, where the tail is close to a power of s and the step in log s nearly exact.
 */
function newtonStep(s: number, misfit: number, tail: number, df: number): number {
  const logTailOverDensity = Math.log(tail) - studentTLogDensity(s, df);
  return s > 1
    ? s * Math.exp(misfit * Math.exp(logTailOverDensity - Math.log(s)))
    : s + misfit * Math.exp(logTailOverDensity);
}

/** The next point inside (low, high): growing from s without an upper end, geometric for wide brackets. */
function bisect(low: number, high: number, s: number): number {
  if (high === Number.POSITIVE_INFINITY) return Math.min(Math.max(2 * s + 1, s * s), Number.MAX_VALUE);
  if (low > 0 && high > 4 * low) return Math.sqrt(low * high);
  return (low + high) / 2;
}

/** The better of a Cornish–Fisher expansion about the normal quantile and the power-law tail. */
function initialGuess(q: number, df: number, misfit: (s: number) => number): number {
  const z = -normalQuantile(q);
  const z2 = z * z;
  // Abramowitz & Stegun 26.7.5
  const g1 = (z2 + 1) * z * 0.25;
  const g2 = (((5 * z2 + 16) * z2 + 3) * z) / 96;
  const g3 = ((((3 * z2 + 19) * z2 + 17) * z2 - 15) * z) / 384;
  const g4 = (((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) * z) / 92160;
  const cornishFisher = z + (g1 + (g2 + (g3 + g4 / df) / df) / df) / df;
  // P(T ≤ −s) ≈ Γ((ν+1)/2) ν^(ν/2 − 1) s^(−ν) / (√π Γ(ν/2)) for large s
  const logTailScale =
    logGamma((df + 1) / 2) - logGamma(df / 2) - 0.5 * Math.log(Math.PI) + (df / 2 - 1) * Math.log(df);
  const powerLaw = Math.exp((logTailScale - Math.log(q)) / df);
  const candidates = [cornishFisher, powerLaw].filter((s) => s > 0 && Number.isFinite(s));
  let best = Math.max(z, 1e-3);
  let bestMisfit = Math.abs(misfit(best));
  for (const candidate of candidates) {
    const candidateMisfit = Math.abs(misfit(candidate));
    if (candidateMisfit < bestMisfit) {
      best = candidate;
      bestMisfit = candidateMisfit;
    }
  }
  return best;
}
