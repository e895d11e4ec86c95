// Building MetricComparison values (evaluation/comparison.ts) from the three kinds of evidence the
// metrics produce: a bootstrap's replicates, a normal approximation (estimate and standard error),
// or a Student t one (the jackknife). One place decides how an interval, a lower bound and the two
// one-sided p-values are attached, and how a missing baseline reads.

import type { IntervalMethod, MetricComparison, InferenceSettings, TestName } from '../evaluation/comparison.js';
import { pairedDifferenceInterval, type PairedTable } from './paired-proportions.js';
import { formatNumber } from '../util/format.js';
import { normalCdf, normalQuantile, studentTCdf, studentTQuantile, summarizeBootstrap } from '../stats/index.js';

/** Why a comparison carries only the new model's value. */
export const NO_BASELINE = 'no baseline';

/** The improvement of `newValue` over `baselineValue`: positive when the new model is better. */
export function improvementOf(newValue: number, baselineValue: number, higherIsBetter: boolean): number {
  return higherIsBetter ? newValue - baselineValue : baselineValue - newValue;
}

/**
 * A comparison with nothing to compare: the new model's value alone (null when it cannot be
 * computed), and why the rest is missing (by default: there is no baseline).
 */
export function withoutBaseline(
  metric: string,
  higherIsBetter: boolean,
  value: number | null,
  unavailable: string = NO_BASELINE,
): MetricComparison {
  return { metric, higherIsBetter, new: value, baseline: null, improvement: null, unavailable };
}

/** Both models' values of one metric, before its interval is attached. */
export interface MetricValuePair {
  metric: string;
  higherIsBetter: boolean;
  new: number;
  baseline: number;
}

/** An exact test's one-sided p-values that replace the bootstrap's (McNemar's for accuracy). */
export interface ExactTest {
  test: TestName;
  pNewBetter: number;
  pNewWorse: number;
}

/**
 * A comparison whose interval (and, unless `exact` is given, p-values) come from bootstrap
 * replicates of the improvement: output `index` of `values` (replicate-major, `outputs` per
 * replicate), summarized by stats/bootstrap.ts (percentile interval, the lower bound at
 * s.confidence, p-values consistent with the interval). Replicates on which the improvement is
 * undefined (NaN) are left out; when every one is, the interval is missing and says why.
 */
export function bootstrapComparison(
  values: MetricValuePair,
  replicates: { values: Float64Array; outputs: number; index: number },
  s: InferenceSettings,
  exact?: ExactTest,
): MetricComparison {
  const out = pairWithImprovement(values);
  const summary = summarizeBootstrap(replicates.values, replicates.outputs, replicates.index, { level: s.level, confidence: s.confidence });
  const [lower, upper] = summary.interval;
  const hasInterval = Number.isFinite(lower) && Number.isFinite(upper);
  if (hasInterval) {
    out.interval = { level: s.level, lower, upper };
    if (s.confidence !== undefined && summary.lowerBound !== undefined) out.lowerBound = { level: s.confidence, value: summary.lowerBound };
  }
  if (exact) {
    out.pNewBetter = exact.pNewBetter;
    out.pNewWorse = exact.pNewWorse;
  } else if (hasInterval) {
    out.pNewBetter = summary.pNewBetter;
    out.pNewWorse = summary.pNewWorse;
  }
  if (hasInterval || exact) out.method = { interval: 'bootstrap', test: exact?.test ?? 'bootstrap', replicates: s.replicates };
  if (!hasInterval) out.unavailable = 'the metric is undefined on every bootstrap resample';
  return out;
}

/**
 * A difference of two paired proportions (accuracy, top-k accuracy): the interval and lower bound
 * by Newcombe's hybrid score method (paired-proportions.ts), the p-values by McNemar's exact test.
 */
export function pairedProportionComparison(
  values: MetricValuePair,
  table: PairedTable,
  s: InferenceSettings,
  exact: ExactTest,
): MetricComparison {
  const out = pairWithImprovement(values);
  const { interval, lowerBound } = pairedDifferenceInterval(table, s.level, s.confidence);
  out.interval = { level: s.level, lower: interval[0], upper: interval[1] };
  if (s.confidence !== undefined && lowerBound !== undefined) out.lowerBound = { level: s.confidence, value: lowerBound };
  out.pNewBetter = exact.pNewBetter;
  out.pNewWorse = exact.pNewWorse;
  out.method = { interval: 'newcombe', test: exact.test };
  return out;
}

/** Both values and the improvement, and why there is no interval or test (too few rows, constant targets). */
export function pairWithoutInterval(v: MetricValuePair, unavailable: string): MetricComparison {
  return { ...pairWithImprovement(v), unavailable };
}

/** The pair's MetricComparison fields without interval or test. */
function pairWithImprovement(v: MetricValuePair): MetricComparison {
  return {
    metric: v.metric,
    higherIsBetter: v.higherIsBetter,
    new: v.new,
    baseline: v.baseline,
    improvement: improvementOf(v.new, v.baseline, v.higherIsBetter),
  };
}

/**
 * A comparison from an estimate of the improvement with a standard error and a reference
 * distribution: the standard normal (`degreesOfFreedom` undefined: DeLong's z) or Student's t
 * (the jackknife). Interval: improvement ± q_{(1+level)/2}·se; lower bound: improvement −
 * q_confidence·se; pNewBetter = P[T >= improvement/se], pNewWorse = P[T <= improvement/se]. With
 * se = 0 there is no interval or test (unavailable): rows that do not vary are no evidence.
 *
 * `skew` (a mean of per-row values: the per-row improvements' skewness γ and their number n): the
 * studentized mean is not normal but, to order 1/√n, P[T <= x] = Φ(x) + γ(2x² + 1)φ(x)/(6√n)
 * (its Edgeworth expansion; Hall 1992, The Bootstrap and Edgeworth Expansion, §2.6). Its quantiles
 * and tail probabilities replace the normal's, so that a skewed per-row loss (log-loss) does not
 * make the bound too high: at 500 rows the plain z test promoted 5.7% of models that were not
 * better at the 5% level (npm run bench:gate).
 */
export function standardErrorComparison(
  values: MetricValuePair,
  standardError: number,
  s: InferenceSettings,
  how: { interval: IntervalMethod; test: TestName; degreesOfFreedom?: number; skew?: { skewness: number; rows: number } },
): MetricComparison {
  const base = pairWithImprovement(values);
  const improvement = base.improvement as number;
  if (!Number.isFinite(standardError) || !Number.isFinite(improvement))
    return { ...base, unavailable: 'the standard error of the improvement is not finite' };
  // no spread is no evidence: 4 rows a perfect ranker and a constant one once gave p = 0
  if (!(standardError > 0)) return { ...base, unavailable: 'the improvement does not vary on these rows: no interval or test' };
  if (how.skew && Math.abs(edgeworthTerm(how.skew)) > MAX_EDGEWORTH_TERM) {
    const { skewness, rows } = how.skew;
    return {
      ...base,
      unavailable: `the per-row differences are too skewed (skewness ${formatNumber(skewness, 3)}) for a normal interval on ${rows} rows`,
    };
  }
  const { quantile, cdf } = referenceDistribution(how);
  const upperQuantile = quantile((1 + s.level) / 2);
  const lowerQuantile = -quantile((1 - s.level) / 2);
  const out: MetricComparison = {
    ...base,
    interval: { level: s.level, lower: improvement - upperQuantile * standardError, upper: improvement + lowerQuantile * standardError },
  };
  if (s.confidence !== undefined) out.lowerBound = { level: s.confidence, value: improvement - quantile(s.confidence) * standardError };
  const t = improvement / standardError;
  out.pNewBetter = 1 - cdf(t);
  out.pNewWorse = cdf(t);
  out.method = { interval: how.interval, test: how.test };
  return out;
}

/** γ/(6√n), the size of the Edgeworth correction (0 when the skewness is unknown). */
function edgeworthTerm({ skewness, rows }: { skewness: number; rows: number }): number {
  return Number.isFinite(skewness) && rows > 0 ? skewness / (6 * Math.sqrt(rows)) : 0;
}

/**
 * Beyond this the one-term expansion is no approximation: its CDF stops increasing within
 * |x| <= 2 and its quantile past z = 2.5 (skewness above 0.6·√n: 3.8 at 40 rows, 27 at 2,000).
 * No interval then, rather than a wrong one.
 */
const MAX_EDGEWORTH_TERM = 0.1;

/**
 * The distribution of (improvement − truth)/se the interval and test refer to: its quantile and
 * its CDF. Normal or Student t; with a skew, the normal's one-term Edgeworth correction, its CDF
 * kept within [0, 1] and its quantile the Cornish–Fisher inversion z − γ(2z² + 1)/(6√n).
 */
function referenceDistribution(how: { degreesOfFreedom?: number; skew?: { skewness: number; rows: number } }) {
  const df = how.degreesOfFreedom;
  if (df !== undefined) return { quantile: (p: number) => studentTQuantile(p, df), cdf: (x: number) => studentTCdf(x, df) };
  const k = how.skew ? edgeworthTerm(how.skew) : 0;
  if (k === 0) return { quantile: normalQuantile, cdf: normalCdf };
  const density = (x: number) => Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
  return {
    quantile: (p: number) => {
      const z = normalQuantile(p);
      return z - k * (2 * z * z + 1);
    },
    cdf: (x: number) => Math.min(1, Math.max(0, normalCdf(x) + k * (2 * x * x + 1) * density(x))),
  };
}
