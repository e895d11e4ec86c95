// The confusion-derived metrics of one model, as scikit-learn 1.2 defines them, from per-class
// totals: computed once for the reported values and once per bootstrap replicate (compare-confusion.ts),
// so this is the one definition of each.

/** The aggregate confusion metrics, in the order writeConfusionMetrics writes them. */
export const CONFUSION_AGGREGATES = ['accuracy', 'balanced-accuracy', 'precision-macro', 'recall-macro', 'f1-macro', 'mcc'] as const;
export type ConfusionAggregate = (typeof CONFUSION_AGGREGATES)[number];

/** Number of values writeConfusionMetrics writes for `classes` classes: the aggregates, then precision, recall, f1 per class. */
export function confusionMetricCount(classes: number): number {
  return CONFUSION_AGGREGATES.length + 3 * classes;
}

/**
 * What every confusion metric of one model follows from: per class c its true positives (rows
 * labelled c and predicted c), its predictions (rows predicted c) and its support (rows labelled c).
 */
export interface ClassTotals {
  truePositives: Float64Array;
  predicted: Float64Array;
  support: Float64Array;
}

/**
 * Writes the metrics of `t` into `out` (confusionMetricCount(classes) values): accuracy,
 * balanced accuracy, precision / recall / F1 macro, MCC, then per class c precision, recall, F1 at
 * 6 + 3c, 7 + 3c, 8 + 3c. Definitions (scikit-learn 1.2):
 * - precision_c = tp/predicted (0 when nothing is predicted c: zero_division=0); recall_c =
 *   tp/support, NaN here when no row is labelled c (undefined; the macro counts it as 0, as
 *   zero_division=0 does); F1_c = 2PR/(P+R), 0 when P + R = 0;
 * - the macros average over the classes present in the labels or the predictions — of this model
 *   and, when `otherPredicted` is given, of the model it is compared with: one class set for both,
 *   so that a class only one model predicts cannot lower one macro and not the other (a baseline
 *   that once predicted a class absent from the labels had its F1-macro averaged over one more
 *   class, and a much worse candidate passed); alone, scikit-learn's set;
 * - balanced accuracy averages recall over the classes present in the labels;
 * - MCC, multiclass (Gorodkin's R_K, sklearn's matthews_corrcoef): (c·s − Σ t_k p_k) /
 *   sqrt((s² − Σ p_k²)(s² − Σ t_k²)) with c correct rows, s rows, t support, p predictions; 0 when
 *   a factor of the denominator is 0, as scikit-learn returns.
 * O(classes), no allocation: called once per bootstrap replicate.
 */
export function writeConfusionMetrics(t: ClassTotals, classes: number, out: Float64Array, otherPredicted?: Float64Array): void {
  const { truePositives, predicted, support } = t;
  let rows = 0;
  let correct = 0;
  let present = 0;
  let labelled = 0;
  let precisionSum = 0;
  let recallSum = 0;
  let f1Sum = 0;
  let supportTimesPredicted = 0;
  let predictedSquares = 0;
  let supportSquares = 0;
  for (let c = 0; c < classes; c++) {
    const tp = truePositives[c];
    const p = predicted[c];
    const s = support[c];
    rows += s;
    correct += tp;
    supportTimesPredicted += s * p;
    predictedSquares += p * p;
    supportSquares += s * s;
    const precision = p > 0 ? tp / p : 0;
    const recall = s > 0 ? tp / s : NaN;
    const recallOrZero = s > 0 ? recall : 0;
    const f1 = precision + recallOrZero > 0 ? (2 * precision * recallOrZero) / (precision + recallOrZero) : 0;
    out[6 + 3 * c] = precision;
    out[7 + 3 * c] = recall;
    out[8 + 3 * c] = f1;
    if (s > 0) {
      labelled++;
      recallSum += recall;
    }
    if (s > 0 || p > 0 || (otherPredicted !== undefined && otherPredicted[c] > 0)) {
      present++;
      precisionSum += precision;
      f1Sum += f1;
    }
  }
  out[0] = correct / rows;
  out[1] = recallSum / labelled;
  out[2] = precisionSum / present;
  out[3] = recallSum / present;
  out[4] = f1Sum / present;
  const covariance = correct * rows - supportTimesPredicted;
  const predictedVariance = rows * rows - predictedSquares;
  const labelVariance = rows * rows - supportSquares;
  out[5] = predictedVariance * labelVariance === 0 ? 0 : covariance / Math.sqrt(labelVariance * predictedVariance);
}

/** The confusion metrics of one model, scikit-learn's values (see writeConfusionMetrics). */
export interface ConfusionMetrics extends Record<ConfusionAggregate, number> {
  /**
   * Per class 0..K-1 (a class absent from labels and predictions has all zeros): the three
   * metrics, the support (rows labelled c) and the rows predicted c.
   */
  perClass: { precision: number[]; recall: number[]; f1: number[]; support: number[]; predicted: number[] };
}

/** Per-class totals of a K x K confusion matrix stored [true * K + predicted]. */
export function classTotals(confusion: Float64Array, classes: number): ClassTotals {
  const t: ClassTotals = {
    truePositives: new Float64Array(classes),
    predicted: new Float64Array(classes),
    support: new Float64Array(classes),
  };
  for (let y = 0; y < classes; y++) {
    for (let p = 0; p < classes; p++) {
      const count = confusion[y * classes + p];
      t.support[y] += count;
      t.predicted[p] += count;
    }
    t.truePositives[y] = confusion[y * classes + y];
  }
  return t;
}

/**
 * The metrics of a K x K confusion matrix (`confusion[true * K + predicted]`, as
 * scikit-learn's confusion_matrix): accuracy, balanced accuracy, precision / recall / F1 macro,
 * MCC and per-class precision / recall / F1 / support, equal to scikit-learn's accuracy_score,
 * balanced_accuracy_score, precision_score / recall_score / f1_score (average='macro',
 * zero_division=0), matthews_corrcoef and precision_recall_fscore_support(labels=range(K),
 * zero_division=0). An empty matrix gives NaN aggregates (MCC 0).
 */
export function confusionMetrics(confusion: Float64Array, classes: number, otherPredicted?: Float64Array): ConfusionMetrics {
  const t = classTotals(confusion, classes);
  const out = new Float64Array(confusionMetricCount(classes));
  writeConfusionMetrics(t, classes, out, otherPredicted);
  const perClass = {
    precision: [] as number[],
    recall: [] as number[],
    f1: [] as number[],
    support: Array.from(t.support),
    predicted: Array.from(t.predicted),
  };
  for (let c = 0; c < classes; c++) {
    perClass.precision.push(out[6 + 3 * c]);
    // scikit-learn's zero_division=0: a class no row is labelled with has recall 0
    perClass.recall.push(t.support[c] > 0 ? out[7 + 3 * c] : 0);
    perClass.f1.push(out[8 + 3 * c]);
  }
  return {
    accuracy: out[0],
    'balanced-accuracy': out[1],
    'precision-macro': out[2],
    'recall-macro': out[3],
    'f1-macro': out[4],
    mcc: out[5],
    perClass,
  };
}
