import { describe, expect, it } from 'vitest';

import { readJson } from '../../../../test/fixtures.js';
import { mcnemarExact, mcnemarExactNewBetter } from '../metrics/significance.js';
import { compareStatistics } from './metric-comparisons.js';
import { RowValues } from './row-values.js';
import { ClassificationAccumulator, RegressionAccumulator } from './statistics.js';

const INFERENCE = { level: 0.95, replicates: 200, seed: 1 };

/**
 * One model's rows streamed in batches through RowValues and the statistics, then compared: its
 * metric values, why any is missing, per class, the confusion matrix and the reading of its scores.
 */
function classify(width: number, classes: number, scores: number[], labels: number[], batch = 2, outputIsLabels = false) {
  const values = new RowValues(width, outputIsLabels, classes, batch, 5);
  const acc = new ClassificationAccumulator(classes, [values]);
  for (let r = 0; r < labels.length; r += batch) {
    const n = Math.min(batch, labels.length - r);
    const y = Float64Array.from(labels.slice(r, r + n));
    values.compute(Float64Array.from(scores.slice(r * width, (r + n) * width)), y, n);
    acc.add(y, [values], n);
  }
  const stats = acc.finish([values.readingState()]);
  const { comparisons, perClass } = compareStatistics(stats, INFERENCE);
  const flat = stats.confusion.confusion('new');
  return {
    metrics: Object.fromEntries(comparisons.map((m) => [m.metric, m.new])),
    unavailable: Object.fromEntries(comparisons.filter((m) => m.new === null).map((m) => [m.metric, m.unavailable])),
    perClass: {
      precision: perClass!.map((p) => p.precision.new),
      recall: perClass!.map((p) => p.recall.new),
      f1: perClass!.map((p) => p.f1.new),
    },
    confusion: Array.from({ length: classes }, (_, t) => Array.from(flat.subarray(t * classes, (t + 1) * classes))),
    scoreKind: outputIsLabels ? 'labels' : values.finalReading() === 0 ? 'probabilities' : 'logits',
  };
}

describe('ClassificationAccumulator (hand-calculated)', () => {
  // 5 rows, 3 classes; logits whose argmax is [0, 1, 1, 2, 0]; labels [0, 1, 2, 2, 1]
  const logits = [2, 0, 0, 0, 3, 1, 0, 1, 0.5, 0, 0, 4, 1, 0.5, 0];
  const labels = [0, 1, 2, 2, 1];
  const r = classify(3, 3, logits, labels);

  it('counts the confusion matrix as confusion[true][predicted]', () => {
    expect(r.confusion).toEqual([
      [1, 0, 0],
      [1, 1, 0],
      [0, 1, 1],
    ]);
  });
  it('computes accuracy, per-class and macro scores', () => {
    expect(r.metrics.accuracy).toBeCloseTo(3 / 5, 12);
    // precision: class0 1/2, class1 1/2, class2 1/1; recall: 1/1, 1/2, 1/2
    expect(r.perClass.precision).toEqual([0.5, 0.5, 1]);
    expect(r.perClass.recall).toEqual([1, 0.5, 0.5]);
    const f1 = [2 / 3, 0.5, 2 / 3];
    r.perClass.f1.forEach((v, i) => expect(v).toBeCloseTo(f1[i], 12));
    expect(r.metrics['precision-macro']).toBeCloseTo(2 / 3, 12);
    expect(r.metrics['recall-macro']).toBeCloseTo(2 / 3, 12);
    expect(r.metrics['balanced-accuracy']).toBeCloseTo(2 / 3, 12);
    expect(r.metrics['f1-macro']).toBeCloseTo((2 / 3 + 0.5 + 2 / 3) / 3, 12);
  });
  it('reads non-distributions as logits for log-loss', () => {
    expect(r.scoreKind).toBe('logits');
    const ll =
      labels
        .map((y, i) => {
          const z = logits.slice(i * 3, i * 3 + 3);
          return -Math.log(Math.exp(z[y]) / z.reduce((a, v) => a + Math.exp(v), 0));
        })
        .reduce((a, b) => a + b, 0) / 5;
    expect(r.metrics['log-loss']).toBeCloseTo(ll, 12);
    expect(r.metrics['roc-auc']).toBeNull();
  });
  it('reads rows that are distributions as probabilities', () => {
    const p = classify(2, 2, [0.9, 0.1, 0.2, 0.8, 0.6, 0.4], [0, 1, 1]);
    expect(p.scoreKind).toBe('probabilities');
    expect(p.metrics['log-loss']).toBeCloseTo(-(Math.log(0.9) + Math.log(0.8) + Math.log(0.4)) / 3, 12);
  });
  it('macro-averages over classes seen in labels or predictions only (sklearn default)', () => {
    // 4-class output, class 3 never appears
    const s = classify(4, 4, [1, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0], [0, 1, 0]);
    expect(s.metrics['recall-macro']).toBeCloseTo((0.5 + 1) / 2, 12);
    expect(s.metrics['precision-macro']).toBeCloseTo((1 + 0.5) / 2, 12);
  });
  it('takes predicted class ids from an integer output', () => {
    const s = classify(1, 3, [0, 2, 2, 1], [0, 2, 1, 1], 3, true);
    expect(s.metrics.accuracy).toBe(0.75);
    expect(s.metrics['log-loss']).toBeNull();
    expect(s.unavailable['log-loss']).toMatch(/class ids, not scores/);
  });
  it('decides the reading of one column from every row, not the first batch (batches of 1)', () => {
    // the first row, 0.3, lies in [0, 1], but later rows do not: these are logits (threshold 0)
    const s = classify(1, 2, [0.3, 2, -1.5, 0.8, -0.2], [1, 1, 0, 1, 0], 1);
    expect(s.scoreKind).toBe('logits');
    expect(s.metrics.accuracy).toBe(1);
    expect(s.confusion).toEqual([
      [2, 0],
      [0, 3],
    ]);
  });
  it('scores one column as a probability of class 1 (threshold 0.5) or a logit (threshold 0)', () => {
    const prob = classify(1, 2, [0.9, 0.4, 0.6, 0.2], [1, 1, 0, 0]);
    expect(prob.confusion).toEqual([
      [1, 1],
      [1, 1],
    ]);
    expect(prob.metrics['log-loss']).toBeCloseTo(-(Math.log(0.9) + Math.log(0.4) + Math.log(0.4) + Math.log(0.8)) / 4, 12);
    const logit = classify(1, 2, [2, -1, 0.5, -3], [1, 1, 0, 0]);
    expect(logit.confusion).toEqual([
      [1, 1],
      [1, 1],
    ]);
    const sig = (z: number) => 1 / (1 + Math.exp(-z));
    expect(logit.metrics['log-loss']).toBeCloseTo(
      -(Math.log(sig(2)) + Math.log(sig(-1)) + Math.log(1 - sig(0.5)) + Math.log(1 - sig(-3))) / 4,
      12,
    );
    // Brier: (p1 - y)^2 of the sigmoid's probabilities, as scikit-learn's brier_score_loss
    expect(logit.metrics.brier).toBeCloseTo(((1 - sig(2)) ** 2 + (1 - sig(-1)) ** 2 + sig(0.5) ** 2 + sig(-3) ** 2) / 4, 12);
  });
});

describe('RegressionAccumulator', () => {
  function regress(batches: [number[], number[]][]) {
    const acc = new RegressionAccumulator(false);
    for (const [predictions, targets] of batches) acc.add(Float64Array.from(targets), [Float64Array.from(predictions)], targets.length);
    const { comparisons } = compareStatistics(acc.finish(), INFERENCE);
    return Object.fromEntries(comparisons.map((m) => [m.metric, m.new]));
  }
  it('computes rmse, mse, mae and r2 by hand', () => {
    const metrics = regress([
      [
        [2.5, 0, 2],
        [3, -0.5, 2],
      ],
      [[8], [7]],
    ]);
    // scikit-learn's documented example: mse 0.375, mae 0.5, r2 0.9486081370449679
    expect(metrics.rmse).toBeCloseTo(Math.sqrt(0.375), 12);
    expect(metrics.mse).toBeCloseTo(0.375, 12);
    expect(metrics.mae).toBeCloseTo(0.5, 12);
    expect(metrics.r2).toBeCloseTo(0.9486081370449679, 12);
  });
  it('gives r2 for constant targets as scikit-learn does (r2_score([3, 3], [1, 2]) = 0.0, a perfect fit 1.0)', () => {
    expect(
      regress([
        [
          [1, 2],
          [3, 3],
        ],
      ]).r2,
    ).toBe(0);
    expect(
      regress([
        [
          [3, 3],
          [3, 3],
        ],
      ]).r2,
    ).toBe(1);
  });
});

describe('mcnemarExact', () => {
  // expected: scipy.stats.binomtest(min(b, c), b + c, 0.5).pvalue
  const cases: [number, number, number][] = [
    [141, 46, 2.0574896752025003e-12],
    [51, 27, 0.008771714457060136],
    [10, 0, 0.001953125],
    [5, 5, 1],
    [0, 0, 1],
    [3, 7, 0.34375],
    [12000, 11800, 0.19707551621364375],
    [600000, 599000, 0.3615906754213325],
  ];
  for (const [b, c, p] of cases) {
    it(`b=${b} c=${c} gives p=${p}`, () => {
      // relative error below 5e-7 (the log-space recurrence accumulates ~1e-8 over 600,000 terms)
      expect(mcnemarExact(b, c) / p).toBeCloseTo(1, 6);
    });
  }
});

describe('mcnemarExactNewBetter (one-sided: the new model is better)', () => {
  // expected: scipy.stats.binomtest(b, b + c, 0.5, alternative='greater').pvalue, written by
  // test/fixtures/significance/make_mcnemar.py (also the two-sided p, checked against mcnemarExact)
  const { grid } = readJson<{ grid: { b: number; c: number; greater: number; two_sided: number }[] }>('significance', 'mcnemar.json');
  for (const { b, c, greater, two_sided: twoSided } of grid) {
    it(`b=${b} c=${c}: one-sided p=${greater}, two-sided ${twoSided}`, () => {
      const p = mcnemarExactNewBetter(b, c);
      if (greater > 1e-300) expect(p / greater).toBeCloseTo(1, 6);
      else expect(p).toBeLessThan(1e-300);
      expect(mcnemarExact(b, c) / twoSided).toBeCloseTo(1, 6);
    });
  }
  it('a model that wins fewer disagreements than it loses is never significantly better', () => {
    expect(mcnemarExactNewBetter(27, 51)).toBeGreaterThan(0.99);
    expect(mcnemarExactNewBetter(0, 30)).toBe(1);
  });
});
