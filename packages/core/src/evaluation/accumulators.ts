/**
 * Everything one pass over rows accumulates — the statistics of every row, of each slice, and the
 * rank metrics' scores — kept undecided (every reading of a float output) until `finish`. A shard
 * writes it as JSON (its partial result); the merge reads the shards' back, merges them in row
 * order and finishes: counts and exact sums make the merged statistics those of one pass.
 */
import type { Task } from '../metrics/definitions.js';
import type { SliceColumn } from './eval-set.js';
import { RankCollector, type RankCollectorJson, type RankData } from './rank-collector.js';
import { finalReading, mergeReadingStates, type ReadingState, type ScoredBatch } from './row-values.js';
import { SliceAccumulators, type SliceAccumulatorsJson, type SliceStatistics } from './slice-statistics.js';
import { ClassificationAccumulator, RegressionAccumulator, type AccumulatorJson, type SubsetStatistics } from './statistics.js';

/** The statistics a finished pass yields (metric-comparisons.ts computes everything from them). */
export interface FinishedStatistics {
  statistics: SubsetStatistics;
  slices: SliceStatistics[];
  ranks?: RankData;
  /** Per model, what its output held: class ids, probabilities, logits, or a regression's values. */
  outputKinds: ('labels' | 'probabilities' | 'logits' | 'values')[];
}

/** EvaluationAccumulators as JSON. */
export interface EvaluationAccumulatorsJson {
  task: Task;
  /** Per model (classification): the readings' state after the rows. */
  readings: ReadingState[] | null;
  all: AccumulatorJson;
  slices: SliceAccumulatorsJson[];
  ranks: RankCollectorJson | null;
}

/** What a pass needs to set up its accumulators. */
export interface AccumulatorSetup {
  task: Task;
  classes?: number;
  models: readonly ScoredBatch[];
  slices: readonly SliceColumn[];
  batchRows: number;
  /** The eval set's rows (rank scores are kept or not on them) and the rows this pass scores. */
  rows: { rows: number; scoredRows: number };
  rankMetricsNeeded: boolean;
}

export class EvaluationAccumulators {
  /** Per model (classification): set by `settle` after the pass, or read from JSON. */
  private readings?: ReadingState[];

  private constructor(
    readonly task: Task,
    private readonly all: ClassificationAccumulator | RegressionAccumulator,
    private readonly slices: SliceAccumulators[],
    private readonly ranks: RankCollector | undefined,
  ) {}

  static create(setup: AccumulatorSetup): EvaluationAccumulators {
    const { task, classes, models, batchRows } = setup;
    const values = models.map((m) => m.values!);
    const paired = models.length === 2;
    const subset = () => (task === 'classification' ? new ClassificationAccumulator(classes!, values) : new RegressionAccumulator(paired));
    const slices = setup.slices.map((column) => new SliceAccumulators(column, subset, models, batchRows));
    const ranks =
      task === 'classification' ? RankCollector.create(models, classes!, setup.rows, batchRows, setup.rankMetricsNeeded) : undefined;
    return new EvaluationAccumulators(task, subset(), slices, ranks);
  }

  /** Whether the rank metrics' per-row scores are kept (then a cached baseline must keep its scores too). */
  get keepsRankScores(): boolean {
    return this.ranks?.keeps ?? false;
  }

  /** Adds `n` rows of a batch: labels (targets), each slice column's codes, and each model's scored batch. */
  add(labels: Float64Array, codes: readonly Int32Array[], models: readonly ScoredBatch[], n: number): void {
    if (this.all instanceof ClassificationAccumulator) {
      const values = models.map((m) => m.values!);
      this.all.add(labels, values, n);
      this.slices.forEach((s, c) => s.addClassification(codes[c], labels, values, n));
      this.ranks?.add(models, labels, n);
    } else {
      const predictions = models.map((m) => m.scores);
      this.all.add(labels, predictions, n);
      this.slices.forEach((s, c) => s.addRegression(codes[c], labels, predictions, n));
    }
  }

  /** After the last batch: records each model's readings as they ended. */
  settle(models: readonly ScoredBatch[]): void {
    if (this.task === 'classification') this.readings = models.map((m) => m.values!.readingState());
  }

  /** Adds the accumulators of the rows that follow these (the next shard): the rank scores are concatenated, so order matters. */
  merge(other: EvaluationAccumulators): void {
    if (other.task !== this.task || other.slices.length !== this.slices.length)
      throw new RangeError('EvaluationAccumulators.merge: different tasks or slices');
    if (this.all instanceof ClassificationAccumulator && other.all instanceof ClassificationAccumulator) this.all.merge(other.all);
    else if (this.all instanceof RegressionAccumulator && other.all instanceof RegressionAccumulator) this.all.merge(other.all);
    this.slices.forEach((s, c) => s.merge(other.slices[c]));
    if (this.ranks && other.ranks) this.ranks.merge(other.ranks);
    if (this.readings && other.readings) this.readings = mergeReadingStates(this.readings, other.readings);
  }

  /** The statistics under the readings that held; ends the accumulators (rank scores are softmaxed in place). */
  finish(): FinishedStatistics {
    const readings = this.readings ?? [];
    if (this.all instanceof RegressionAccumulator) {
      return { statistics: this.all.finish(), slices: this.slices.map((s) => s.finish(readings)), outputKinds: ['values', 'values'] };
    }
    if (!this.readings) throw new Error('EvaluationAccumulators.finish before settle');
    return {
      statistics: this.all.finish(readings),
      slices: this.slices.map((s) => s.finish(readings)),
      ranks: this.ranks?.finish(readings),
      outputKinds: readings.map((r) => (!r.hasScores ? 'labels' : finalReading(r) === 0 ? 'probabilities' : 'logits')),
    };
  }

  toJSON(): EvaluationAccumulatorsJson {
    return {
      task: this.task,
      readings: this.readings ?? null,
      all: this.all.toJSON(),
      slices: this.slices.map((s) => s.toJSON()),
      ranks: this.ranks?.toJSON() ?? null,
    };
  }

  /** What toJSON wrote; a malformed part throws a RangeError or TypeError (the caller names the file). */
  static fromJSON(json: EvaluationAccumulatorsJson): EvaluationAccumulators {
    if (json.all.task !== json.task) throw new RangeError(`statistics of a ${json.all.task} in a ${json.task}`);
    const all =
      json.all.task === 'classification' ? ClassificationAccumulator.fromJSON(json.all) : RegressionAccumulator.fromJSON(json.all);
    const slices = json.slices.map((s) => SliceAccumulators.fromJSON(s));
    const ranks = json.ranks ? RankCollector.fromJSON(json.ranks) : undefined;
    const acc = new EvaluationAccumulators(json.task, all, slices, ranks);
    if (json.task === 'classification') {
      if (!Array.isArray(json.readings) || json.readings.length < 1)
        throw new RangeError('a classification without the readings of its models');
      acc.readings = json.readings.map((r) => ({
        hasScores: r.hasScores === true,
        twoPredictions: r.twoPredictions === true,
        probabilitiesPossible: r.probabilitiesPossible === true,
      }));
    }
    return acc;
  }
}
