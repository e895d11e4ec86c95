import type { MetricValues } from './definitions.js';

/** What a classifier's output holds. */
export type ScoreKind = 'probabilities' | 'logits' | 'labels';

export interface PerClass {
  precision: number[];
  recall: number[];
  f1: number[];
  support: number[];
}

export interface ClassificationResult {
  metrics: MetricValues;
  /** Why a metric is null, by metric. */
  unavailable: Record<string, string>;
  perClass: PerClass;
  /** confusion[true][predicted], as scikit-learn's confusion_matrix. */
  confusion: number[][];
  scoreKind: ScoreKind;
  rows: number;
}

const EPS = 1e-15;

function clipLog(p: number): number {
  return Math.log(Math.min(Math.max(p, EPS), 1 - EPS));
}

/**
 * Streams a classifier's outputs and integer labels, batch by batch, into the metrics
 * scikit-learn computes (macro averages over the classes seen in labels or predictions, zero
 * where undefined, as zero_division=0). Memory is O(classes^2), except roc-auc, which needs every
 * binary score (8 bytes a row, only for binary tasks).
 *
 * Scores are `width` values per row: width >= 2 are per-class scores (probabilities when every
 * row is a distribution, logits otherwise); width 1 is one score for class 1 of a binary task;
 * `labels: true` means the output holds predicted class ids.
 */
export class ClassificationAccumulator {
  /** confusion counts under the probability reading (and the only ones for width >= 2 or labels) */
  private readonly confusion: Float64Array;
  /** width 1: the counts under the logit reading (threshold 0 instead of 0.5) */
  private readonly confusionIfLogits?: Float64Array;
  private rows = 0;
  /** -sum log p(true) if outputs are probabilities / logits; which one holds is known at the end. */
  private logLossIfProbabilities = 0;
  private logLossIfLogits = 0;
  private allDistributions = true;
  private binaryScores?: Float64Array;
  private binaryLabels?: Uint8Array;
  private readonly classes: number;

  constructor(
    readonly width: number,
    private readonly outputIsLabels: boolean,
    /** Number of classes (>= 2). */
    classes: number,
  ) {
    this.classes = classes;
    this.confusion = new Float64Array(classes * classes);
    if (width === 1 && !outputIsLabels) this.confusionIfLogits = new Float64Array(classes * classes);
    if (classes === 2 && !outputIsLabels) {
      this.binaryScores = new Float64Array(1024);
      this.binaryLabels = new Uint8Array(1024);
    }
  }

  /**
   * Adds `n` rows: `scores` holds n*width values, `labels` n class ids in [0, classes). Writes the
   * predicted class of each row into `predicted`; for one column, under the probability reading
   * (score > 0.5) there and under the logit reading (score > 0) into `predictedIfLogits`: which
   * reading holds is known only after the last row (readsAsProbabilities).
   */
  add(scores: ArrayLike<number>, labels: ArrayLike<number>, n: number, predicted: Int32Array, predictedIfLogits?: Int32Array): void {
    const { width, classes } = this;
    this.argmax(scores, n, predicted, 0.5);
    for (let i = 0; i < n; i++) this.confusion[labels[i] * classes + predicted[i]]++;
    if (this.confusionIfLogits) {
      const alt = predictedIfLogits ?? new Int32Array(n);
      this.argmax(scores, n, alt, 0);
      for (let i = 0; i < n; i++) this.confusionIfLogits[labels[i] * classes + alt[i]]++;
    }
    if (!this.outputIsLabels) {
      for (let i = 0; i < n; i++) {
        if (width === 1) this.addOneScoreLoss(scores[i], labels[i]);
        else this.addClassScoresLoss(scores, i * width, labels[i]);
      }
      this.keepBinaryScores(scores, labels, n);
    }
    this.rows += n;
  }

  /** One row's log-loss under both readings of one column: the probability of class 1, or its logit. */
  private addOneScoreLoss(s: number, y: number): void {
    if (s < 0 || s > 1) this.allDistributions = false;
    this.logLossIfProbabilities -= clipLog(y === 1 ? s : 1 - s);
    // log sigmoid(s) and log(1 - sigmoid(s)), computed stably
    const z = y === 1 ? s : -s;
    this.logLossIfLogits += z >= 0 ? Math.log1p(Math.exp(-z)) : -z + Math.log1p(Math.exp(z));
  }

  /** One row's log-loss under both readings of per-class scores (from `o`): probabilities, or logits. */
  private addClassScoresLoss(scores: ArrayLike<number>, o: number, y: number): void {
    const width = this.width;
    let max = -Infinity;
    for (let c = 0; c < width; c++) if (scores[o + c] > max) max = scores[o + c];
    // the probability reading, only while every row so far is a distribution (once one is
    // not, that reading is out and its work is skipped)
    if (this.allDistributions) {
      let sum = 0;
      for (let c = 0; c < width; c++) {
        const v = scores[o + c];
        if (v < 0 || v > 1) this.allDistributions = false;
        sum += v;
      }
      if (Math.abs(sum - 1) > 1e-3) this.allDistributions = false;
      this.logLossIfProbabilities -= clipLog(scores[o + y]);
    }
    let expSum = 0;
    for (let c = 0; c < width; c++) expSum += Math.exp(scores[o + c] - max);
    // -log softmax(z)_y, clipped like the probabilities
    this.logLossIfLogits -= Math.max(scores[o + y] - max - Math.log(expSum), Math.log(EPS));
  }

  /** Binary tasks: every row's class-1 score and label, for roc-auc (grown by doubling). */
  private keepBinaryScores(scores: ArrayLike<number>, labels: ArrayLike<number>, n: number): void {
    if (!this.binaryScores || !this.binaryLabels) return;
    const need = this.rows + n;
    if (need > this.binaryScores.length) {
      const size = Math.max(need, this.binaryScores.length * 2);
      const s = new Float64Array(size);
      s.set(this.binaryScores.subarray(0, this.rows));
      const l = new Uint8Array(size);
      l.set(this.binaryLabels.subarray(0, this.rows));
      this.binaryScores = s;
      this.binaryLabels = l;
    }
    for (let i = 0; i < n; i++) {
      // a score increasing with P(class 1): the margin for two columns, the value for one
      this.binaryScores[this.rows + i] = this.width === 1 ? scores[i] : scores[i * 2 + 1] - scores[i * 2];
      this.binaryLabels[this.rows + i] = labels[i];
    }
  }

  /** Whether the scores read as probabilities (every row a distribution); final after the last row. */
  readsAsProbabilities(): boolean {
    return !this.outputIsLabels && this.allDistributions;
  }

  /** Predicted class per row (first maximum wins, as numpy's argmax; one column: score > threshold). */
  private argmax(scores: ArrayLike<number>, n: number, predicted: Int32Array, threshold: number): void {
    const width = this.width;
    if (this.outputIsLabels) {
      for (let i = 0; i < n; i++) predicted[i] = scores[i];
    } else if (width === 1) {
      for (let i = 0; i < n; i++) predicted[i] = scores[i] > threshold ? 1 : 0;
    } else {
      for (let i = 0; i < n; i++) {
        const o = i * width;
        let best = 0;
        for (let c = 1; c < width; c++) if (scores[o + c] > scores[o + best]) best = c;
        predicted[i] = best;
      }
    }
  }

  result(): ClassificationResult {
    const k = this.classes;
    const confusion: number[][] = [];
    const counts = this.confusionIfLogits && !this.allDistributions ? this.confusionIfLogits : this.confusion;
    for (let t = 0; t < k; t++) confusion.push(Array.from(counts.subarray(t * k, (t + 1) * k)));
    const support = confusion.map((row) => row.reduce((a, b) => a + b, 0));
    const predictedCount = confusion[0].map((_, p) => confusion.reduce((a, row) => a + row[p], 0));
    const tp = confusion.map((row, c) => row[c]);
    const precision = tp.map((x, c) => (predictedCount[c] ? x / predictedCount[c] : 0));
    const recall = tp.map((x, c) => (support[c] ? x / support[c] : 0));
    const f1 = precision.map((p, c) => (p + recall[c] ? (2 * p * recall[c]) / (p + recall[c]) : 0));
    const seen = support.map((s, c) => s > 0 || predictedCount[c] > 0);
    const mean = (xs: number[], keep: boolean[]) => {
      const kept = xs.filter((_, c) => keep[c]);
      return kept.length ? kept.reduce((a, b) => a + b, 0) / kept.length : 0;
    };
    const correct = tp.reduce((a, b) => a + b, 0);
    const metrics: MetricValues = {
      accuracy: this.rows ? correct / this.rows : null,
      'balanced-accuracy': mean(
        recall,
        support.map((s) => s > 0),
      ),
      'f1-macro': mean(f1, seen),
      'precision-macro': mean(precision, seen),
      'recall-macro': mean(recall, seen),
    };
    const unavailable: Record<string, string> = {};
    let scoreKind: ScoreKind = 'labels';
    if (this.outputIsLabels) {
      metrics['log-loss'] = null;
      unavailable['log-loss'] = 'the output holds predicted labels, not scores';
    } else {
      scoreKind = this.allDistributions ? 'probabilities' : 'logits';
      metrics['log-loss'] = (this.allDistributions ? this.logLossIfProbabilities : this.logLossIfLogits) / this.rows;
    }
    if (k !== 2) {
      metrics['roc-auc'] = null;
      unavailable['roc-auc'] = `roc-auc is computed for binary tasks; this one has ${k} classes`;
    } else if (!this.binaryScores || !this.binaryLabels) {
      metrics['roc-auc'] = null;
      unavailable['roc-auc'] = 'the output holds predicted labels, not scores';
    } else {
      const auc = rocAuc(this.binaryScores.subarray(0, this.rows), this.binaryLabels.subarray(0, this.rows));
      metrics['roc-auc'] = auc;
      if (auc === null) unavailable['roc-auc'] = 'roc-auc needs both classes in the labels';
    }
    return { metrics, unavailable, perClass: { precision, recall, f1, support }, confusion, scoreKind, rows: this.rows };
  }
}

/** Area under the ROC curve by the rank-sum (Mann-Whitney U) statistic, ties averaged. */
export function rocAuc(scores: Float64Array, labels: Uint8Array): number | null {
  const n = scores.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => scores[a] - scores[b]);
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]] === scores[order[i]]) j++;
    const rank = (i + j) / 2 + 1;
    for (let t = i; t <= j; t++) {
      if (labels[order[t]] === 1) {
        positives++;
        rankSum += rank;
      }
    }
    i = j + 1;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return null;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}
