/**
 * What a classifier's scores say about each row of a batch, under each way of reading them.
 *
 * A float output is read as probabilities while every row is a distribution (each value in [0, 1],
 * summing to 1 for several columns), else as logits (softmax, or the sigmoid of one column). Which
 * reading holds is known only after the last row, so both are computed while both are possible
 * (reading 0: probabilities, or class ids for an integer output; reading 1: logits) and the
 * statistics keep both until the end (statistics.ts). The predicted class differs between the
 * readings only for one column (score > 0.5 against score > 0); the argmax of several columns is the
 * same under both.
 */

import { brierFromSums, topKHit } from '../metrics/per-row.js';

/** Reading 0: probabilities (or class ids); reading 1: logits. */
export type Reading = 0 | 1;

/**
 * What the statistics need to know of a model's readings once rows are in: the same for every
 * subset of rows, and mergeable across shards (probabilities stay possible only if they did in
 * every shard).
 */
export interface ReadingState {
  /** Float scores, not class ids. */
  hasScores: boolean;
  /** One score column: the two readings predict differently (score > 0.5 against score > 0). */
  twoPredictions: boolean;
  /** Every row so far is a distribution. */
  probabilitiesPossible: boolean;
}

/** The reading that holds once every row is in. */
export function finalReading(s: ReadingState): Reading {
  return !s.hasScores || s.probabilitiesPossible ? 0 : 1;
}

/** The readings of the rows of two shards together. */
export function mergeReadingStates(a: readonly ReadingState[], b: readonly ReadingState[]): ReadingState[] {
  return a.map((s, i) => ({ ...s, probabilitiesPossible: s.probabilitiesPossible && b[i].probabilitiesPossible }));
}

/** log(p) clipped as scikit-learn's log_loss clips p to [eps, 1 - eps]. */
const EPS = 1e-15;
const LOG_EPS = Math.log(EPS);

function clippedLog(p: number): number {
  return Math.log(Math.min(Math.max(p, EPS), 1 - EPS));
}

/**
 * A model's current batch as the statistics, the rank scores and the baseline cache read it: its raw
 * scores (`width` per row; a regression's predictions), and a classifier's per-row values.
 */
export interface ScoredBatch {
  values?: RowValues;
  scores: Float64Array;
  width: number;
  outputIsLabels: boolean;
}

/**
 * Per row of the current batch, under each live reading: the predicted class, and for scores the
 * log-loss, the Brier score, the top-class confidence (expected calibration error) and, for three
 * or more columns, whether the label is among the k best scores. Buffers are reused batch after
 * batch: nothing is allocated per row.
 */
export class RowValues {
  /** Predicted class per row under each reading (the same array for both when they agree). */
  readonly predicted: [Int32Array, Int32Array];
  readonly loss: [Float64Array, Float64Array];
  readonly brier: [Float64Array, Float64Array];
  readonly confidence: [Float64Array, Float64Array];
  /** 1 when the label is among the top k scores (three or more columns, k < columns). */
  readonly topKHit?: Uint8Array;
  /** Still possible: every row so far is a distribution (for an integer output: always, as class ids). */
  probabilitiesPossible = true;

  constructor(
    readonly width: number,
    readonly outputIsLabels: boolean,
    readonly classes: number,
    batchRows: number,
    readonly topK: number,
  ) {
    const predicted = new Int32Array(batchRows);
    this.predicted = [predicted, width === 1 && !outputIsLabels ? new Int32Array(batchRows) : predicted];
    const pair = () => [new Float64Array(batchRows), new Float64Array(batchRows)] as [Float64Array, Float64Array];
    this.loss = pair();
    this.brier = pair();
    this.confidence = pair();
    if (this.hasTopK()) this.topKHit = new Uint8Array(batchRows);
  }

  /** Whether this output has scores (log-loss, Brier, calibration, ranks) rather than class ids. */
  get hasScores(): boolean {
    return !this.outputIsLabels;
  }

  /** top-k accuracy is defined here: three or more scored columns, and k below their number. */
  hasTopK(): boolean {
    return !this.outputIsLabels && this.width >= 3 && this.topK < this.width;
  }

  /** The readings whose predictions differ: both for one score column, else reading 0 alone. */
  predictionReadings(): Reading[] {
    return this.predicted[0] === this.predicted[1] ? [0] : [0, 1];
  }

  /** The readings still possible for the scores: logits always, probabilities while every row is a distribution. */
  scoreReadings(): Reading[] {
    if (this.outputIsLabels) return [];
    return this.probabilitiesPossible ? [0, 1] : [1];
  }

  /** The reading that holds once every row is in: the final answer after the last batch. */
  finalReading(): Reading {
    return finalReading(this.readingState());
  }

  /** What the statistics need to know of the readings (after the last batch: their final state). */
  readingState(): ReadingState {
    return {
      hasScores: !this.outputIsLabels,
      twoPredictions: this.predicted[0] !== this.predicted[1],
      probabilitiesPossible: this.outputIsLabels || this.probabilitiesPossible,
    };
  }

  /**
   * Copies rows `order[offset .. offset + count)` of `from` (a RowValues of the same model) into
   * rows 0 .. count of this one: the rows of one slice of the batch.
   */
  gather(from: RowValues, order: Int32Array, offset: number, count: number): void {
    this.probabilitiesPossible = from.probabilitiesPossible;
    const copy = <T extends Int32Array | Float64Array | Uint8Array>(to: T, source: T) => {
      for (let i = 0; i < count; i++) to[i] = source[order[offset + i]];
    };
    copy(this.predicted[0], from.predicted[0]);
    if (this.predicted[1] !== this.predicted[0]) copy(this.predicted[1], from.predicted[1]);
    if (this.outputIsLabels) return;
    for (const r of [0, 1] as const) {
      copy(this.loss[r], from.loss[r]);
      copy(this.brier[r], from.brier[r]);
      copy(this.confidence[r], from.confidence[r]);
    }
    if (this.topKHit && from.topKHit) copy(this.topKHit, from.topKHit);
  }

  /** Fills the per-row values of `n` rows (`scores`: n * width values, `labels`: class ids). */
  compute(scores: Float64Array, labels: Float64Array, n: number): void {
    if (this.outputIsLabels) {
      const p = this.predicted[0];
      for (let i = 0; i < n; i++) p[i] = scores[i];
    } else if (this.width === 1) {
      this.computeOneColumn(scores, labels, n);
    } else {
      this.computeColumns(scores, labels, n);
    }
  }

  /** One column: the probability of class 1, or its logit. */
  private computeOneColumn(s: Float64Array, y: Float64Array, n: number): void {
    const [pP, pL] = this.predicted;
    const probabilities = this.probabilitiesPossible;
    for (let i = 0; i < n; i++) {
      const v = s[i];
      const one = y[i] === 1;
      pP[i] = v > 0.5 ? 1 : 0;
      pL[i] = v > 0 ? 1 : 0;
      if (probabilities) {
        if (v < 0 || v > 1) this.probabilitiesPossible = false;
        this.setBinary(0, i, v, one);
      }
      // log sigmoid(z), computed stably, with z the logit of the label's class
      const z = one ? v : -v;
      const nll = z >= 0 ? Math.log1p(Math.exp(-z)) : -z + Math.log1p(Math.exp(z));
      const sig = v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
      this.setBinary(1, i, sig, one);
      this.loss[1][i] = Math.min(nll, -LOG_EPS);
    }
  }

  /** Reading r of one column with p = P(class 1): log-loss (reading 0), Brier, top-class confidence. */
  private setBinary(r: Reading, i: number, p: number, one: boolean): void {
    const q = one ? p : 1 - p;
    if (r === 0) this.loss[0][i] = -clippedLog(q);
    const e = (one ? 1 : 0) - p;
    this.brier[r][i] = e * e;
    this.confidence[r][i] = p > 0.5 ? p : 1 - p;
  }

  /** Several columns: per-class probabilities, or logits (softmax). */
  private computeColumns(s: Float64Array, labels: Float64Array, n: number): void {
    const width = this.width;
    const predicted = this.predicted[0];
    for (let i = 0; i < n; i++) {
      const o = i * width;
      const y = labels[i];
      let best = 0;
      for (let c = 1; c < width; c++) if (s[o + c] > s[o + best]) best = c;
      predicted[i] = best;
      const max = s[o + best];
      if (this.probabilitiesPossible) this.probabilityReading(s, o, y, i, max);
      // softmax: p_c = e_c / S with e_c = exp(s_c - max); Brier = sum p_c^2 - 2 p_y + 1
      let expSum = 0;
      let expSquares = 0;
      for (let c = 0; c < width; c++) {
        const e = Math.exp(s[o + c] - max);
        expSum += e;
        expSquares += e * e;
      }
      const py = Math.exp(s[o + y] - max) / expSum;
      this.loss[1][i] = -Math.max(s[o + y] - max - Math.log(expSum), LOG_EPS);
      this.brier[1][i] = brierFromSums(expSquares / (expSum * expSum), py, this.classes);
      this.confidence[1][i] = 1 / expSum;
      if (this.topKHit) this.topKHit[i] = topKHit(s, o, width, y, this.topK) ? 1 : 0;
    }
  }

  /** Reading 0 of one row of several columns, while every row so far is a distribution. */
  private probabilityReading(s: Float64Array, o: number, y: number, i: number, max: number): void {
    let sum = 0;
    let squares = 0;
    for (let c = 0; c < this.width; c++) {
      const v = s[o + c];
      if (v < 0 || v > 1) this.probabilitiesPossible = false;
      sum += v;
      squares += v * v;
    }
    if (Math.abs(sum - 1) > 1e-3) this.probabilitiesPossible = false;
    this.loss[0][i] = -clippedLog(s[o + y]);
    this.brier[0][i] = brierFromSums(squares, s[o + y], this.classes);
    this.confidence[0][i] = max;
  }
}
