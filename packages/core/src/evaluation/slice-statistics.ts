/**
 * The statistics of each slice of the eval set: for a slice column (a region, a device), the rows
 * of each code get statistics of their own, the same kind as the whole set's (statistics.ts), so
 * that every metric, interval and test of the whole set exists per slice too. Each batch's rows are
 * grouped by code and handed to that code's accumulator; nothing grows with the rows.
 */
import { RowValues, type ReadingState } from './row-values.js';
import type { SliceColumn } from './eval-set.js';
import { ClassificationAccumulator, RegressionAccumulator, type AccumulatorJson, type SubsetStatistics } from './statistics.js';

/** One slice column's statistics, per code (in increasing code order). */
export interface SliceStatistics {
  column: string;
  file: string;
  names?: Map<number, string>;
  subsets: Map<number, SubsetStatistics>;
}

type Accumulator = ClassificationAccumulator | RegressionAccumulator;

/** A slice column's accumulators as JSON (a shard's partial result): each code's, in code order. */
export interface SliceAccumulatorsJson {
  column: string;
  file: string;
  names: [number, string][] | null;
  subsets: [number, AccumulatorJson][];
}

/** The column a slice's statistics belong to, as the report names it. */
type ColumnInfo = Pick<SliceColumn, 'name' | 'file' | 'names'>;

function accumulatorFromJSON(json: AccumulatorJson): Accumulator {
  return json.task === 'classification' ? ClassificationAccumulator.fromJSON(json) : RegressionAccumulator.fromJSON(json);
}

/** What gathering needs of a model: its RowValues (a classifier; a regression's are its scores). */
interface ModelRows {
  values?: RowValues;
}

export class SliceAccumulators {
  private readonly subsets = new Map<number, Accumulator>();
  /** Rows of the batch grouped by code, and where each code's group starts. */
  private readonly order: Int32Array;
  private readonly labels: Float64Array;
  private readonly values: RowValues[];
  private readonly predictions: Float64Array[];

  constructor(
    private readonly column: ColumnInfo,
    private readonly make: () => Accumulator,
    models: readonly ModelRows[],
    batchRows: number,
  ) {
    this.order = new Int32Array(batchRows);
    this.labels = new Float64Array(batchRows);
    this.values = models.flatMap((m) =>
      m.values ? [new RowValues(m.values.width, m.values.outputIsLabels, m.values.classes, batchRows, m.values.topK)] : [],
    );
    this.predictions = models.map(() => new Float64Array(batchRows));
  }

  /** Adds a classification batch: `codes` of its rows, labels, and each model's per-row values. */
  addClassification(codes: Int32Array, labels: Float64Array, values: readonly RowValues[], n: number): void {
    for (const [code, offset, count] of this.groups(codes, n)) {
      this.gatherLabels(labels, offset, count);
      values.forEach((v, m) => this.values[m].gather(v, this.order, offset, count));
      (this.subsetOf(code) as ClassificationAccumulator).add(this.labels, this.values, count);
    }
  }

  /** Adds a regression batch: `codes` of its rows, targets, and each model's predictions. */
  addRegression(codes: Int32Array, targets: Float64Array, predictions: readonly Float64Array[], n: number): void {
    for (const [code, offset, count] of this.groups(codes, n)) {
      this.gatherLabels(targets, offset, count);
      predictions.forEach((p, m) => {
        const out = this.predictions[m];
        for (let i = 0; i < count; i++) out[i] = p[this.order[offset + i]];
      });
      (this.subsetOf(code) as RegressionAccumulator).add(this.labels, this.predictions.slice(0, predictions.length), count);
    }
  }

  /** Each code's statistics under the readings that held (`readings`: of the whole evaluation). */
  finish(readings: readonly ReadingState[]): SliceStatistics {
    const codes = [...this.subsets.keys()].sort((a, b) => a - b);
    const finish = (acc: Accumulator) => (acc instanceof ClassificationAccumulator ? acc.finish(readings) : acc.finish());
    const subsets = new Map(codes.map((code) => [code, finish(this.subsets.get(code)!)]));
    return { column: this.column.name, file: this.column.file, names: this.column.names, subsets };
  }

  /** Adds the statistics of another shard's rows of the same column: code by code. */
  merge(other: SliceAccumulators): void {
    if (other.column.name !== this.column.name)
      throw new RangeError(`SliceAccumulators.merge: column ${other.column.name}, not ${this.column.name}`);
    for (const [code, acc] of other.subsets) {
      const mine = this.subsets.get(code);
      if (!mine) this.subsets.set(code, acc);
      else if (mine instanceof ClassificationAccumulator && acc instanceof ClassificationAccumulator) mine.merge(acc);
      else if (mine instanceof RegressionAccumulator && acc instanceof RegressionAccumulator) mine.merge(acc);
      else throw new RangeError('SliceAccumulators.merge: classification and regression statistics');
    }
  }

  toJSON(): SliceAccumulatorsJson {
    const { name, file, names } = this.column;
    const codes = [...this.subsets.keys()].sort((a, b) => a - b);
    return {
      column: name,
      file,
      names: names ? [...names] : null,
      subsets: codes.map((code) => [code, this.subsets.get(code)!.toJSON()]),
    };
  }

  /** What toJSON wrote: statistics to merge and finish (no more rows are added to it). */
  static fromJSON(json: SliceAccumulatorsJson): SliceAccumulators {
    const column: ColumnInfo = { name: json.column, file: json.file, names: json.names ? new Map(json.names) : undefined };
    const slices = new SliceAccumulators(column, () => new RegressionAccumulator(false), [], 0);
    for (const [code, acc] of json.subsets) {
      if (!Number.isInteger(code)) throw new RangeError(`bad slice code ${String(code)}`);
      slices.subsets.set(code, accumulatorFromJSON(acc));
    }
    return slices;
  }

  private subsetOf(code: number): Accumulator {
    let subset = this.subsets.get(code);
    if (!subset) this.subsets.set(code, (subset = this.make()));
    return subset;
  }

  private gatherLabels(labels: Float64Array, offset: number, count: number): void {
    for (let i = 0; i < count; i++) this.labels[i] = labels[this.order[offset + i]];
  }

  /** The batch's rows grouped by code (a counting sort into `order`): [code, offset, count] per code, in code order. */
  private groups(codes: Int32Array, n: number): [number, number, number][] {
    const counts = new Map<number, number>();
    for (let i = 0; i < n; i++) counts.set(codes[i], (counts.get(codes[i]) ?? 0) + 1);
    const groups: [number, number, number][] = [];
    const next = new Map<number, number>();
    let offset = 0;
    for (const code of [...counts.keys()].sort((a, b) => a - b)) {
      groups.push([code, offset, counts.get(code)!]);
      next.set(code, offset);
      offset += counts.get(code)!;
    }
    for (let i = 0; i < n; i++) {
      const at = next.get(codes[i])!;
      this.order[at] = i;
      next.set(codes[i], at + 1);
    }
    return groups;
  }
}
