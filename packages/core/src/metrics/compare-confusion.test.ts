import { describe, expect, it } from 'vitest';

import { readJson } from '../../../../test/fixtures.js';
import type { InferenceSettings, MetricComparison } from '../evaluation/comparison.js';
import { normalQuantile } from '../stats/index.js';
import { compareConfusion } from './compare-confusion.js';
import { PairedConfusion } from './paired-confusion.js';

// test/fixtures/metrics/make_confusion.py: paired label sets, scikit-learn's metrics, scipy's
// McNemar, and numpy's bootstrap that resamples the ROWS (20,000 replicates) of the 'proof' set
const fixture = readJson('metrics', 'confusion.json');

function tableOf(set: any): PairedConfusion {
  const table = new PairedConfusion(set.classes);
  table.addRows(set.labels, Int32Array.from(set.new), Int32Array.from(set.baseline), set.labels.length);
  return table;
}

const AGGREGATES = ['accuracy', 'balanced-accuracy', 'precision-macro', 'recall-macro', 'f1-macro', 'mcc'];

describe('compareConfusion: the cell bootstrap is the paired row bootstrap', () => {
  const set = fixture.proof;
  const B = set.replicates;
  const n = set.labels.length;
  const s: InferenceSettings = { level: 0.95, confidence: 0.95, replicates: B, seed: 11 };
  const result = compareConfusion(tableOf(set), set.classes, s, { paired: true, stream: 0 });
  // the outputs in the bootstrap's order: the aggregates, then precision, recall, f1 per class
  const outputs: MetricComparison[] = [...result.metrics];
  for (const c of result.perClass) outputs.push(c.precision, c.recall, c.f1);

  /**
   * The tolerance of a bootstrap quantile at probability p: two independent Monte Carlo estimates
   * (numpy's rows, these cells) each have se ≈ sqrt(p(1−p)/B)/f(q) with the density f ≈ φ(z_p)/sd
   * (normal approximation); their difference has √2 times that, allowed 4.5 times (a false
   * failure ~1e-5 per check), plus one lattice step 1/n: these statistics move in steps of about
   * 1/n rows, and a quantile of a lattice distribution jumps by a step where another's would slide.
   */
  function quantileTolerance(p: number, sd: number): number {
    const density = Math.exp(-(normalQuantile(p) ** 2) / 2) / Math.sqrt(2 * Math.PI) / sd;
    return 4.5 * Math.SQRT2 * (Math.sqrt((p * (1 - p)) / B) / density) + 1 / n;
  }
  /** A bootstrap p-value is a proportion of B: se sqrt(p(1−p)/B) each, √2 for the difference, 4.5 times. */
  const pTolerance = (p: number) => 4.5 * Math.SQRT2 * Math.sqrt((p * (1 - p)) / B) + 1 / B;

  it('gives every output, in order, with the replicates it used', () => {
    expect(outputs.map((o) => o.metric)).toEqual([
      ...AGGREGATES,
      ...[0, 1, 2].flatMap((c) => [`precision[${c}]`, `recall[${c}]`, `f1[${c}]`]),
    ]);
    // accuracy: Newcombe's interval of the paired difference (paired-proportions.test.ts) and McNemar
    expect(outputs[0].method).toEqual({ interval: 'newcombe', test: 'mcnemar-exact' });
    for (const o of outputs.slice(1))
      expect(o.method).toEqual({
        interval: 'bootstrap',
        test: o.metric.startsWith('recall[') ? 'mcnemar-exact' : 'bootstrap',
        replicates: B,
      });
  });

  outputsCheck();
  function outputsCheck() {
    // output 0, accuracy, has Newcombe's interval instead (paired-proportions.test.ts)
    for (let j = 1; j < 6 + 9; j++) {
      it(`output ${j}: the 2.5 % and 97.5 % quantiles and the 5 % lower bound agree with numpy's row bootstrap`, () => {
        const expected = set.bootstrap[j];
        const o = outputs[j];
        expect(o.interval?.level).toBe(0.95);
        expect(Math.abs((o.interval?.lower as number) - expected.q025)).toBeLessThanOrEqual(quantileTolerance(0.025, expected.sd));
        expect(Math.abs((o.interval?.upper as number) - expected.q975)).toBeLessThanOrEqual(quantileTolerance(0.975, expected.sd));
        expect(o.lowerBound?.level).toBe(0.95);
        expect(Math.abs((o.lowerBound?.value as number) - expected.q05)).toBeLessThanOrEqual(quantileTolerance(0.05, expected.sd));
      });
    }
  }

  it("takes the bootstrap's p-values where no exact test replaces them", () => {
    outputs.forEach((o, j) => {
      if (o.method?.test !== 'bootstrap') return;
      const expected = set.bootstrap[j];
      expect(Math.abs((o.pNewBetter as number) - expected.pNewBetter)).toBeLessThanOrEqual(pTolerance(expected.pNewBetter));
      expect(Math.abs((o.pNewWorse as number) - expected.pNewWorse)).toBeLessThanOrEqual(pTolerance(expected.pNewWorse));
    });
  });

  it("accuracy's and each class recall's p-values are McNemar's exact tests (scipy's binomtest)", () => {
    const close = (a: number | undefined, b: number) => expect(Math.abs((a as number) - b)).toBeLessThanOrEqual(1e-12 * b);
    close(result.metrics[0].pNewBetter, set.mcnemar.pNewBetter);
    close(result.metrics[0].pNewWorse, set.mcnemar.pNewWorse);
    result.perClass.forEach((c) => {
      close(c.recall.pNewBetter, set.recallMcnemar[c.class].pNewBetter);
      close(c.recall.pNewWorse, set.recallMcnemar[c.class].pNewWorse);
    });
  });

  it("reports both models' scikit-learn values and the improvement", () => {
    AGGREGATES.forEach((metric, j) => {
      expect(result.metrics[j].new).toBeCloseTo(set.metricsNew[metric], 12);
      expect(result.metrics[j].baseline).toBeCloseTo(set.metricsBaseline[metric], 12);
      expect(result.metrics[j].improvement).toBeCloseTo(set.metricsNew[metric] - set.metricsBaseline[metric], 12);
    });
    expect(result.perClass.map((c) => c.support)).toEqual(set.metricsNew.support);
  });

  it('same inputs, same numbers; another stream, other numbers', () => {
    const small = { ...s, replicates: 500 };
    const again = () => compareConfusion(tableOf(set), set.classes, small, { paired: true, stream: 3 });
    expect(again()).toEqual(again());
    const other = compareConfusion(tableOf(set), set.classes, small, { paired: true, stream: 4 });
    expect(other.metrics[4].interval).not.toEqual(again().metrics[4].interval);
  });
});

describe('compareConfusion: absent classes and no baseline', () => {
  const s: InferenceSettings = { level: 0.9, replicates: 300, seed: 1 };
  const set = fixture['ten-absent'];

  it('lists the classes in labels or predictions; a class no row is labelled with has no recall', () => {
    const r = compareConfusion(tableOf(set), 10, s, { paired: true, stream: 0 });
    const present = new Set<number>([...set.labels, ...set.new, ...set.baseline]);
    expect(r.perClass.map((c) => c.class)).toEqual([...present].sort((a, b) => a - b));
    const seven = r.perClass.find((c) => c.class === 7);
    expect(seven?.support).toBe(0);
    expect(seven?.recall).toEqual({
      metric: 'recall[7]',
      higherIsBetter: true,
      new: null,
      baseline: null,
      improvement: null,
      unavailable: 'no row is labelled with class 7',
    });
    expect(seven?.precision.new).toBe(0);
    expect(seven?.precision.interval).toBeDefined();
    // no lower bound without a confidence setting
    expect(r.metrics[0].lowerBound).toBeUndefined();
  });

  it('without a baseline: the new model only, each comparison saying why', () => {
    const table = new PairedConfusion(10);
    table.addRows(set.labels, Int32Array.from(set.new), undefined, set.labels.length);
    const r = compareConfusion(table, 10, s, { paired: false, stream: 0 });
    AGGREGATES.forEach((metric, j) => {
      expect(r.metrics[j]).toEqual({
        metric,
        higherIsBetter: true,
        new: r.metrics[j].new,
        baseline: null,
        improvement: null,
        unavailable: 'no baseline',
      });
      expect(r.metrics[j].new).toBeCloseTo(set.metricsNew[metric], 12);
    });
    const three = r.perClass.find((c) => c.class === 3);
    expect(three?.recall.new).toBe(0);
    expect(three?.f1.unavailable).toBe('no baseline');
  });

  it('an empty table: no rows', () => {
    const r = compareConfusion(new PairedConfusion(3), 3, s, { paired: true, stream: 0 });
    expect(r.metrics.every((m) => m.new === null && m.unavailable === 'no rows')).toBe(true);
    expect(r.perClass).toEqual([]);
  });
});

describe('compareConfusion: one class set for both macros', () => {
  it('averages both models over the classes in the labels or in either model predictions', () => {
    // labels [0,0,1,1,1,0]; new [0,1,1,1,1,0]; baseline [0,0,1,1,2,0] predicts class 2, which no label has.
    // Alone, scikit-learn averages the new model over {0, 1} (f1-macro 0.8286) and the baseline over
    // {0, 1, 2} (0.6): an equally accurate candidate looked 0.23 better. Over one set, as
    // f1_score(y, p, labels=[0, 1, 2], average='macro', zero_division=0) gives:
    const table = new PairedConfusion(3);
    table.addRows([0, 0, 1, 1, 1, 0], Int32Array.from([0, 1, 1, 1, 1, 0]), Int32Array.from([0, 0, 1, 1, 2, 0]), 6);
    const { metrics } = compareConfusion(table, 3, { level: 0.95, replicates: 200, seed: 1 }, { paired: true, stream: 0 });
    const f1 = metrics.find((m) => m.metric === 'f1-macro')!;
    expect(f1.new).toBeCloseTo(0.5523809523809523, 12);
    expect(f1.baseline).toBeCloseTo(0.6, 12);
    expect(f1.improvement).toBeLessThan(0);
    const precision = metrics.find((m) => m.metric === 'precision-macro')!;
    expect(precision.new).toBeCloseTo(0.5833333333333334, 12);
    expect(precision.baseline).toBeCloseTo(0.6666666666666666, 12);
  });
});
