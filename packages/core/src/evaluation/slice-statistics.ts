/**
 * The statistics of each slice of the eval set: for a slice column (a region, a device), the rows
 * of each code get statistics of their own, the same kind as the whole set's (statistics.ts), so
 * that every metric, interval and test of the whole set exists per slice too. Each batch's rows are
 * grouped by code and handed to that code's accumulator; nothing grows with the rows.
 */
import { RowValues } from './row-values.js';
import type { SliceColumn } from './eval-set.js';
import { ClassificationAccumulator, RegressionAccumulator, type SubsetStatistics } from './statistics.js';

/** One slice column's statistics, per code (in increasing code order). */
export interface SliceStatistics {
  column: string;
  file: string;
  names?: Map<number, string>;
  subsets: Map<number, SubsetStatistics>;
}

type Accumulator = ClassificationAccumulator | RegressionAccumulator;

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
    private readonly column: SliceColumn,
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

  finish(): SliceStatistics {
    const codes = [...this.subsets.keys()].sort((a, b) => a - b);
    const subsets = new Map(codes.map((code) => [code, this.subsets.get(code)!.finish()]));
    return { column: this.column.name, file: this.column.file, names: this.column.names, subsets };
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
