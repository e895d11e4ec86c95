// The standard normal distribution and Student's t quantile, for the intervals and p-values of the
// paired comparisons: Φ by Cody's rational Chebyshev approximations ("Rational Chebyshev
// approximations for the error function", Math. Comp. 23, 1969; the coefficients of his ANORM,
// as R's pnorm uses them), Φ^-1 by Wichura's AS 241 (PPND16, Applied Statistics 37(3), 1988),
// both accurate to about 1e-16 relative; Student's t quantile by Newton's method on its tail
// probability, an incomplete beta function (special.ts). The coefficients are the published
// ones written as the doubles they denote (shortest round-trip form).

import { incompleteBeta, logBeta } from './special.js';

const ONE_OVER_SQRT_TWO_PI = 0.3989422804014327;

/** Cody's coefficients: |x| <= 0.674 (a, b), up to √32 (c, d), beyond (p, q). */
const A = [2.2352520354606837, 161.02823106855587, 1067.6894854603709, 18154.98125334356, 0.06568233791820745];
const B = [47.202581904688245, 976.0985517377767, 10260.932208618979, 45507.78933502673];
const C = [
  0.39894151208813466, 8.883149794388377, 93.50665613217785, 597.2702763948002, 2494.5375852903726, 6848.190450536283, 11602.65143764735,
  9842.714838383978, 1.0765576773720192e-8,
];
const D = [
  22.266688044328117, 235.387901782625, 1519.3775994075547, 6485.558298266761, 18615.571640885097, 34900.95272114598, 38912.00328609327,
  19685.429676859992,
];
const P = [
  0.215898534057957, 0.12740116116024736, 0.022235277870649807, 0.0014216191932278934, 0.000029112874951168793, 0.023073441764940174,
];
const Q = [1.284260096144911, 0.4682382124808651, 0.06598813786892856, 0.0037823963320275824, 0.00007297515550839662];

/**
 * exp(-y^2 / 2) * factor, with y^2 split as (y rounded down to 1/16)^2 + the rest, whose product
 * is exact: the tail keeps its relative accuracy where y^2 / 2 is large (Cody's device).
 */
function gaussianTail(y: number, factor: number): number {
  const coarse = Math.trunc(y * 16) / 16;
  const rest = (y - coarse) * (y + coarse);
  return Math.exp(-coarse * coarse * 0.5) * Math.exp(-rest * 0.5) * factor;
}

/** P[Z > y] for y > 0.674 (Cody's second and third ranges). */
function upperTail(y: number): number {
  if (y <= Math.sqrt(32)) {
    let numerator = C[8] * y;
    let denominator = y;
    for (let i = 0; i < 7; i++) {
      numerator = (numerator + C[i]) * y;
      denominator = (denominator + D[i]) * y;
    }
    return gaussianTail(y, (numerator + C[7]) / (denominator + D[7]));
  }
  const inverseSquare = 1 / (y * y);
  let numerator = P[5] * inverseSquare;
  let denominator = inverseSquare;
  for (let i = 0; i < 4; i++) {
    numerator = (numerator + P[i]) * inverseSquare;
    denominator = (denominator + Q[i]) * inverseSquare;
  }
  const correction = (inverseSquare * (numerator + P[4])) / (denominator + Q[4]);
  return gaussianTail(y, (ONE_OVER_SQRT_TWO_PI - correction) / y);
}

/** Φ(x) = P[Z <= x] for a standard normal Z; the lower tail keeps full relative accuracy down to x = -37.5. */
export function normalCdf(x: number): number {
  const y = Math.abs(x);
  if (Number.isNaN(x)) return NaN;
  // past 40 the tail, below 4e-350, is 0 in doubles
  if (y >= 40) return x > 0 ? 1 : 0;
  if (y <= 0.67448975) {
    const square = y > Number.EPSILON / 2 ? x * x : 0;
    let numerator = A[4] * square;
    let denominator = square;
    for (let i = 0; i < 3; i++) {
      numerator = (numerator + A[i]) * square;
      denominator = (denominator + B[i]) * square;
    }
    return 0.5 + (x * (numerator + A[3])) / (denominator + B[3]);
  }
  const tail = upperTail(y);
  return x > 0 ? 1 - tail : tail;
}

/** Wichura's coefficients: |p - 1/2| <= 0.425 (a, b), then r = √(-log min(p, 1-p)) <= 5 (c, d), beyond (e, f). */
const AS241_A = [
  3.3871328727963665, 133.14166789178438, 1971.5909503065513, 13731.69376550946, 45921.95393154987, 67265.7709270087, 33430.57558358813,
  2509.0809287301227,
];
const AS241_B = [
  1, 42.31333070160091, 687.1870074920579, 5394.196021424751, 21213.794301586597, 39307.89580009271, 28729.085735721943, 5226.495278852854,
];
const AS241_C = [
  1.4234371107496835, 4.630337846156546, 5.769497221460691, 3.6478483247632045, 1.2704582524523684, 0.2417807251774506,
  0.022723844989269184, 0.0007745450142783414,
];
const AS241_D = [
  1, 2.053191626637759, 1.6763848301838038, 0.6897673349851, 0.14810397642748008, 0.015198666563616457, 0.0005475938084995345,
  1.0507500716444169e-9,
];
const AS241_E = [
  6.657904643501103, 5.463784911164114, 1.7848265399172913, 0.29656057182850487, 0.026532189526576124, 0.0012426609473880784,
  0.000027115555687434876, 2.0103343992922881e-7,
];
const AS241_F = [
  1, 0.599832206555888, 0.1369298809227358, 0.014875361290850615, 0.0007868691311456133, 0.000018463183175100548, 1.421511758316446e-7,
  2.0442631033899397e-15,
];

/** c[0] + c[1] x + ... + c[7] x^7 (Horner). */
function polynomial(c: readonly number[], x: number): number {
  let value = c[7];
  for (let i = 6; i >= 0; i--) value = value * x + c[i];
  return value;
}

/** Φ^-1(p), the standard normal quantile, for p in [0, 1] (±Infinity at 0 and 1, NaN outside). */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (q * polynomial(AS241_A, r)) / polynomial(AS241_B, r);
  }
  let r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  let value: number;
  if (r <= 5) {
    r -= 1.6;
    value = polynomial(AS241_C, r) / polynomial(AS241_D, r);
  } else {
    r -= 5;
    value = polynomial(AS241_E, r) / polynomial(AS241_F, r);
  }
  return q < 0 ? -value : value;
}

/**
 * Student's t cumulative distribution P[T <= t] for df > 0 degrees of freedom, from the
 * regularized incomplete beta function (stats/special.ts): the tail P[T > |t|] =
 * I_{df/(df+t²)}(df/2, 1/2)/2 (Abramowitz & Stegun 26.7.1), computed directly, so a small tail
 * keeps its relative precision. The jackknife's p-values need it; studentTQuantile below inverts it.
 */
export function studentTCdf(t: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`studentTCdf: degrees of freedom must be positive, got ${df}`);
  if (Number.isNaN(t)) return NaN;
  if (t === 0) return 0.5;
  const t2 = t * t;
  const tail = t2 === Infinity ? 0 : 0.5 * incompleteBeta(df / 2, 0.5, df / (df + t2), t2 / (df + t2));
  return t > 0 ? 1 - tail : tail;
}

/**
 * For t > 0 and df degrees of freedom: log of P[T > t] (tail = true) or of P[0 < T <= t], and the
 * derivative of that logarithm in log t. Both from I_x(df/2, 1/2) with x and 1 - x formed from t
 * without cancellation, so each keeps its relative accuracy where it is small.
 */
function logProbabilityAndSlope(t: number, df: number, tail: boolean): [number, number] {
  const t2 = t * t;
  const x = df / (df + t2);
  const y = t2 / (df + t2);
  const probability = tail ? 0.5 * incompleteBeta(df / 2, 0.5, x, y) : 0.5 * incompleteBeta(0.5, df / 2, y, x);
  const logDensity = -((df + 1) / 2) * Math.log1p(t2 / df) - 0.5 * Math.log(df) - logBeta(df / 2, 0.5);
  const slope = (t * Math.exp(logDensity)) / probability;
  return [Math.log(probability), tail ? -slope : slope];
}

/**
 * Student's t quantile: the t with P[T <= t] = p for df > 0 degrees of freedom (df need not be an
 * integer; Infinity is the normal). Newton's method in log t on the log of the smaller of the
 * tail P[T > |t|] (p far from 1/2) and the centre P[0 < T <= |t|] (p near 1/2), both nearly
 * linear in log t, bracketed by bisection; accurate to ~1e-14 relative.
 */
export function studentTQuantile(p: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`studentTQuantile: degrees of freedom must be positive, got ${df}`);
  if (df === Infinity) return normalQuantile(p);
  if (!(p >= 0 && p <= 1)) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p === 0.5) return 0;
  const smaller = Math.min(p, 1 - p);
  const tail = smaller < 0.25;
  // the target: log P[T > t] = log(smaller), or log P[0 < T <= t] = log(1/2 - smaller) (exact: smaller >= 1/4)
  const target = Math.log(tail ? smaller : 0.5 - smaller);
  const t = solveInLogT(df, tail, target, Math.log(Math.max(Math.abs(normalQuantile(smaller)), 1e-300)));
  return p < 0.5 ? -t : t;
}

/**
 * Safeguarded Newton on u = log t for g(u) = logProbability(e^u) - target, monotone in u
 * (decreasing for the tail, increasing for the centre): every evaluation narrows a bracket of the
 * root, and a Newton step that leaves it is replaced by bisection (or, while the bracket is open
 * on one side, by a step of 4 in log t towards that side).
 */
function solveInLogT(df: number, tail: boolean, target: number, start: number): number {
  let lower = -Infinity;
  let upper = Infinity;
  let u = start;
  for (let iteration = 0; iteration < 200; iteration++) {
    const [logProbability, slope] = logProbabilityAndSlope(Math.exp(u), df, tail);
    const g = logProbability - target;
    if (g === 0) break;
    // the root is above u when g < 0 for the increasing centre, or g > 0 for the decreasing tail
    if (g < 0 !== tail) lower = u;
    else upper = u;
    let next = u - g / slope;
    if (!(next > lower && next < upper)) {
      if (lower === -Infinity) next = upper - 4;
      else if (upper === Infinity) next = lower + 4;
      else next = (lower + upper) / 2;
    }
    const done = Math.abs(next - u) <= 4 * Number.EPSILON * Math.max(1, Math.abs(u));
    u = next;
    if (done) break;
  }
  return Math.exp(u);
}
