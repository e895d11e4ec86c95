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
