// Expected calibration error of two models on the same rows, from mergeable cells, and the paired
// bootstrap of its improvement.

import type { InferenceSettings, MetricComparison } from '../evaluation/comparison.js';
import { bootstrapCells, ExactSum } from '../stats/index.js';
import { bootstrapComparison, withoutBaseline } from './metric-comparison.js';

/** Equal-width bins of the top-class confidence on [0, 1]. */
export const CALIBRATION_BINS = 10;
/** Cells: (bin of new, bin of baseline, new right, baseline right). */
const CELLS = CALIBRATION_BINS * CALIBRATION_BINS * 4;

/**
 * The bin of a top-class confidence: bin i holds i/10 <= conf < (i+1)/10 (the last bin also holds
 * 1), computed as floor(10·conf) in floating point and clamped to [0, 9]; a confidence below 0 or
 * NaN falls in bin 0 (its NaN then makes the ECE NaN, never a silently wrong number).
 */
export function calibrationBin(confidence: number): number {
  if (!(confidence > 0)) return 0;
  const bin = Math.floor(confidence * CALIBRATION_BINS);
  return bin < CALIBRATION_BINS ? bin : CALIBRATION_BINS - 1;
}

/** One non-empty cell as CalibrationCells.toJSON writes it: the key's four parts, the rows, and both confidence sums (ExactSum partials). */
export type CalibrationCellJson = [
  binNew: number,
  binBaseline: number,
  newRight: 0 | 1,
  baselineRight: 0 | 1,
  count: number,
  confidenceNew: number[],
  confidenceBaseline: number[],
];

/** A confidence is cut into two digits of 26 bits: x ≈ high·2^-26 + low·2^-52. */
const DIGIT = 2 ** 26;
/** Adds to a slot before its digit sums move into its ExactSum: each digit is at most 2^26, so the sums stay below 2^53, exact. */
const ADDS_PER_SPILL = 2 ** 26;

/**
 * Exact sums of confidences, one per slot, fast enough for every row: each value is truncated to
 * a multiple of 2^-52 (an error below 2.3e-16, absolute, which a calibration error — itself an
 * absolute difference of means — cannot show) and its two 26-bit digits are added to integer sums
 * held in doubles, exact; every 2^26 adds a slot's digit sums move into its ExactSum. So the sums
 * do not depend on the order of the rows nor on how shards are merged (identical digits), at
 * ~5 ns an add where an ExactSum add costs ~20 ns. For values in [0, 1] (top-class
 * confidences); NaN or ±Infinity make the slot's sum NaN.
 */
export class ConfidenceSums {
  private readonly high: Float64Array;
  private readonly low: Float64Array;
  private readonly adds: Float64Array;
  private readonly spilled: (ExactSum | undefined)[];

  /** `addsPerSpill` (at most 2^26, the default) is lower only in tests, to reach the spill. */
  constructor(
    slots: number,
    private readonly addsPerSpill = ADDS_PER_SPILL,
  ) {
    this.high = new Float64Array(slots);
    this.low = new Float64Array(slots);
    this.adds = new Float64Array(slots);
    this.spilled = new Array<ExactSum | undefined>(slots).fill(undefined);
  }

  add(slot: number, x: number): void {
    const scaled = x * DIGIT;
    const high = Math.floor(scaled);
    this.high[slot] += high;
    this.low[slot] += Math.floor((scaled - high) * DIGIT);
    if (++this.adds[slot] >= this.addsPerSpill) this.spill(slot);
  }

  /** Moves a slot's digit sums into its ExactSum (high·2^-26 and low·2^-52 are exact doubles). */
  private spill(slot: number): void {
    const sum = (this.spilled[slot] ??= new ExactSum());
    sum.add(this.high[slot] / DIGIT);
    sum.add(this.low[slot] / (DIGIT * DIGIT));
    this.high[slot] = this.low[slot] = this.adds[slot] = 0;
  }

  /** Adds another set's slot `from` into slot `slot` of this one. */
  mergeSlot(slot: number, other: ConfidenceSums, from: number): void {
    this.high[slot] += other.high[from];
    this.low[slot] += other.low[from];
    this.adds[slot] += other.adds[from];
    // both had fewer than 2^26 adds: the digit sums are still below 2^53 here
    if (this.adds[slot] >= this.addsPerSpill) this.spill(slot);
    const spilled = other.spilled[from];
    if (spilled !== undefined) (this.spilled[slot] ??= new ExactSum()).merge(spilled);
  }

  /** Adds an exact sum (a shard's, read from JSON) to a slot. */
  addExact(slot: number, sum: ExactSum): void {
    (this.spilled[slot] ??= new ExactSum()).merge(sum);
  }

  /** The slot's exact sum. */
  total(slot: number): ExactSum {
    const sum = new ExactSum();
    const spilled = this.spilled[slot];
    if (spilled !== undefined) sum.merge(spilled);
    sum.add(this.high[slot] / DIGIT);
    sum.add(this.low[slot] / (DIGIT * DIGIT));
    return sum;
  }
}

/**
 * The sufficient statistic of the expected calibration error (ECE, Guo et al. 2017, "On
 * Calibration of Modern Neural Networks") of two models on the same rows: rows counted per cell
 * (bin of the new model's top-class confidence, bin of the baseline's, whether each model is
 * right), with each cell's sums of both models' confidences. ECE = Σ_b (n_b/N)·|acc_b − conf_b| =
 * (1/N) Σ_b |right_b − Σ conf over bin b|, over CALIBRATION_BINS equal-width bins (calibrationBin).
 *
 * The confidence sums are exact (ConfidenceSums: confidences truncated to multiples of 2^-52, then
 * summed exactly): merging shards or reordering rows cannot change a digit. 400 cells. Without a
 * baseline, add with confidence 0 and `baselineRight` false (addNew), and compare with
 * `paired: false`.
 */
export class CalibrationCells {
  private readonly counts = new Float64Array(CELLS);
  private readonly confidenceNew = new ConfidenceSums(CELLS);
  private readonly confidenceBaseline = new ConfidenceSums(CELLS);

  /** One row: each model's top-class confidence and whether its predicted class is the label. */
  add(confidenceNew: number, newRight: boolean, confidenceBaseline: number, baselineRight: boolean): void {
    const cell =
      ((calibrationBin(confidenceNew) * CALIBRATION_BINS + calibrationBin(confidenceBaseline)) * 2 + (newRight ? 1 : 0)) * 2 +
      (baselineRight ? 1 : 0);
    this.counts[cell]++;
    this.confidenceNew.add(cell, confidenceNew);
    this.confidenceBaseline.add(cell, confidenceBaseline);
  }

  /** One row without a baseline. */
  addNew(confidence: number, right: boolean): void {
    this.add(confidence, right, 0, false);
  }

  /** Adds another set of cells to these. */
  merge(other: CalibrationCells): void {
    for (let cell = 0; cell < CELLS; cell++) {
      if (other.counts[cell] === 0) continue;
      this.counts[cell] += other.counts[cell];
      this.confidenceNew.mergeSlot(cell, other.confidenceNew, cell);
      this.confidenceBaseline.mergeSlot(cell, other.confidenceBaseline, cell);
    }
  }

  /** The non-empty cells in cell order: their key parts, counts and mean confidences of each model. */
  cells(): {
    binNew: Int32Array;
    binBaseline: Int32Array;
    newRight: Int32Array;
    baselineRight: Int32Array;
    counts: Float64Array;
    meanNew: Float64Array;
    meanBaseline: Float64Array;
  } {
    const filled: number[] = [];
    for (let cell = 0; cell < CELLS; cell++) if (this.counts[cell] > 0) filled.push(cell);
    const n = filled.length;
    const out = {
      binNew: new Int32Array(n),
      binBaseline: new Int32Array(n),
      newRight: new Int32Array(n),
      baselineRight: new Int32Array(n),
      counts: new Float64Array(n),
      meanNew: new Float64Array(n),
      meanBaseline: new Float64Array(n),
    };
    filled.forEach((cell, i) => {
      out.binNew[i] = Math.floor(cell / (4 * CALIBRATION_BINS));
      out.binBaseline[i] = Math.floor(cell / 4) % CALIBRATION_BINS;
      out.newRight[i] = (cell >> 1) & 1;
      out.baselineRight[i] = cell & 1;
      out.counts[i] = this.counts[cell];
      out.meanNew[i] = this.confidenceNew.total(cell).value() / this.counts[cell];
      out.meanBaseline[i] = this.confidenceBaseline.total(cell).value() / this.counts[cell];
    });
    return out;
  }

  /** The non-empty cells, in cell order, each confidence sum as its ExactSum's canonical partials. */
  toJSON(): CalibrationCellJson[] {
    const out: CalibrationCellJson[] = [];
    for (let cell = 0; cell < CELLS; cell++) {
      if (this.counts[cell] === 0) continue;
      const [binNew, binBaseline] = [Math.floor(cell / (4 * CALIBRATION_BINS)), Math.floor(cell / 4) % CALIBRATION_BINS];
      const sums = [this.confidenceNew.total(cell).toJSON(), this.confidenceBaseline.total(cell).toJSON()];
      out.push([binNew, binBaseline, ((cell >> 1) & 1) as 0 | 1, (cell & 1) as 0 | 1, this.counts[cell], sums[0], sums[1]]);
    }
    return out;
  }

  /** The cells toJSON wrote; a cell out of range or a count that is not a positive integer throws a RangeError. */
  static fromJSON(json: CalibrationCellJson[]): CalibrationCells {
    const cells = new CalibrationCells();
    for (const [binNew, binBaseline, newRight, baselineRight, count, sumNew, sumBaseline] of json) {
      const bins = [binNew, binBaseline];
      const bad =
        bins.some((b) => !Number.isInteger(b) || b < 0 || b >= CALIBRATION_BINS) ||
        ![0, 1].includes(newRight) ||
        ![0, 1].includes(baselineRight);
      if (bad || !Number.isInteger(count) || count <= 0) {
        throw new RangeError(`CalibrationCells.fromJSON: bad cell [${binNew}, ${binBaseline}, ${newRight}, ${baselineRight}, ${count}]`);
      }
      const cell = ((binNew * CALIBRATION_BINS + binBaseline) * 2 + newRight) * 2 + baselineRight;
      cells.counts[cell] += count;
      cells.confidenceNew.addExact(cell, ExactSum.fromJSON(sumNew));
      cells.confidenceBaseline.addExact(cell, ExactSum.fromJSON(sumBaseline));
    }
    return cells;
  }
}

type Cells = ReturnType<CalibrationCells['cells']>;

/**
 * Both models' ECE from cell counts `counts` (the cells' own, or a bootstrap resample of them),
 * each cell contributing count × its mean confidence to its bin's confidence sum. `scratch` holds
 * 4·CALIBRATION_BINS numbers (right rows and confidence sums per bin, per model).
 */
function expectedCalibrationErrors(c: Cells, counts: Float64Array, scratch: Float64Array, out: { new: number; baseline: number }): void {
  scratch.fill(0);
  let rows = 0;
  for (let i = 0; i < counts.length; i++) {
    const r = counts[i];
    if (r === 0) continue;
    rows += r;
    scratch[c.binNew[i]] += r * c.newRight[i];
    scratch[CALIBRATION_BINS + c.binNew[i]] += r * c.meanNew[i];
    scratch[2 * CALIBRATION_BINS + c.binBaseline[i]] += r * c.baselineRight[i];
    scratch[3 * CALIBRATION_BINS + c.binBaseline[i]] += r * c.meanBaseline[i];
  }
  let eceNew = 0;
  let eceBaseline = 0;
  for (let b = 0; b < CALIBRATION_BINS; b++) {
    eceNew += Math.abs(scratch[b] - scratch[CALIBRATION_BINS + b]);
    eceBaseline += Math.abs(scratch[2 * CALIBRATION_BINS + b] - scratch[3 * CALIBRATION_BINS + b]);
  }
  out.new = eceNew / rows;
  out.baseline = eceBaseline / rows;
}

/**
 * Compares the two models' ECE (lower is better; improvement = ECE_baseline − ECE_new). Interval
 * and p-values: the paired bootstrap over the cells (stats/bootstrap.ts, s.replicates resamples,
 * seed s.seed, stream `options.stream`). Approximation: a resampled cell keeps its mean
 * confidences, so the spread of the confidences within a cell is not resampled. Each cell lies in
 * one 0.1-wide bin per model, so the variance left out is at most (0.1)²/4 = 0.0025 per row,
 * against the p(1 − p) per row of whether the model is right (0.0475 at 95 % accuracy); the tests
 * bound the effect on the interval against a numpy bootstrap that resamples
 * the rows. Without a baseline (`options.paired` false) only the new model's ECE is given.
 */
export function compareCalibration(
  cells: CalibrationCells,
  s: InferenceSettings,
  options: { paired: boolean; stream: number },
): MetricComparison {
  const c = cells.cells();
  const scratch = new Float64Array(4 * CALIBRATION_BINS);
  const values = { new: NaN, baseline: NaN };
  expectedCalibrationErrors(c, c.counts, scratch, values);
  if (c.counts.length === 0) return withoutBaseline('ece', false, null, 'no rows');
  if (!options.paired) return withoutBaseline('ece', false, values.new);
  const replicate = { new: NaN, baseline: NaN };
  const statistic = (resampled: Float64Array, out: Float64Array): void => {
    expectedCalibrationErrors(c, resampled, scratch, replicate);
    out[0] = replicate.baseline - replicate.new;
  };
  const replicates = bootstrapCells(c.counts, 1, statistic, { replicates: s.replicates, seed: s.seed, stream: options.stream });
  return bootstrapComparison({ metric: 'ece', higherIsBetter: false, ...values }, { values: replicates, outputs: 1, index: 0 }, s);
}
