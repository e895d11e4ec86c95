/**
 * The drift statistics of two binned samples (counts per bin, the same bins for both): PSI, the
 * Jensen-Shannon distance and the chi-square test of homogeneity; and the quantile rule that cuts
 * the bins.
 */
import { chiSquareSf } from '../../stats/special.js';

/**
 * The proportion an empty bin gets in PSI, whose ln(cur/ref) is infinite otherwise: 0.0001, as
 * Evidently (np.place(percents, percents == 0, 0.0001)). A bin empty on one side only then adds
 * (p - 0.0001) ln(p / 0.0001) — 0.0005 for p = 0.0002, 0.45 for p = 0.05: a category that
 * appears or vanishes weighs in, an empty bin on both sides adds 0.
 */
export const PSI_EMPTY_BIN = 0.0001;

/** Σ (cur% - ref%) ln(cur% / ref%) over the bins, empty bins at PSI_EMPTY_BIN. */
export function psi(reference: ArrayLike<number>, current: ArrayLike<number>): number {
  const refTotal = total(reference);
  const curTotal = total(current);
  let sum = 0;
  for (let i = 0; i < reference.length; i++) {
    const r = reference[i] === 0 ? PSI_EMPTY_BIN : reference[i] / refTotal;
    const c = current[i] === 0 ? PSI_EMPTY_BIN : current[i] / curTotal;
    sum += (c - r) * Math.log(c / r);
  }
  return sum;
}

function total(counts: ArrayLike<number>): number {
  let t = 0;
  for (let i = 0; i < counts.length; i++) t += counts[i];
  return t;
}

/**
 * The Jensen-Shannon distance as scipy.spatial.distance.jensenshannon(p, q) with its default
 * natural logarithm (as Evidently calls it): √((KL(p‖m) + KL(q‖m)) / 2), m = (p + q) / 2, the counts
 * normalised first; 0 ln 0 = 0, so empty bins need no epsilon. Between 0 and √ln 2 ≈ 0.8326.
 */
export function jensenShannonDistance(p: ArrayLike<number>, q: ArrayLike<number>): number {
  const pt = total(p);
  const qt = total(q);
  let sum = 0;
  for (let i = 0; i < p.length; i++) {
    const a = p[i] / pt;
    const b = q[i] / qt;
    const m = (a + b) / 2;
    if (a > 0) sum += a * Math.log(a / m);
    if (b > 0) sum += b * Math.log(b / m);
  }
  return Math.sqrt(Math.max(0, sum / 2));
}

export interface ChiSquareResult {
  statistic: number;
  dof: number;
  pValue: number;
}

/**
 * The chi-square test of homogeneity of two samples over K categories: the 2 x K contingency
 * table, expected counts from the pooled proportions, dof K - 1 (categories empty on both sides
 * left out), no Yates correction — scipy.stats.chi2_contingency(table, correction=False).
 * Evidently instead runs chisquare(current, expected = reference proportions x current size), a
 * goodness-of-fit test that takes the reference's proportions as exact; with two samples both are
 * estimates, which the homogeneity test accounts for (its statistic is the smaller when the
 * reference is small, and the two agree as the reference grows).
 */
export function chiSquareHomogeneity(reference: ArrayLike<number>, current: ArrayLike<number>): ChiSquareResult {
  const refTotal = total(reference);
  const curTotal = total(current);
  const n = refTotal + curTotal;
  let statistic = 0;
  let k = 0;
  for (let i = 0; i < reference.length; i++) {
    const column = reference[i] + current[i];
    if (column === 0) continue;
    k++;
    const expectedRef = (column * refTotal) / n;
    const expectedCur = (column * curTotal) / n;
    statistic += (reference[i] - expectedRef) ** 2 / expectedRef + (current[i] - expectedCur) ** 2 / expectedCur;
  }
  const dof = k - 1;
  return { statistic, dof, pValue: dof > 0 ? chiSquareSf(statistic, dof) : 1 };
}

/**
 * numpy.quantile(sorted, q) with numpy's default 'linear' method, to the bit: position q (n - 1),
 * and numpy's _lerp (from the upper neighbour when the fraction is >= 1/2), so edges cut at the
 * reference's values fall where numpy's do.
 */
export function quantileSorted(sorted: Float64Array, q: number): number {
  const n = sorted.length;
  const position = q * (n - 1);
  const lo = Math.floor(position);
  if (lo >= n - 1) return sorted[n - 1];
  const t = position - lo;
  const a = sorted[lo];
  const b = sorted[lo + 1];
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/** Strictly increasing copy of ascending values (ties and repeats dropped). */
export function uniqueAscending(values: readonly number[]): Float64Array {
  const out: number[] = [];
  for (const v of values) if (out.length === 0 || v > out[out.length - 1]) out.push(v);
  return Float64Array.from(out);
}

/** The bin of x among interior edges e (ascending): bin i is (e[i-1], e[i]], numpy's searchsorted(e, x, 'left'). */
export function binOf(edges: Float64Array, x: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (edges[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
