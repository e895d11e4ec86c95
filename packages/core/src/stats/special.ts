// Special functions behind the distributions of stats/: log Γ, log B and the regularized
// incomplete beta function, accurate to a few ulps of the result's logarithm — including for large
// arguments, where log Γ(a) - log Γ(a + b) cancels and is instead taken from Stirling's series.

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);
/** Stirling's series is used from this argument up; below, the recurrence Γ(x + 1) = x Γ(x) lifts x to it. */
const STIRLING_FROM = 10;

/**
 * Stirling's remainder δ(x) = log Γ(x) - ((x - 1/2) log x - x + log √(2π)) for x >= 10: the
 * asymptotic series Σ B_2k / (2k (2k - 1) x^(2k-1)), eight terms (the ninth is 2e-18 at x = 10).
 */
export function stirlingRemainder(x: number): number {
  const x2 = 1 / (x * x);
  return (
    (1 / 12 -
      x2 * (1 / 360 - x2 * (1 / 1260 - x2 * (1 / 1680 - x2 * (1 / 1188 - x2 * (691 / 360360 - x2 * (1 / 156 - (x2 * 3617) / 122400))))))) /
    x
  );
}

/** log Γ(x) for x > 0. */
export function logGamma(x: number): number {
  let shift = 0;
  let product = 1;
  while (x + shift < STIRLING_FROM) product *= x + shift++;
  const y = x + shift;
  return (y - 0.5) * Math.log(y) - y + HALF_LOG_TWO_PI + stirlingRemainder(y) - Math.log(product);
}

/**
 * log B(a, b) = log Γ(a) + log Γ(b) - log Γ(a + b) for a, b > 0, without the cancellation of
 * the three large terms when an argument is large (as R's lbeta: Stirling's leading terms cancel
 * analytically, leaving log1p and the remainders).
 */
export function logBeta(a: number, b: number): number {
  const small = Math.min(a, b);
  const large = Math.max(a, b);
  const sum = a + b;
  if (large < STIRLING_FROM) return logGamma(a) + logGamma(b) - logGamma(sum);
  if (small < STIRLING_FROM) {
    const remainders = stirlingRemainder(large) - stirlingRemainder(sum);
    return logGamma(small) + remainders + small - small * Math.log(sum) + (large - 0.5) * Math.log1p(-small / sum);
  }
  const remainders = stirlingRemainder(small) + stirlingRemainder(large) - stirlingRemainder(sum);
  return -0.5 * Math.log(large) + HALF_LOG_TWO_PI + remainders + (small - 0.5) * Math.log(small / sum) + large * Math.log1p(-small / sum);
}

/**
 * The continued fraction of I_x(a, b) (Numerical Recipes' betacf), 1 / (1 + d1 / (1 + d2 / (1 +
 * ...))) with d(2m+1) = -(a+m)(a+b+m)x / ((a+2m)(a+2m+1)) and d(2m) = m(b-m)x / ((a+2m-1)(a+2m)),
 * evaluated backward from `depth`. Not by Lentz's forward recurrence: for large a and x near 1
 * each 1 + d(2m+1) is a difference of nearly equal numbers (1.7e-10 relative error at a = 5e6,
 * x = 1 - 5e-7); backward, each level is formed from 1 + d(2m+1), which for x > 1/2 is expanded
 * exactly in y = 1 - x: (a(2m+1-b) + 3m^2 + m(2-b) + (a+m)(a+b+m)y) / ((a+2m)(a+2m+1)).
 */
function betaContinuedFractionAt(a: number, b: number, x: number, y: number, depth: number): number {
  // below = T(k+1) - 1, where T(k) = 1 + d(k) / T(k+1) is the fraction from level k down
  let below = 0;
  for (let m = depth; ; m--) {
    const denominator = (a + 2 * m) * (a + 2 * m + 1);
    const onePlusOdd =
      x > 0.5
        ? (a * (2 * m + 1 - b) + 3 * m * m + m * (2 - b) + (a + m) * (a + b + m) * y) / denominator
        : 1 - ((a + m) * (a + b + m) * x) / denominator;
    // T(2m+1) = 1 + d / (1 + below) = (1 + d + below) / (1 + below)
    const odd = (onePlusOdd + below) / (1 + below);
    if (m === 0) return 1 / odd;
    below = (m * (b - m) * x) / ((a - 1 + 2 * m) * (a + 2 * m)) / odd;
  }
}

/** The continued fraction, deepened (doubling) until two depths agree to 2 ulps. */
function betaContinuedFraction(a: number, b: number, x: number, y: number): number {
  let previous = betaContinuedFractionAt(a, b, x, y, 8);
  for (let depth = 16; depth <= 2 ** 20; depth *= 2) {
    const current = betaContinuedFractionAt(a, b, x, y, depth);
    if (Math.abs(current - previous) <= 2 * Number.EPSILON * Math.abs(current)) return current;
    previous = current;
  }
  throw new Error(`incomplete beta: no convergence for a = ${a}, b = ${b}, x = ${x}`);
}

/**
 * The regularized incomplete beta function I_x(a, b) for a, b > 0 and x in [0, 1], given also
 * y = 1 - x (computed by the caller without cancellation, e.g. t^2 / (df + t^2) and df / (df +
 * t^2)): relative accuracy ~1e-15 where the result is small, the case a tail probability needs.
 */
export function incompleteBeta(a: number, b: number, x: number, y: number): number {
  if (x <= 0) return 0;
  if (y <= 0) return 1;
  // log x as log1p(-y) when x is near 1 (and log y likewise): a * log x would otherwise carry
  // a * 1e-16 of x's rounding (5e-10 at a = 5e6, the t distribution's df / 2)
  const logX = x > 0.5 ? Math.log1p(-y) : Math.log(x);
  const logY = y > 0.5 ? Math.log1p(-x) : Math.log(y);
  const front = Math.exp(a * logX + b * logY - logBeta(a, b));
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(a, b, x, y)) / a;
  return 1 - (front * betaContinuedFraction(b, a, y, x)) / b;
}

/** Iterations beyond which a series or continued fraction of the incomplete gamma function is a bug. */
const GAMMA_MAX_TERMS = 100_000;

/** P(a, x) by its series e^-x x^a / Γ(a + 1) Σ x^n / ((a + 1)...(a + n)), for x < a + 1. */
function lowerGammaSeries(a: number, x: number): number {
  let term = 1 / a;
  let sum = term;
  for (let n = 1; n < GAMMA_MAX_TERMS; n++) {
    term *= x / (a + n);
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * Number.EPSILON) return sum * Math.exp(-x + a * Math.log(x) - logGamma(a));
  }
  throw new Error(`incomplete gamma: no convergence of the series for a = ${a}, x = ${x}`);
}

/** Q(a, x) by its continued fraction (modified Lentz), for x >= a + 1. */
function upperGammaFraction(a: number, x: number): number {
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < GAMMA_MAX_TERMS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < Number.EPSILON) return Math.exp(-x + a * Math.log(x) - logGamma(a)) * h;
  }
  throw new Error(`incomplete gamma: no convergence of the continued fraction for a = ${a}, x = ${x}`);
}

/**
 * The regularized upper incomplete gamma function Q(a, x) = Γ(a, x) / Γ(a) for a > 0, x >= 0
 * (scipy.special.gammaincc): the series of P = 1 - Q below x = a + 1, the continued fraction of Q
 * above (Numerical Recipes' gser/gcf), so a small Q — a tail probability — keeps its relative
 * accuracy. The factor e^-x x^a / Γ(a) carries ~a·ε of relative error for large a (1e-12 at a = 1e4).
 */
export function upperIncompleteGamma(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) return Number.NaN;
  if (x === 0) return 1;
  if (x === Infinity) return 0;
  return x < a + 1 ? 1 - lowerGammaSeries(a, x) : upperGammaFraction(a, x);
}

/** The chi-square distribution's survival function P(X > x) with `dof` degrees of freedom (scipy.stats.chi2.sf). */
export function chiSquareSf(x: number, dof: number): number {
  if (x <= 0) return 1;
  return upperIncompleteGamma(dof / 2, x / 2);
}

/**
 * The survival function of Kolmogorov's limit distribution, P(K > z) with K = sup |B(t)| of the
 * Brownian bridge (scipy.special.kolmogorov, scipy.stats.kstwobign.sf): 2 Σ (-1)^(k-1) e^(-2k²z²)
 * from z = 1 up, and 1 - √(2π)/z Σ e^(-(2k-1)²π²/(8z²)) below (both series converge within 1e-17
 * in a handful of terms there).
 */
export function kolmogorovSf(z: number): number {
  if (!(z > 0)) return 1;
  if (z >= 1) {
    let sum = 0;
    for (let k = 1; k <= 100; k++) {
      const term = Math.exp(-2 * k * k * z * z);
      sum += k % 2 === 1 ? term : -term;
      if (term < 1e-300 || term < Number.EPSILON * 1e-3 * sum) break;
    }
    return Math.min(1, Math.max(0, 2 * sum));
  }
  const w = (Math.PI * Math.PI) / (8 * z * z);
  let sum = 0;
  for (let k = 1; k <= 100; k++) {
    const term = Math.exp(-(2 * k - 1) * (2 * k - 1) * w);
    sum += term;
    if (term < Number.EPSILON * 1e-3 * sum) break;
  }
  return Math.min(1, Math.max(0, 1 - (Math.sqrt(2 * Math.PI) / z) * sum));
}
