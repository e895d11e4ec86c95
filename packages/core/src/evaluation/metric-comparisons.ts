/**
 * Every metric of a set of rows (the whole eval set, or one slice), both models compared, from the
 * set's sufficient statistics (statistics.ts): the confusion-derived metrics and top-k accuracy by
 * the paired bootstrap over their count tables (McNemar's exact test for the accuracies), the means
 * of per-row values (log-loss, Brier) by the normal interval of the paired differences, the
 * calibration error by the bootstrap over its cells, the rank metrics by DeLong (roc-auc) and the
 * jackknife (average-precision), the regression metrics by the normal and delta methods.
 */
import { createHash } from 'node:crypto';

import { compareCalibration } from '../metrics/calibration.js';
import { compareConfusion } from '../metrics/compare-confusion.js';
import { higherIsBetter, type MetricName } from '../metrics/definitions.js';
import { pairWithoutInterval, standardErrorComparison, withoutBaseline } from '../metrics/metric-comparison.js';
import { compareHits } from '../metrics/paired-hits.js';
import { compareRank } from '../metrics/compare-rank.js';
import { compareRegression } from '../metrics/regression-comparison.js';
import { meanDifference, type PairedMeanStats } from '../stats/index.js';
import type { ClassComparison, InferenceSettings, MetricComparison } from './comparison.js';
import type { RankData } from './rank-collector.js';
import type { ClassificationStatistics, SubsetStatistics } from './statistics.js';

/** Every metric compared, and per class (classification). */
export interface MetricComparisons {
  comparisons: MetricComparison[];
  perClass?: ClassComparison[];
}

/**
 * Bootstrap streams: each set of rows and each count table in it draws from its own stream of the
 * seed, so that no two bootstraps share draws. The whole set's streams start at 0; a slice's at a
 * number derived from its column and code alone (SHA-256), so that the order of the slices input
 * or another slice cannot change its interval.
 */
const STREAMS_PER_SUBSET = 4;

/** The first bootstrap stream of a slice (column, code): never the whole set's, the same in every run. */
function sliceStream(slice: { column: string; code: number }): number {
  const digest = createHash('sha256').update(`${slice.column}\u0000${slice.code}`).digest();
  // 44 bits of the digest, times 4 streams, plus 4: below 2^53, above the whole set's 0..3
  return (digest.readUIntBE(0, 6) % 2 ** 44) * STREAMS_PER_SUBSET + STREAMS_PER_SUBSET;
}

/**
 * Every metric of a set of rows compared: the whole eval set (with `ranks`, its rank metrics'
 * scores), or one slice. `first`: the gating metric, put first.
 */
export function compareStatistics(
  stats: SubsetStatistics,
  s: InferenceSettings,
  options: { slice?: { column: string; code: number }; ranks?: RankData; first?: MetricName } = {},
): MetricComparisons {
  const stream = options.slice ? sliceStream(options.slice) : 0;
  const result =
    stats.task === 'classification'
      ? compareClassification(
          stats,
          s,
          stream,
          options.slice ? undefined : (options.ranks ?? { unavailable: 'no scores' }),
          !!options.slice,
        )
      : regression(stats, s);
  const first = result.comparisons.findIndex((c) => c.metric === options.first);
  if (first > 0) result.comparisons.unshift(...result.comparisons.splice(first, 1));
  return result;
}

function regression(stats: Extract<SubsetStatistics, { task: 'regression' }>, s: InferenceSettings): MetricComparisons {
  return { comparisons: compareRegression(stats, s, { paired: stats.paired }) };
}

function compareClassification(
  stats: ClassificationStatistics,
  s: InferenceSettings,
  stream: number,
  ranks: RankData | undefined,
  slice: boolean,
): MetricComparisons {
  const { paired, classes } = stats;
  const confusion = compareConfusion(stats.confusion, classes, s, { paired, stream });
  const comparisons = [...confusion.metrics];
  comparisons.push(
    stats.topK
      ? compareHits(stats.topK, s, { paired, stream: stream + 1 })
      : withoutBaseline('top-k-accuracy', true, null, 'top-k accuracy needs three or more score columns and top-k below their number'),
  );
  comparisons.push(...scoreComparisons(stats, s, stream + 2));
  comparisons.push(...rankComparisons(ranks, s, slice));
  return { comparisons, perClass: confusion.perClass };
}

/** log-loss, brier and ece, or why they are not there (class ids, not scores). */
function scoreComparisons(stats: ClassificationStatistics, s: InferenceSettings, stream: number): MetricComparison[] {
  const { logLoss, brier, calibration } = stats;
  if (!logLoss || !brier || !calibration) {
    const why = stats.scoresUnavailable ?? 'no scores';
    return (['log-loss', 'brier', 'ece'] as const).map((m) => withoutBaseline(m, false, null, why));
  }
  return [
    meanComparison('log-loss', logLoss, s),
    meanComparison('brier', brier, s),
    compareCalibration(calibration, s, { paired: stats.paired, stream }),
  ];
}

/**
 * A metric that is the mean of per-row values: the two means, and the normal interval of the mean
 * paired difference (its standard error sd(d)/sqrt(n): the rows are the pairs), corrected for the
 * skewness of the per-row differences (Edgeworth: standardErrorComparison). Without a
 * baseline's values (no row added to it), the new model's mean alone.
 */
export function meanComparison(metric: MetricName, stats: PairedMeanStats, s: InferenceSettings): MetricComparison {
  const up = higherIsBetter(metric);
  const n = stats.new.count;
  if (n === 0) return withoutBaseline(metric, up, null, 'no rows');
  if (stats.baseline.count === 0) return withoutBaseline(metric, up, stats.new.mean());
  const values = { metric, higherIsBetter: up, new: stats.new.mean(), baseline: stats.baseline.mean() };
  if (n < 2) return pairWithoutInterval(values, 'an interval needs at least two rows');
  const { standardError, skew } = meanDifference(stats, up);
  return standardErrorComparison(values, standardError, s, { interval: 'normal', test: 'z', skew });
}

/** roc-auc and average-precision over the whole set; per slice they are not computed (the scores are not kept per slice). */
function rankComparisons(ranks: RankData | undefined, s: InferenceSettings, slice: boolean): MetricComparison[] {
  const none = (why: string) => (['roc-auc', 'average-precision'] as const).map((m) => withoutBaseline(m, true, null, why));
  if (slice || !ranks) return none('rank metrics are computed on the whole eval set, not per slice');
  if ('unavailable' in ranks) return none(ranks.unavailable);
  return compareRank(ranks.scores, s);
}
