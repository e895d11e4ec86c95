/**
 * The evaluation's mergeable sufficient statistics: what scoring streams rows into, and everything
 * else (metrics, intervals, tests, the decision, the report) is computed from.
 *
 * Classification: the sparse table of (label, new class, baseline class) counts (confusion-derived
 * metrics and their paired bootstrap), the per-row log-loss and Brier score of both models and of
 * their paired differences (exact sums: normal intervals), the calibration cells (ECE), the top-k
 * hits, and, within a memory budget, the per-row scores the rank metrics need. Regression: the
 * squared and absolute errors of both models and their differences, and the targets' sums.
 *
 * Counts are exact; sums are exact (stats/exact-sum.ts), so that neither the batch size nor the
 * order in which subsets are merged can change a digit: every part has merge() and toJSON(). The
 * one exception is the rank metrics' per-row scores (rank-collector.ts), merged by concatenation
 * in row order (the average-precision jackknife groups rows by index): shards merge in row order.
 *
 * Which reading of a float output holds (probabilities or logits: row-values.ts) is known only after
 * the last row: until then every statistic that depends on it is kept per reading (per pair of
 * readings for paired ones), and `finish` keeps the ones that hold.
 */
import { CalibrationCells, type CalibrationCellJson } from '../metrics/calibration.js';
import { PairedConfusion, type PairedConfusionJson } from '../metrics/paired-confusion.js';
import { PairedHits, type PairedHitsJson } from '../metrics/paired-hits.js';
import { MeanStats, PairedMeanStats, type MeanStatsJson, type PairedMeanStatsJson } from '../stats/index.js';
import { finalReading, type Reading, type ReadingState, type RowValues } from './row-values.js';

/** The statistics of a classification over a set of rows (all of them, or one slice). */
export interface ClassificationStatistics {
  task: 'classification';
  classes: number;
  /** Whether a baseline was scored on the same rows. */
  paired: boolean;
  rows: number;
  confusion: PairedConfusion;
  /** Per-row values of both models (absent when the new model outputs class ids). */
  logLoss?: PairedMeanStats;
  brier?: PairedMeanStats;
  calibration?: CalibrationCells;
  /** Why a score-based statistic is missing: "the new model outputs class ids, not scores". */
  scoresUnavailable?: string;
  topK?: PairedHits;
}

/** The statistics of a regression over a set of rows. */
export interface RegressionStatistics {
  task: 'regression';
  paired: boolean;
  rows: number;
  squaredError: PairedMeanStats;
  absoluteError: PairedMeanStats;
  /** The targets themselves (for r2's total sum of squares). */
  target: MeanStats;
}

export type SubsetStatistics = ClassificationStatistics | RegressionStatistics;

/** A ClassificationAccumulator as JSON (a shard's partial result): every reading's statistics, undecided. */
export interface ClassificationAccumulatorJson {
  task: 'classification';
  classes: number;
  rows: number;
  /** By pair of prediction readings (null: never seen). */
  confusion: (PairedConfusionJson | null)[];
  /** [model][reading] */
  loss: MeanStatsJson[][];
  brier: MeanStatsJson[][];
  /** By pair of score readings. */
  lossDiff: MeanStatsJson[];
  brierDiff: MeanStatsJson[];
  calibration: CalibrationCellJson[][];
  topK: PairedHitsJson | null;
}

/** A RegressionAccumulator as JSON. */
export interface RegressionAccumulatorJson {
  task: 'regression';
  paired: boolean;
  rows: number;
  squaredError: PairedMeanStatsJson;
  absoluteError: PairedMeanStatsJson;
  target: MeanStatsJson;
}

export type AccumulatorJson = ClassificationAccumulatorJson | RegressionAccumulatorJson;

/** A pair of readings (new model's, baseline's) as one index 0..3 (without a baseline, b is 0). */
const pairIndex = (a: Reading, b: Reading) => a * 2 + b;

/** Per-reading statistics of one model's per-row values (log-loss or Brier). */
type PerReading = [MeanStats, MeanStats];
const perReading = (): PerReading => [new MeanStats(), new MeanStats()];

/**
 * The classification statistics of one subset of rows while the readings are undecided. `add`
 * takes a batch of per-row values (RowValues of each model, already computed for the batch).
 */
export class ClassificationAccumulator {
  private rows = 0;
  /** By pair of prediction readings (only one-column outputs have two). */
  private readonly confusion: (PairedConfusion | undefined)[] = [];
  private readonly loss: PerReading[] = [];
  private readonly brier: PerReading[] = [];
  /** By pair of score readings: the paired differences and the calibration cells. */
  private readonly lossDiff: MeanStats[] = [];
  private readonly brierDiff: MeanStats[] = [];
  private readonly calibration: CalibrationCells[] = [];
  private readonly topK?: PairedHits;

  /** `models`: each model's RowValues (one or two), whose shape (scores, top-k) the statistics follow. */
  constructor(
    readonly classes: number,
    models: readonly RowValues[] | { count: number; topK: boolean },
  ) {
    const { count, topK } = 'count' in models ? models : { count: models.length, topK: models.every((m) => m.topKHit) };
    // four pairs of readings at most; the tables are made when a pair is first seen (a dense one is classes^3 counts)
    for (let i = 0; i < 4; i++) {
      this.lossDiff.push(new MeanStats());
      this.brierDiff.push(new MeanStats());
      this.calibration.push(new CalibrationCells());
    }
    for (let m = 0; m < count; m++) {
      this.loss.push(perReading());
      this.brier.push(perReading());
    }
    if (topK) this.topK = new PairedHits();
  }

  /** Adds the first `n` rows of the batch: `labels` and each model's RowValues for them. */
  add(labels: Float64Array, values: readonly RowValues[], n: number): void {
    const [a, b] = values;
    for (const ra of a.predictionReadings()) {
      for (const rb of b ? b.predictionReadings() : [0 as Reading]) {
        this.confusionOf(pairIndex(ra, rb)).addRows(labels, a.predicted[ra], b?.predicted[rb], n);
      }
    }
    values.forEach((v, m) => {
      for (const r of v.scoreReadings()) {
        addAll(this.loss[m][r], v.loss[r], n);
        addAll(this.brier[m][r], v.brier[r], n);
      }
    });
    if (a.hasScores) this.addScorePairs(labels, a, b, n);
    if (this.topK) addHits(this.topK, a.topKHit!, b?.topKHit, n);
    this.rows += n;
  }

  private confusionOf(pair: number): PairedConfusion {
    return (this.confusion[pair] ??= new PairedConfusion(this.classes));
  }

  /** The paired differences and calibration cells, for every pair of score readings still possible. */
  private addScorePairs(labels: Float64Array, a: RowValues, b: RowValues | undefined, n: number): void {
    const bReadings: Reading[] = b?.hasScores ? b.scoreReadings() : [0];
    for (const ra of a.scoreReadings()) {
      for (const rb of bReadings) {
        const k = pairIndex(ra, rb);
        const paired = b?.hasScores ? b : undefined;
        if (paired) {
          addDifferences(this.lossDiff[k], a.loss[ra], paired.loss[rb], n);
          addDifferences(this.brierDiff[k], a.brier[ra], paired.brier[rb], n);
        }
        addCalibration(this.calibration[k], labels, [a, ra], paired && [paired, rb], n);
      }
    }
  }

  /**
   * The statistics under the readings that held to the last row of the whole evaluation (`readings`:
   * each model's, the same for every subset and every shard).
   */
  finish(readings: readonly ReadingState[]): ClassificationStatistics {
    const [a, b] = readings;
    const ra = finalReading(a);
    const rb = b ? finalReading(b) : 0;
    const predictionPair = pairIndex(a.twoPredictions ? ra : 0, b?.twoPredictions ? rb : 0);
    const stats: ClassificationStatistics = {
      task: 'classification',
      classes: this.classes,
      paired: b !== undefined,
      rows: this.rows,
      confusion: this.confusionOf(predictionPair),
      topK: this.topK,
    };
    const unavailable = scoresUnavailable(a, b);
    if (unavailable) return { ...stats, scoresUnavailable: unavailable };
    const k = pairIndex(ra, rb);
    const pair = (perModel: PerReading[], diff: MeanStats[]) =>
      new PairedMeanStats(perModel[0][ra], b ? perModel[1][rb] : undefined, b ? diff[k] : undefined);
    return { ...stats, logLoss: pair(this.loss, this.lossDiff), brier: pair(this.brier, this.brierDiff), calibration: this.calibration[k] };
  }

  /** Adds the statistics of other rows (another batch range, another shard): exact, in any order. */
  merge(other: ClassificationAccumulator): void {
    if (other.classes !== this.classes || other.loss.length !== this.loss.length || !other.topK !== !this.topK) {
      throw new RangeError('ClassificationAccumulator.merge: different classes, models or top-k');
    }
    this.rows += other.rows;
    other.confusion.forEach((table, pair) => table && this.confusionOf(pair).merge(table));
    this.loss.forEach((perModel, m) => perModel.forEach((stats, r) => stats.merge(other.loss[m][r])));
    this.brier.forEach((perModel, m) => perModel.forEach((stats, r) => stats.merge(other.brier[m][r])));
    for (let k = 0; k < 4; k++) {
      this.lossDiff[k].merge(other.lossDiff[k]);
      this.brierDiff[k].merge(other.brierDiff[k]);
      this.calibration[k].merge(other.calibration[k]);
    }
    if (this.topK && other.topK) this.topK.merge(other.topK);
  }

  toJSON(): ClassificationAccumulatorJson {
    const stats = (list: MeanStats[]) => list.map((m) => m.toJSON());
    return {
      task: 'classification',
      classes: this.classes,
      rows: this.rows,
      confusion: [0, 1, 2, 3].map((pair) => this.confusion[pair]?.toJSON() ?? null),
      loss: this.loss.map(stats),
      brier: this.brier.map(stats),
      lossDiff: stats(this.lossDiff),
      brierDiff: stats(this.brierDiff),
      calibration: this.calibration.map((c) => c.toJSON()),
      topK: this.topK?.toJSON() ?? null,
    };
  }

  /** What toJSON wrote; a malformed part throws (a RangeError from the part, or a TypeError). */
  static fromJSON(json: ClassificationAccumulatorJson): ClassificationAccumulator {
    const acc = new ClassificationAccumulator(json.classes, { count: json.loss.length, topK: json.topK !== null });
    const mergeAll = (into: MeanStats[], from: MeanStatsJson[]) => into.forEach((m, i) => m.merge(MeanStats.fromJSON(from[i])));
    if (!Number.isInteger(json.rows) || json.rows < 0 || json.confusion.length !== 4) throw new RangeError('bad classification statistics');
    acc.rows = json.rows;
    json.confusion.forEach((table, pair) => table && acc.confusionOf(pair).merge(PairedConfusion.fromJSON(table)));
    acc.loss.forEach((perModel, m) => mergeAll(perModel, json.loss[m]));
    acc.brier.forEach((perModel, m) => mergeAll(perModel, json.brier[m]));
    mergeAll(acc.lossDiff, json.lossDiff);
    mergeAll(acc.brierDiff, json.brierDiff);
    acc.calibration.forEach((cells, k) => cells.merge(CalibrationCells.fromJSON(json.calibration[k])));
    if (acc.topK && json.topK) acc.topK.merge(PairedHits.fromJSON(json.topK));
    return acc;
  }
}

/** Why the score-based metrics of a pair of models cannot be compared, if they cannot. */
function scoresUnavailable(a: ReadingState, b: ReadingState | undefined): string | undefined {
  if (!a.hasScores) return 'the new model outputs class ids, not scores';
  if (b && !b.hasScores) return 'the baseline model outputs class ids, not scores';
  return undefined;
}

function addHits(hits: PairedHits, a: Uint8Array, b: Uint8Array | undefined, n: number): void {
  for (let i = 0; i < n; i++) hits.add(a[i] === 1, b !== undefined && b[i] === 1);
}

/** Each row's top-class confidence and whether the prediction is right, under the readings given. */
function addCalibration(
  cells: CalibrationCells,
  labels: Float64Array,
  [a, ra]: [RowValues, Reading],
  b: [RowValues, Reading] | undefined,
  n: number,
): void {
  const [predA, confA] = [a.predicted[ra], a.confidence[ra]];
  if (!b) {
    for (let i = 0; i < n; i++) cells.addNew(confA[i], predA[i] === labels[i]);
    return;
  }
  const [predB, confB] = [b[0].predicted[b[1]], b[0].confidence[b[1]]];
  for (let i = 0; i < n; i++) cells.add(confA[i], predA[i] === labels[i], confB[i], predB[i] === labels[i]);
}

function addAll(stats: MeanStats, values: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) stats.add(values[i]);
}

function addDifferences(stats: MeanStats, a: Float64Array, b: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) stats.add(a[i] - b[i]);
}

/** The regression statistics of one subset of rows: predictions of each model against the targets. */
export class RegressionAccumulator {
  private rows = 0;
  private squaredError = new PairedMeanStats();
  private absoluteError = new PairedMeanStats();
  private target = new MeanStats();

  constructor(private readonly paired: boolean) {}

  /** Adds `n` rows: the targets and each model's predictions (one value per row). */
  add(targets: Float64Array, predictions: readonly Float64Array[], n: number): void {
    const [a, b] = predictions;
    for (let i = 0; i < n; i++) {
      const y = targets[i];
      const ea = a[i] - y;
      this.target.add(y);
      if (b) {
        const eb = b[i] - y;
        this.squaredError.add(ea * ea, eb * eb);
        this.absoluteError.add(Math.abs(ea), Math.abs(eb));
      } else {
        this.squaredError.addNew(ea * ea);
        this.absoluteError.addNew(Math.abs(ea));
      }
    }
    this.rows += n;
  }

  finish(): RegressionStatistics {
    const { paired, rows, squaredError, absoluteError, target } = this;
    return { task: 'regression', paired, rows, squaredError, absoluteError, target };
  }

  /** Adds the statistics of other rows: exact, in any order. */
  merge(other: RegressionAccumulator): void {
    if (other.paired !== this.paired) throw new RangeError('RegressionAccumulator.merge: paired and unpaired statistics');
    this.rows += other.rows;
    this.squaredError.merge(other.squaredError);
    this.absoluteError.merge(other.absoluteError);
    this.target.merge(other.target);
  }

  toJSON(): RegressionAccumulatorJson {
    const { paired, rows, squaredError, absoluteError, target } = this;
    return {
      task: 'regression',
      paired,
      rows,
      squaredError: squaredError.toJSON(),
      absoluteError: absoluteError.toJSON(),
      target: target.toJSON(),
    };
  }

  static fromJSON(json: RegressionAccumulatorJson): RegressionAccumulator {
    if (!Number.isInteger(json.rows) || json.rows < 0) throw new RangeError('bad regression statistics');
    const acc = new RegressionAccumulator(json.paired === true);
    acc.rows = json.rows;
    acc.squaredError = PairedMeanStats.fromJSON(json.squaredError);
    acc.absoluteError = PairedMeanStats.fromJSON(json.absoluteError);
    acc.target = MeanStats.fromJSON(json.target);
    return acc;
  }
}
