// The paired comparison of two regressors on rmse, mse, mae and r2, from the streamed sums of their
// per-row errors (stats/paired-mean.ts) and of the targets.

import type { InferenceSettings, MetricComparison } from '../evaluation/comparison.js';
import { meanDifference, sqrtMeanDifference, type MeanDifference, type MeanStats, type PairedMeanStats } from '../stats/index.js';
import { higherIsBetter, type RegressionMetric } from './definitions.js';
import { pairWithoutInterval, standardErrorComparison, withoutBaseline, type MetricValuePair } from './metric-comparison.js';

/** What the regression metrics follow from: both models' per-row squared and absolute errors, and the targets. */
export interface RegressionComparisonInput {
  /** (prediction − target)² per row, of each model and their paired difference. */
  squaredError: PairedMeanStats;
  /** |prediction − target| per row, likewise. */
  absoluteError: PairedMeanStats;
  /** The targets (for r2's total sum of squares). */
  target: MeanStats;
}

/**
 * A comparison from a normal or delta-method summary of the improvement: its standard error,
 * scaled by `scale` (r2), turned into the interval, bound and p-values by standardErrorComparison,
 * the one place that does it for every metric.
 */
function fromSummary(
  metric: RegressionMetric,
  values: [number, number],
  summary: MeanDifference,
  s: InferenceSettings,
  how: 'normal' | 'delta',
  scale = 1,
): MetricComparison {
  return standardErrorComparison(pairOf(metric, values), summary.standardError * scale, s, {
    interval: how,
    test: 'z',
    skew: summary.skew,
  });
}

/** A regression metric's values of both models. */
function pairOf(metric: RegressionMetric, [newValue, baseline]: [number, number]): MetricValuePair {
  return { metric, higherIsBetter: higherIsBetter(metric), new: newValue, baseline };
}

/**
 * r2 = 1 − SSE/SST of one model (SST = Σ(y − ȳ)² of the targets), scikit-learn's r2_score; with
 * constant targets (SST = 0) its force_finite value: 1 for a perfect fit, else 0.
 */
function r2Of(sse: number, sst: number): number {
  if (sst > 0) return 1 - sse / sst;
  return sse === 0 ? 1 : 0;
}

/**
 * Compares two regressors; returns [rmse, mse, mae, r2], values as scikit-learn's
 * mean_squared_error (and its square root), mean_absolute_error and r2_score.
 * - mse, mae: meanDifference (stats/paired-mean.ts) — the CLT interval of the mean per-row
 *   paired difference of the errors, z tests (method 'normal');
 * - rmse: sqrtMeanDifference — sqrt(mse_base) − sqrt(mse_new) by the delta method (method 'delta');
 * - r2: ΔR2 = (SSE_base − SSE_new)/SST = (n/SST)·(mse_base − mse_new), so its interval and lower
 *   bound are the mse improvement's scaled by n/SST, and its p-values are mse's: SST, a property of
 *   the targets shared by both models, is treated as fixed (its sampling error scales both models'
 *   r2 alike). Constant targets: r2 is scikit-learn's force_finite value and has no interval.
 * Fewer than two rows: no interval (and no r2, which scikit-learn leaves undefined). Without a
 * baseline (`options.paired` false) only the new model's values are given.
 */
export function compareRegression(
  stats: RegressionComparisonInput,
  s: InferenceSettings,
  options: { paired: boolean },
): MetricComparison[] {
  const { squaredError: sq, absoluteError: abs, target } = stats;
  const n = sq.new.count;
  if (n === 0)
    return (['rmse', 'mse', 'mae', 'r2'] as const).map((metric) => withoutBaseline(metric, higherIsBetter(metric), null, 'no rows'));
  const sst = (n - 1) * target.variance();
  const mse: [number, number] = [sq.new.mean(), sq.baseline.mean()];
  const mae: [number, number] = [abs.new.mean(), abs.baseline.mean()];
  const rmse: [number, number] = [Math.sqrt(mse[0]), Math.sqrt(mse[1])];
  const r2: [number, number] = [r2Of(sq.new.sum(), sst), r2Of(sq.baseline.sum(), sst)];
  const r2Missing = n < 2 ? 'r2 needs at least two rows' : undefined;
  if (!options.paired) {
    return [
      withoutBaseline('rmse', false, rmse[0]),
      withoutBaseline('mse', false, mse[0]),
      withoutBaseline('mae', false, mae[0]),
      withoutBaseline('r2', true, r2Missing ? null : r2[0], r2Missing),
    ];
  }
  if (n < 2) {
    const noInterval = (metric: RegressionMetric, values: [number, number]) =>
      pairWithoutInterval(pairOf(metric, values), 'an interval needs at least two rows');
    return [noInterval('rmse', rmse), noInterval('mse', mse), noInterval('mae', mae), withoutBaseline('r2', true, null, r2Missing)];
  }
  const mseSummary = meanDifference(sq, false);
  return [
    fromSummary('rmse', rmse, sqrtMeanDifference(sq, false), s, 'delta'),
    fromSummary('mse', mse, mseSummary, s, 'normal'),
    fromSummary('mae', mae, meanDifference(abs, false), s, 'normal'),
    sst > 0
      ? fromSummary('r2', r2, mseSummary, s, 'normal', n / sst)
      : pairWithoutInterval(pairOf('r2', r2), 'the targets are constant: r2 is 1 for a perfect fit, else 0'),
  ];
}
