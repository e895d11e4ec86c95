// The standard normal distribution and Student's t quantile, for the intervals and p-values of the
// paired comparisons: Φ by Cody's rational Chebyshev approximations ("Rational Chebyshev
// approximations for the error function", Math. Comp. 23, 1969; the coefficients of his ANORM,
// as R's pnorm uses them), Φ^-1 by Wichura's AS 241 (PPND16, Applied Statistics 37(3), 1988),
// both accurate to about 1e-16 relative; Student's t quantile by Newton's method on its tail
// probability, an incomplete beta function (special.ts).

import { incompleteBeta, logBeta } from './special.js';

const ONE_OVER_SQRT_TWO_PI = 0.3989422804014327;

/** Cody's coefficients: |x| <= 0.674 (a, b), up to √32 (c, d), beyond (p, q). */
const A = [2.2352520354606839287, 161.02823106855587881, 1067.6894854603709582, 18154.981253343561249, 0.065682337918207449113];
const B = [47.20258190468824187, 976.09855173777669322, 10260.932208618978205, 45507.789335026729956];
const C = [
  0.39894151208813466764, 8.8831497943883759412, 93.506656132177855979, 597.27027639480026226, 2494.5375852903726711, 6848.1904505362823326,
  11602.651437647350124, 9842.7148383839780218, 1.0765576773720192317e-8,
];
const D = [
  22.266688044328115691, 235.38790178262499861, 1519.377599407554805, 6485.558298266760755, 18615.571640885098091, 34900.952721145977266,
  38912.003286093271411, 19685.429676859990727,
];
const P = [
  0.21589853405795699, 0.1274011611602473639, 0.022235277870649807, 0.001421619193227893466, 2.9112874951168792e-5, 0.02307344176494017303,
];
const Q = [1.28426009614491121, 0.468238212480865118, 0.0659881378689285515, 0.00378239633202758244, 7.29751555083966205e-5];

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
  3.387132872796366608, 133.14166789178437745, 1971.5909503065514427, 13731.693765509461125, 45921.953931549871457, 67265.770927008700853,
  33430.575583588128105, 2509.0809287301226727,
];
const AS241_B = [
  1, 42.313330701600911252, 687.1870074920579083, 5394.1960214247511077, 21213.794301586595867, 39307.89580009271061, 28729.085735721942674,
  5226.495278852854561,
];
const AS241_C = [
  1.42343711074968357734, 4.6303378461565452959, 5.7694972214606914055, 3.64784832476320460504, 1.27045825245236838258,
  0.24178072517745061177, 0.0227238449892691845833, 7.7454501427834140764e-4,
];
const AS241_D = [
  1, 2.05319162663775882187, 1.6763848301838038494, 0.68976733498510000455, 0.14810397642748007459, 0.0151986665636164571966,
  5.475938084995344946e-4, 1.05075007164441684324e-9,
];
const AS241_E = [
  6.6579046435011037772, 5.4637849111641143699, 1.7848265399172913358, 0.29656057182850489123, 0.026532189526576123093,
  0.0012426609473880784386, 2.71155556874348757815e-5, 2.01033439929228813265e-7,
];
const AS241_F = [
  1, 0.59983220655588793769, 0.13692988092273580531, 0.0148753612908506148525, 7.868691311456132591e-4, 1.8463183175100546818e-5,
  1.4215117583164458887e-7, 2.04426310338993978564e-15,
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
