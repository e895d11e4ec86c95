// The paired comparison of two models, metric by metric: what every metric's statistics produce
// (metrics/, from the mergeable sufficient statistics of evaluation/statistics.ts) and what the
// decision (gate.ts, thresholds.ts, guards.ts), the report and its markdown consume.

/** How an interval of the improvement was computed (documented in the action's README). */
export type IntervalMethod =
  /** percentile bootstrap: a multinomial resample of the count table's cells (paired) */
  | 'bootstrap'
  /** Newcombe's hybrid score interval of a difference of paired proportions (accuracy) */
  | 'newcombe'
  /** normal (CLT) interval of the mean of the per-row paired differences */
  | 'normal'
  /** delta method on the means of per-row values (rmse) */
  | 'delta'
  /** DeLong's variance of the paired AUC difference */
  | 'delong'
  /** grouped jackknife, Student t */
  | 'jackknife';

/** The one-sided test behind pNewBetter / pNewWorse. */
export type TestName = 'mcnemar-exact' | 'bootstrap' | 'z' | 'delong' | 'jackknife-t';

export interface Interval {
  /** Two-sided coverage, e.g. 0.95. */
  level: number;
  lower: number;
  upper: number;
}

/**
 * One metric of both models and the paired statistics of its improvement. Every number is in the
 * metric's own units. `improvement` is positive when the new model is better, whatever the
 * metric's direction: new - baseline for higher-is-better metrics, baseline - new otherwise; the
 * interval and bounds are of the improvement.
 */
export interface MetricComparison {
  /** 'accuracy', 'log-loss', or per class 'recall[3]'. */
  metric: string;
  higherIsBetter: boolean;
  new: number | null;
  /** null without a baseline, or when the baseline's value cannot be computed (see unavailable). */
  baseline: number | null;
  improvement: number | null;
  /** Two-sided interval of the improvement at the report's level (InferenceSettings.level). */
  interval?: Interval;
  /**
   * One-sided lower confidence bound of the improvement at InferenceSettings.confidence, when set:
   * what the confidence rule and the change thresholds compare with their bound.
   */
  lowerBound?: { level: number; value: number };
  /** One-sided p-value of "the new model is better" (H0: improvement <= 0). */
  pNewBetter?: number;
  /** One-sided p-value of "the new model is worse" (H0: improvement >= 0): what the regression guards test. */
  pNewWorse?: number;
  method?: { interval: IntervalMethod; test: TestName; replicates?: number };
  /** Why a value, the interval or the test is missing ("the output holds predicted labels, not scores"). Never absent when something is. */
  unavailable?: string;
}

/** How intervals and tests are computed: the evaluate-baseline inputs that set them. */
export interface InferenceSettings {
  /** Two-sided level of every reported interval (0.95). */
  level: number;
  /** The confidence rule's one-sided level (input confidence); when set, every comparison carries lowerBound at it. */
  confidence?: number;
  /** Bootstrap replicates (input bootstrap-replicates, default 2000). */
  replicates: number;
  /** Seed of every bootstrap (input seed): the same seed, the same intervals. */
  seed: number;
}

/** Per class: its support (rows whose label is the class) and the three per-class metrics compared. */
export interface ClassComparison {
  class: number;
  /** Rows labelled with this class. */
  support: number;
  precision: MetricComparison;
  recall: MetricComparison;
  f1: MetricComparison;
}
