import { incompleteBeta } from '../stats/special.js';

/**
 * Student's t cumulative distribution P[T <= t] for df > 0 degrees of freedom, from the
 * regularized incomplete beta function (stats/special.ts): the tail P[T > |t|] =
 * I_{df/(df+t²)}(df/2, 1/2)/2 (Abramowitz & Stegun 26.7.1), computed directly, so a small tail
 * keeps its relative precision. The jackknife's p-values need it; stats/normal.ts has the quantile.
 */
export function studentTCdf(t: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`studentTCdf: degrees of freedom must be positive, got ${df}`);
  if (Number.isNaN(t)) return NaN;
  if (t === 0) return 0.5;
  const t2 = t * t;
  const tail = t2 === Infinity ? 0 : 0.5 * incompleteBeta(df / 2, 0.5, df / (df + t2), t2 / (df + t2));
  return t > 0 ? 1 - tail : tail;
}
