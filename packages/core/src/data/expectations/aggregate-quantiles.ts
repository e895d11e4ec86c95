/**
 * Which order statistics a pandas median or quantile reads, and how it combines them — numpy 1.24's
 * `_quantile` (pandas' Series.quantile calls np.percentile(values, q * 100, method=...), which
 * divides by 100 again) and np.median.
 */
export type Interpolation = 'linear' | 'lower' | 'higher' | 'midpoint' | 'nearest';

export const INTERPOLATIONS: readonly Interpolation[] = ['linear', 'lower', 'higher', 'midpoint', 'nearest'];

/** The sorted positions a quantile reads and the weight of the second (numpy's gamma). */
export interface Position {
  prev: number;
  next: number;
  gamma: number;
}

/** np.around: half to even. */
function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const d = v - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** numpy's _get_indexes and _get_gamma for a fractional virtual index v. */
function lerpPosition(v: number, n: number, gammaOf: (v: number, prev: number) => number): Position {
  if (v >= n - 1) return { prev: n - 1, next: n - 1, gamma: gammaOf(v, -1) };
  if (v < 0) return { prev: 0, next: 0, gamma: gammaOf(v, 0) };
  const prev = Math.floor(v);
  return { prev, next: prev + 1, gamma: gammaOf(v, prev) };
}

/** Where quantile q of n sorted values is, for pandas' `interpolation`. */
export function quantilePosition(q: number, n: number, method: Interpolation): Position {
  const v = (n - 1) * ((q * 100) / 100);
  const at = (i: number): Position => ({ prev: i, next: i, gamma: 0 });
  switch (method) {
    case 'lower':
      return at(Math.floor(v));
    case 'higher':
      return at(Math.ceil(v));
    case 'nearest':
      return at(roundHalfEven(v));
    case 'linear':
      return lerpPosition(v, n, (x, prev) => x - prev);
    case 'midpoint': {
      const m = 0.5 * (Math.floor(v) + Math.ceil(v));
      return lerpPosition(m, n, (x) => (x % 1 === 0 ? 0 : 0.5));
    }
  }
}

/** numpy's _lerp: a + (b − a)·t, or b − (b − a)·(1 − t) when t >= 0.5. */
export function lerp(a: number, b: number, t: number): number {
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/** The ranks (0-based) the median of n values reads: the middle one, or the middle two. */
export function medianRanks(n: number): number[] {
  return n % 2 === 1 ? [(n - 1) / 2, (n - 1) / 2] : [n / 2 - 1, n / 2];
}

/** np.median from the values at medianRanks: their mean ((a + b) / 2, as np.mean of two). */
export function medianOf(a: number, b: number, n: number): number {
  return n % 2 === 1 ? a : (a + b) / 2;
}
