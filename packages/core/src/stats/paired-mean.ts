// Mergeable statistics of per-row values of both models, for the metrics that are means of them
// (log-loss, Brier score, absolute and squared error), and the paired comparisons they give: a
// normal (CLT) interval of the mean paired difference, and the delta method for RMSE. The sums are
// exact (ExactSum): shards merged in any order give the same digits as one pass.

import { ExactSum } from './exact-sum.js';

/** A MeanStats as JSON: the count and the exact sums as ExactSum.toJSON writes them. */
export interface MeanStatsJson {
  count: number;
  sum: number[];
  sumOfSquares: number[];
  sumOfCubes: number[];
}

/**
 * Count, Σx, Σx² and Σx³ of a stream of values, exactly: mean, sample variance and skewness on demand, the same
 * whatever the order of adds and merges. (Not Welford's running mean and M2: those depend on the
 * order; exact sums do not.) Each x² is rounded once before it is summed, so the variance is
 * accurate to about 1e-16 (variance + mean²) — to the last digits for values that vary, and a
 * constant's variance is 0 or about 1e-16 mean², never negative.
 */
export class MeanStats {
  /** The number of values added. */
  count: number;
  private readonly values: ExactSum;
  private readonly squares: ExactSum;
  private readonly cubes: ExactSum;

  constructor(values = new ExactSum(), squares = new ExactSum(), count = 0, cubes = new ExactSum()) {
    this.values = values;
    this.squares = squares;
    this.count = count;
    this.cubes = cubes;
  }

  /** Adds one value (the hot path: three exact adds, no allocation). */
  add(x: number): void {
    this.count++;
    this.values.add(x);
    const square = x * x;
    this.squares.add(square);
    this.cubes.add(square * x);
  }

  merge(other: MeanStats): void {
    this.count += other.count;
    this.values.merge(other.values);
    this.squares.merge(other.squares);
    this.cubes.merge(other.cubes);
  }

  /** Σx, correctly rounded. */
  sum(): number {
    return this.values.value();
  }

  /** Σx², correctly rounded (of the rounded squares). */
  sumOfSquares(): number {
    return this.squares.value();
  }

  /** Σx / n; NaN for no values. */
  mean(): number {
    return this.count === 0 ? NaN : this.sum() / this.count;
  }

  /** The sample variance (Σx² - (Σx)² / n) / (n - 1), never below 0; NaN under two values. */
  variance(): number {
    if (this.count < 2) return NaN;
    const sum = this.sum();
    const secondMoment = this.sumOfSquares() - sum * (sum / this.count);
    return Math.max(0, secondMoment) / (this.count - 1);
  }

  /**
   * The skewness m3 / m2^(3/2) (central moments over n, as scipy.stats.skew with bias=True), from
   * the exact sums; 0 for values that do not vary, NaN under three values. Accurate while the
   * values' spread is not tiny next to their mean (a difference of two models' per-row values).
   */
  skewness(): number {
    const n = this.count;
    if (n < 3) return NaN;
    const mean = this.sum() / n;
    const m2 = Math.max(0, this.sumOfSquares() / n - mean * mean);
    if (m2 === 0) return 0;
    const m3 = this.cubes.value() / n - 3 * mean * (this.sumOfSquares() / n) + 2 * mean * mean * mean;
    return m3 / m2 ** 1.5;
  }

  toJSON(): MeanStatsJson {
    return { count: this.count, sum: this.values.toJSON(), sumOfSquares: this.squares.toJSON(), sumOfCubes: this.cubes.toJSON() };
  }

  static fromJSON(json: MeanStatsJson): MeanStats {
    return new MeanStats(ExactSum.fromJSON(json.sum), ExactSum.fromJSON(json.sumOfSquares), json.count, ExactSum.fromJSON(json.sumOfCubes));
  }
}

/** A PairedMeanStats as JSON. */
export interface PairedMeanStatsJson {
  new: MeanStatsJson;
  baseline: MeanStatsJson;
  diff: MeanStatsJson;
}

/**
 * Per-row values of the new model, of the baseline, and of their difference (new - baseline, per
 * row): what the paired comparisons of a mean metric need. An accumulator may keep the three
 * parts separately (per model, per reading) and assemble them here at the end.
 */
export class PairedMeanStats {
  readonly new: MeanStats;
  readonly baseline: MeanStats;
  readonly diff: MeanStats;

  constructor(newStats = new MeanStats(), baseline = new MeanStats(), diff = new MeanStats()) {
    this.new = newStats;
    this.baseline = baseline;
    this.diff = diff;
  }

  /** One row's value under each model. */
  add(newValue: number, baselineValue: number): void {
    this.new.add(newValue);
    this.baseline.add(baselineValue);
    this.diff.add(newValue - baselineValue);
  }

  /** One row's value of the new model alone (no baseline to compare with). */
  addNew(newValue: number): void {
    this.new.add(newValue);
  }

  merge(other: PairedMeanStats): void {
    this.new.merge(other.new);
    this.baseline.merge(other.baseline);
    this.diff.merge(other.diff);
  }

  toJSON(): PairedMeanStatsJson {
    return { new: this.new.toJSON(), baseline: this.baseline.toJSON(), diff: this.diff.toJSON() };
  }

  static fromJSON(json: PairedMeanStatsJson): PairedMeanStats {
    return new PairedMeanStats(MeanStats.fromJSON(json.new), MeanStats.fromJSON(json.baseline), MeanStats.fromJSON(json.diff));
  }
}

/**
 * An improvement (positive = the new model better) and its standard error (normal approximation):
 * what metrics/metric-comparison.ts standardErrorComparison turns into the interval, the lower
 * bound and the p-values, for these and every other normal interval.
 */
export interface MeanDifference {
  improvement: number;
  standardError: number;
  /**
   * For a mean of per-row values: the skewness of the per-row improvements and their number, for
   * the Edgeworth correction of the interval and test (metrics/metric-comparison.ts).
   */
  skew?: { skewness: number; rows: number };
}
/** The paired rows: every row has both values (else the differences are not the models' difference). */
function pairedCount(s: PairedMeanStats): number {
  const n = s.diff.count;
  if (s.new.count !== n || s.baseline.count !== n) {
    throw new RangeError(
      `a paired comparison needs both values on every row: ${s.new.count} new, ${s.baseline.count} baseline, ${n} paired`,
    );
  }
  return n;
}

/** new - baseline as an improvement: itself for a higher-is-better metric, negated otherwise (0 stays +0). */
function oriented(newMinusBaseline: number, higherIsBetter: boolean): number {
  return higherIsBetter ? newMinusBaseline : 0 - newMinusBaseline;
}

/**
 * A mean metric's improvement by the CLT on the per-row paired differences d = new - baseline:
 * improvement = ±mean(d) (by the metric's direction), se = sd(d) / √n (NaN under two rows).
 */
export function meanDifference(s: PairedMeanStats, higherIsBetter: boolean): MeanDifference {
  const n = pairedCount(s);
  const skewness = s.diff.skewness();
  return {
    improvement: oriented(s.diff.mean(), higherIsBetter),
    standardError: Math.sqrt(s.diff.variance() / n),
    // the per-row improvements are ±d: their skewness turns with them
    skew: { skewness: higherIsBetter ? skewness : 0 - skewness, rows: n },
  };
}

/**
 * The improvement of the square root of a mean — RMSE = √MSE, from the per-row squared errors a
 * (new) and b (baseline) — by the delta method: for g = √A - √B at the means A, B,
 * Var g ≈ (Var a / (4A) + Var b / (4B) - 2 Cov(a, b) / (4 √(AB))) / n, with the covariance of the
 * paired rows from the three variances the statistics hold: Cov(a, b) = (Var a + Var b - Var(a - b)) / 2.
 * A model with MSE 0 (all its errors 0) has no variance: its terms are 0.
 */
export function sqrtMeanDifference(s: PairedMeanStats, higherIsBetter: boolean): MeanDifference {
  const n = pairedCount(s);
  const meanNew = s.new.mean();
  const meanBaseline = s.baseline.mean();
  const varianceNew = s.new.variance();
  const varianceBaseline = s.baseline.variance();
  const covariance = (varianceNew + varianceBaseline - s.diff.variance()) / 2;
  // d g / d A = 1 / (2 √A), d g / d B = -1 / (2 √B); 0 where the mean (and so its variance) is 0
  const gradientNew = meanNew === 0 ? 0 : 1 / (2 * Math.sqrt(meanNew));
  const gradientBaseline = meanBaseline === 0 ? 0 : -1 / (2 * Math.sqrt(meanBaseline));
  const variance =
    (gradientNew ** 2 * varianceNew + gradientBaseline ** 2 * varianceBaseline + 2 * gradientNew * gradientBaseline * covariance) / n;
  const improvement = oriented(Math.sqrt(meanNew) - Math.sqrt(meanBaseline), higherIsBetter);
  return { improvement, standardError: Math.sqrt(Math.max(0, variance)) };
}
