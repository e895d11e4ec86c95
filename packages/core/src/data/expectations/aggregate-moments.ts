/**
 * Count, min, max, sum, mean and sample standard deviation of a numeric column, in one streaming
 * pass and constant memory.
 *
 * The sum is exact (ExactSum: the exact sum rounded once), so it does not depend on row order or
 * batch size, and it is at least as accurate as pandas' pairwise sum. The standard deviation is
 * exact too, not Welford's: with S1 = Σx and S2 = Σx² both held exactly (each x² added as the two
 * doubles of its error-free product), n·S2 − S1² is formed exactly from their partials and rounded
 * once, so the variance (n·S2 − S1²) / (n(n − 1)) has no cancellation even when the mean dwarfs the
 * spread (where a naive sum of squares loses every digit and Welford keeps about n·ε). pandas'
 * two-pass nanvar (ddof = 1) agrees with it to ~1e-15 relative. Limits: x² must not overflow
 * (|x| < 1e154), as pandas' (x − mean)² must not.
 */
import { ExactSum } from '../../stats/exact-sum.js';

/** Dekker's splitter for doubles: 2^27 + 1. */
const SPLIT = 134217729;

/** Adds a·b to `sum` exactly: the rounded product and its rounding error (Dekker's two-product). */
function addProduct(sum: ExactSum, a: number, b: number): void {
  const p = a * b;
  const ca = SPLIT * a;
  const ah = ca - (ca - a);
  const al = a - ah;
  const cb = SPLIT * b;
  const bh = cb - (cb - b);
  const bl = b - bh;
  sum.add(p);
  sum.add(ah * bh - p + ah * bl + al * bh + al * bl);
}

export interface MomentsNeeded {
  /** Keep Σx (sum, mean, stdev). */
  sum: boolean;
  /** Keep Σx² too (stdev). */
  squares: boolean;
}

export class Moments {
  count = 0;
  min = Infinity;
  max = -Infinity;
  private readonly total = new ExactSum();
  private readonly squares = new ExactSum();

  constructor(private readonly needed: MomentsNeeded) {}

  /** Adds the first `rows` values of xs, skipping NaN (missing). */
  add(xs: Float64Array, rows: number): void {
    if (this.needed.squares) this.addWithSquares(xs, rows);
    else if (this.needed.sum) this.addWithSum(xs, rows);
    else this.addMinMax(xs, rows);
  }

  private addMinMax(xs: Float64Array, rows: number): void {
    let { count, min, max } = this;
    for (let i = 0; i < rows; i++) {
      const x = xs[i];
      if (x !== x) continue;
      count++;
      if (x < min) min = x;
      if (x > max) max = x;
    }
    this.count = count;
    this.min = min;
    this.max = max;
  }

  private addWithSum(xs: Float64Array, rows: number): void {
    const total = this.total;
    let count = this.count;
    for (let i = 0; i < rows; i++) {
      const x = xs[i];
      if (x !== x) continue;
      count++;
      total.add(x);
    }
    this.count = count;
  }

  private addWithSquares(xs: Float64Array, rows: number): void {
    const { total, squares } = this;
    let count = this.count;
    for (let i = 0; i < rows; i++) {
      const x = xs[i];
      if (x !== x) continue;
      count++;
      total.add(x);
      // x² exactly: its rounded value and the rounding error (Dekker), inlined
      const p = x * x;
      const c = SPLIT * x;
      const h = c - (c - x);
      const l = x - h;
      squares.add(p);
      squares.add(h * h - p + 2 * h * l + l * l);
    }
    this.count = count;
  }

  /** pandas' sum: 0 for no values (min_count = 0). */
  sum(): number {
    return this.total.value();
  }

  /** NaN for no values. */
  mean(): number {
    return this.count === 0 ? NaN : this.total.value() / this.count;
  }

  /** The sample standard deviation (ddof = 1); NaN for fewer than 2 values, as pandas. */
  stdev(): number {
    const n = this.count;
    if (n < 2) return NaN;
    const s1 = this.total.toJSON();
    const s2 = this.squares.toJSON();
    const numerator = new ExactSum();
    for (const q of s2) addProduct(numerator, n, q);
    for (const a of s1) for (const b of s1) addProduct(numerator, -a, b);
    const value = numerator.value();
    return Math.sqrt(Math.max(0, value) / n / (n - 1));
  }
}
