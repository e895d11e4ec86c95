// The paired bootstrap over a table of counts. Resampling N rows with replacement and counting
// them into the table's cells draws the cell counts from Multinomial(N, counts / N): drawing that
// multinomial directly (random.ts) is the same bootstrap in O(replicates x cells) instead of
// O(replicates x rows). For confusion-derived metrics the cells are the (label, new model's class,
// baseline's class) triples, so both models are resampled together: the bootstrap is paired.

import { SeededRandom } from './random.js';

/** The replicates of a bootstrap and the random stream that draws them (same seed and stream, same replicates). */
export interface BootstrapOptions {
  replicates: number;
  seed: number;
  stream: number;
}

/**
 * Draws `options.replicates` multinomial resamples of the table `counts` (non-negative integer
 * counts; total = their sum, the rows) and returns `statistic` of each: `statistic(resampled,
 * out)` reads the resampled counts and writes `outputs` numbers into `out` (prefilled with NaN, so
 * a number it leaves unwritten reads as undefined). The result holds replicates x outputs numbers,
 * replicate-major: replicate r's output i at r * outputs + i.
 */
export function bootstrapCells(
  counts: Float64Array,
  outputs: number,
  statistic: (resampled: Float64Array, out: Float64Array) => void,
  options: BootstrapOptions,
): Float64Array {
  const { replicates } = options;
  if (!Number.isInteger(replicates) || replicates < 1)
    throw new RangeError(`bootstrap replicates must be a positive integer, got ${replicates}`);
  if (!Number.isInteger(outputs) || outputs < 1) throw new RangeError(`bootstrap outputs must be a positive integer, got ${outputs}`);
  let total = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i];
    if (!(Number.isInteger(c) && c >= 0)) throw new RangeError(`bootstrap counts must be non-negative integers, got ${c} at ${i}`);
    total += c;
  }
  const random = new SeededRandom(options.seed, options.stream);
  const resampled = new Float64Array(counts.length);
  const out = new Float64Array(outputs);
  const values = new Float64Array(replicates * outputs);
  for (let r = 0; r < replicates; r++) {
    random.multinomial(total, counts, resampled);
    out.fill(NaN);
    statistic(resampled, out);
    values.set(out, r * outputs);
  }
  return values;
}

/**
 * The q-quantile of ascending `sorted` values by numpy's default (np.quantile, method 'linear',
 * Hyndman & Fan's type 7): at virtual index h = (n - 1) q, between the values at floor(h) and the
 * next, interpolated as numpy's _lerp does (from the nearer end). NaN when there are no values.
 */
export function quantileOfSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * q;
  const below = Math.min(Math.max(Math.floor(h), 0), n - 1);
  const above = Math.min(below + 1, n - 1);
  const t = h - below;
  const a = sorted[below];
  const b = sorted[above];
  const difference = b - a;
  return t >= 0.5 ? b - difference * (1 - t) : a + difference * t;
}

/** The summary of one bootstrapped improvement (see summarizeBootstrap). */
export interface BootstrapSummary {
  /** Percentile interval at the two-sided `level`. */
  interval: [number, number];
  /** The one-sided lower bound at `confidence` (its 1 - confidence quantile), when asked for. */
  lowerBound?: number;
  /** (1 + #{v <= 0}) / (B + 1): one-sided p-value of "the new model is better". */
  pNewBetter: number;
  /** (1 + #{v >= 0}) / (B + 1): one-sided p-value of "the new model is worse". */
  pNewWorse: number;
  /** Replicates where the statistic was NaN (undefined on that resample), left out of all the above. */
  dropped: number;
}

/**
 * Summarizes output `index` of bootstrapCells' values, a statistic that is an *improvement*
 * (positive = the new model better): its percentile interval at `level` (quantiles (1 - level) / 2
 * and (1 + level) / 2, numpy's type 7), the lower bound at `confidence`, and the one-sided
 * p-values; B counts the replicates that are not NaN.
 *
 * The p-value agrees with the interval: pNewBetter < a exactly when fewer than a (B + 1) - 1
 * replicates are <= 0, i.e. (up to the +1, which keeps a p-value from being 0, and to the
 * interpolation between neighbouring replicates) when the a-quantile — the one-sided lower bound
 * at confidence 1 - a — is above 0. "Significant at a" and "lower bound at 1 - a clears 0" are one
 * decision, not two that can disagree.
 */
export function summarizeBootstrap(
  values: Float64Array,
  outputs: number,
  index: number,
  options: { level: number; confidence?: number },
): BootstrapSummary {
  if (!(Number.isInteger(index) && index >= 0 && index < outputs))
    throw new RangeError(`summarizeBootstrap: index ${index} is not one of ${outputs} outputs`);
  const replicates = Math.floor(values.length / outputs);
  const kept = new Float64Array(replicates);
  let count = 0;
  let atMostZero = 0;
  let atLeastZero = 0;
  for (let r = 0; r < replicates; r++) {
    const v = values[r * outputs + index];
    if (Number.isNaN(v)) continue;
    kept[count++] = v;
    if (v <= 0) atMostZero++;
    if (v >= 0) atLeastZero++;
  }
  const sorted = kept.subarray(0, count).sort();
  const { level, confidence } = options;
  const summary: BootstrapSummary = {
    interval: [quantileOfSorted(sorted, (1 - level) / 2), quantileOfSorted(sorted, (1 + level) / 2)],
    pNewBetter: (1 + atMostZero) / (count + 1),
    pNewWorse: (1 + atLeastZero) / (count + 1),
    dropped: replicates - count,
  };
  if (confidence !== undefined) summary.lowerBound = quantileOfSorted(sorted, 1 - confidence);
  return summary;
}
