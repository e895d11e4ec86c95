// The paired comparison of every confusion-derived metric of two models, from their PairedConfusion
// table: both models' values from its two margins, the intervals of every improvement from one
// bootstrap over its cells, McNemar's exact test for accuracy and for each class's recall.

import type { ClassComparison, InferenceSettings, MetricComparison } from '../evaluation/comparison.js';
import { bootstrapCells } from '../stats/index.js';
import {
  CONFUSION_AGGREGATES,
  confusionMetricCount,
  confusionMetrics,
  writeConfusionMetrics,
  type ClassTotals,
  type ConfusionMetrics,
} from './confusion-metrics.js';
import { bootstrapComparison, pairedProportionComparison, withoutBaseline, type ExactTest } from './metric-comparison.js';
import type { PairedTable } from './paired-proportions.js';
import { decodeCells, type PairedConfusion } from './paired-confusion.js';
import { mcnemarExactNewBetter } from './significance.js';

/** Every confusion-derived metric compared, and the per-class rows. */
export interface ConfusionComparison {
  /** accuracy, balanced-accuracy, precision-macro, recall-macro, f1-macro, mcc, in that order. */
  metrics: MetricComparison[];
  /** The classes present in the labels or in either model's predictions, in class order. */
  perClass: ClassComparison[];
}

/**
 * Compares two models on every confusion-derived metric from their paired table (`K` classes).
 *
 * Values: scikit-learn's, from each model's confusion (confusion-metrics.ts). Intervals: one paired
 * bootstrap over the table's cells (stats/bootstrap.ts: s.replicates multinomial resamples of
 * the rows over the cells, seed s.seed, stream `options.stream`: each table its own), every improvement computed from the same replicate in O(cells + K):
 * resampling the cells is resampling the rows, so the interval is the paired row bootstrap's.
 * Tests: accuracy's pNewBetter / pNewWorse are McNemar's exact one-sided tests on the rows where
 * exactly one model is right; each class's recall uses McNemar on that class's rows; the rest take
 * the bootstrap's p-values. A class no row is labelled with has no recall (unavailable).
 *
 * Without a baseline (`options.paired` false) only the new model's values are given. Same inputs,
 * same numbers: the cells come in key order and the bootstrap is seeded.
 */
export function compareConfusion(
  table: PairedConfusion,
  K: number,
  s: InferenceSettings,
  options: { paired: boolean; stream: number },
): ConfusionComparison {
  if (table.classes !== K) throw new RangeError(`compareConfusion: a table of ${table.classes} classes compared as ${K}`);
  const alone = confusionMetrics(table.confusion('new'), K);
  if (table.rows() === 0)
    return { metrics: CONFUSION_AGGREGATES.map((metric) => withoutBaseline(metric, true, null, 'no rows')), perClass: [] };
  if (!options.paired) return newModelOnly(alone, K);
  // one class set for both macros: the classes in the labels or in either model's predictions
  const baseMetrics = confusionMetrics(table.confusion('baseline'), K, Float64Array.from(alone.perClass.predicted));
  const newMetrics = confusionMetrics(table.confusion('new'), K, Float64Array.from(baseMetrics.perClass.predicted));
  const replicates = { values: bootstrapImprovements(table, K, s, options.stream), outputs: confusionMetricCount(K), index: 0 };
  const disagreements = mcnemarCounts(table, K);
  const metrics = CONFUSION_AGGREGATES.map((metric, index) => {
    const values = { metric, higherIsBetter: true, new: newMetrics[metric], baseline: baseMetrics[metric] };
    if (metric !== 'accuracy') return bootstrapComparison(values, { ...replicates, index }, s);
    return pairedProportionComparison(
      values,
      accuracyTable(table, disagreements),
      s,
      mcnemarTest(disagreements.newOnly, disagreements.baselineOnly),
    );
  });
  const perClass: ClassComparison[] = [];
  for (let c = 0; c < K; c++) {
    const support = newMetrics.perClass.support[c];
    if (support === 0 && !predictedBy(newMetrics, c) && !predictedBy(baseMetrics, c)) continue;
    const recallTest = mcnemarTest(disagreements.newOnlyByClass[c], disagreements.baselineOnlyByClass[c]);
    const compare = (which: 'precision' | 'recall' | 'f1', offset: number, exact?: ExactTest): MetricComparison => {
      const values = {
        metric: `${which}[${c}]`,
        higherIsBetter: true,
        new: newMetrics.perClass[which][c],
        baseline: baseMetrics.perClass[which][c],
      };
      return bootstrapComparison(values, { ...replicates, index: CONFUSION_AGGREGATES.length + 3 * c + offset }, s, exact);
    };
    const recall = support > 0 ? compare('recall', 1, recallTest) : noRecall(c);
    perClass.push({ class: c, support, precision: compare('precision', 0), recall, f1: compare('f1', 2) });
  }
  return { metrics, perClass };
}

/** The recall of a class no row is labelled with: undefined (0/0), whatever scikit-learn's zero_division says. */
function noRecall(c: number): MetricComparison {
  return withoutBaseline(`recall[${c}]`, true, null, `no row is labelled with class ${c}`);
}

/** Whether the model predicts class c on some row. */
function predictedBy(m: ConfusionMetrics, c: number): boolean {
  return m.perClass.predicted[c] > 0;
}

/** The comparison of a table without baseline: the new model's values. */
function newModelOnly(m: ConfusionMetrics, K: number): ConfusionComparison {
  const metrics = CONFUSION_AGGREGATES.map((metric) => withoutBaseline(metric, true, m[metric]));
  const perClass: ClassComparison[] = [];
  for (let c = 0; c < K; c++) {
    const support = m.perClass.support[c];
    if (support === 0 && !predictedBy(m, c)) continue;
    const recall = support > 0 ? withoutBaseline(`recall[${c}]`, true, m.perClass.recall[c]) : noRecall(c);
    perClass.push({
      class: c,
      support,
      precision: withoutBaseline(`precision[${c}]`, true, m.perClass.precision[c]),
      recall,
      f1: withoutBaseline(`f1[${c}]`, true, m.perClass.f1[c]),
    });
  }
  return { metrics, perClass };
}

/** The paired 2 x 2 table of correct predictions: right by the new model only, the baseline only, both, neither. */
function accuracyTable(table: PairedConfusion, d: { newOnly: number; baselineOnly: number }): PairedTable {
  const rows = table.rows();
  const confusion = table.confusion('new');
  let newRight = 0;
  for (let c = 0; c < table.classes; c++) newRight += confusion[c * table.classes + c];
  const both = newRight - d.newOnly;
  return { newOnly: d.newOnly, baselineOnly: d.baselineOnly, both, neither: rows - d.newOnly - d.baselineOnly - both };
}

/** McNemar's exact one-sided tests, both directions, from the two disagreement counts. */
export function mcnemarTest(newOnly: number, baselineOnly: number): ExactTest {
  return {
    test: 'mcnemar-exact',
    pNewBetter: mcnemarExactNewBetter(newOnly, baselineOnly),
    pNewWorse: mcnemarExactNewBetter(baselineOnly, newOnly),
  };
}

/** Rows only the new model gets right and rows only the baseline gets right, in all and per label. */
export function mcnemarCounts(table: PairedConfusion, K: number) {
  const { keys, counts } = table.cells();
  const { label, newClass, baselineClass } = decodeCells(keys, K);
  const newOnlyByClass = new Float64Array(K);
  const baselineOnlyByClass = new Float64Array(K);
  let newOnly = 0;
  let baselineOnly = 0;
  for (let i = 0; i < keys.length; i++) {
    const y = label[i];
    const newRight = newClass[i] === y;
    const baselineRight = baselineClass[i] === y;
    if (newRight && !baselineRight) {
      newOnly += counts[i];
      newOnlyByClass[y] += counts[i];
    } else if (baselineRight && !newRight) {
      baselineOnly += counts[i];
      baselineOnlyByClass[y] += counts[i];
    }
  }
  return { newOnly, baselineOnly, newOnlyByClass, baselineOnlyByClass };
}

/**
 * The bootstrap replicates of every improvement (new − baseline; all these metrics are higher is
 * better): per replicate, both models' per-class totals from the resampled cells (O(cells)), then
 * their metrics (O(K)), confusionMetricCount(K) differences in writeConfusionMetrics's order. A
 * class absent from a resample's labels has an undefined recall there (NaN: left out of that
 * output's summary).
 */
function bootstrapImprovements(table: PairedConfusion, K: number, s: InferenceSettings, stream: number): Float64Array {
  const { keys, counts } = table.cells();
  const { label, newClass, baselineClass } = decodeCells(keys, K);
  const support = new Float64Array(K);
  const newTotals: ClassTotals = { truePositives: new Float64Array(K), predicted: new Float64Array(K), support };
  const baseTotals: ClassTotals = { truePositives: new Float64Array(K), predicted: new Float64Array(K), support };
  const outputs = confusionMetricCount(K);
  const newValues = new Float64Array(outputs);
  const baseValues = new Float64Array(outputs);
  const statistic = (resampled: Float64Array, out: Float64Array): void => {
    support.fill(0);
    newTotals.truePositives.fill(0);
    newTotals.predicted.fill(0);
    baseTotals.truePositives.fill(0);
    baseTotals.predicted.fill(0);
    for (let i = 0; i < resampled.length; i++) {
      const r = resampled[i];
      if (r === 0) continue;
      const y = label[i];
      const a = newClass[i];
      const b = baselineClass[i];
      support[y] += r;
      newTotals.predicted[a] += r;
      baseTotals.predicted[b] += r;
      if (a === y) newTotals.truePositives[y] += r;
      if (b === y) baseTotals.truePositives[y] += r;
    }
    writeConfusionMetrics(newTotals, K, newValues, baseTotals.predicted);
    writeConfusionMetrics(baseTotals, K, baseValues, newTotals.predicted);
    for (let j = 0; j < outputs; j++) out[j] = newValues[j] - baseValues[j];
  };
  return bootstrapCells(counts, outputs, statistic, { replicates: s.replicates, seed: s.seed, stream });
}
