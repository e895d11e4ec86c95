import { describe, expect, it } from 'vitest';

import { readJson } from '../../../../test/fixtures.js';
import { bootstrapCells, quantileOfSorted, summarizeBootstrap } from './bootstrap.js';
import { normalQuantile } from './normal.js';

interface Moments {
  mean: number;
  sd: number;
  excessKurtosis: number;
  q025: number;
  q975: number;
}

interface Fixture {
  rows: number;
  resamples: number;
  counts: number[];
  accuracyImprovement: number;
  f1MacroImprovement: number;
  bootstrap: { accuracy: Moments; f1Macro: Moments };
  quantile: { values: number[]; q: number[]; expected: number[] };
}

const fixture = readJson<Fixture>('stats', 'bootstrap.json');
const CLASSES = 3;

/** F1-macro of one model from the (label, new, baseline) cells: per class 2tp / (2tp + fp + fn), 0 for 0/0. */
function f1Macro(cells: Float64Array, model: 'new' | 'baseline'): number {
  const confusion = new Float64Array(CLASSES * CLASSES);
  for (let label = 0; label < CLASSES; label++) {
    for (let n = 0; n < CLASSES; n++) {
      for (let b = 0; b < CLASSES; b++) {
        confusion[label * CLASSES + (model === 'new' ? n : b)] += cells[label * 9 + n * 3 + b];
      }
    }
  }
  let sum = 0;
  for (let c = 0; c < CLASSES; c++) {
    const tp = confusion[c * CLASSES + c];
    let predicted = 0;
    let actual = 0;
    for (let k = 0; k < CLASSES; k++) {
      predicted += confusion[k * CLASSES + c];
      actual += confusion[c * CLASSES + k];
    }
    const denominator = 2 * tp + (predicted - tp) + (actual - tp);
    sum += denominator > 0 ? (2 * tp) / denominator : 0;
  }
  return sum / CLASSES;
}

/** The two improvements (new - baseline) of the fixture: accuracy and F1-macro. */
function improvements(cells: Float64Array, out: Float64Array): void {
  let total = 0;
  let newRight = 0;
  let baselineRight = 0;
  for (let label = 0; label < CLASSES; label++) {
    for (let n = 0; n < CLASSES; n++) {
      for (let b = 0; b < CLASSES; b++) {
        const count = cells[label * 9 + n * 3 + b];
        total += count;
        if (n === label) newRight += count;
        if (b === label) baselineRight += count;
      }
    }
  }
  out[0] = newRight / total - baselineRight / total;
  out[1] = f1Macro(cells, 'new') - f1Macro(cells, 'baseline');
}

function moments(values: Float64Array, outputs: number, index: number): { mean: number; sd: number } {
  const n = values.length / outputs;
  let sum = 0;
  for (let r = 0; r < n; r++) sum += values[r * outputs + index];
  const mean = sum / n;
  let squares = 0;
  for (let r = 0; r < n; r++) squares += (values[r * outputs + index] - mean) ** 2;
  return { mean, sd: Math.sqrt(squares / (n - 1)) };
}

describe("bootstrapCells: the multinomial resample of the count table is the row bootstrap (the issue's proof)", () => {
  const counts = Float64Array.from(fixture.counts);
  const replicates = fixture.resamples;
  const values = bootstrapCells(counts, 2, improvements, { replicates, seed: 20240610, stream: 0 });

  it('computes the same point improvements as numpy on the rows (and scikit-learn)', () => {
    const out = new Float64Array(2);
    improvements(counts, out);
    expect(out[0]).toBeCloseTo(fixture.accuracyImprovement, 15);
    expect(out[1]).toBeCloseTo(fixture.f1MacroImprovement, 15);
  });

  // Both bootstraps draw from the same distribution (counting resampled rows into cells IS the
  // multinomial), so they differ by Monte Carlo error only: each quantity is compared with a
  // tolerance of K standard errors of the difference of two independent B-replicate estimates
  // (K = 5: a false failure ~6e-7 per comparison — and with fixed seeds, never).
  const K = 5;
  const B = replicates;
  const cases = [
    // accuracy improvements are multiples of 1/rows: their quantiles can differ by one step more
    ['accuracy', 0, fixture.bootstrap.accuracy, 1 / fixture.rows],
    ['F1-macro', 1, fixture.bootstrap.f1Macro, 0],
  ] as const;

  it.each(cases)(
    '%s improvement: mean, sd and the 2.5 and 97.5 percentiles agree with numpy within Monte Carlo error',
    (_name, index, numpy, lattice) => {
      const { mean, sd } = moments(values, 2, index);
      // mean: se = sd sqrt(1/B + 1/B)
      expect(Math.abs(mean - numpy.mean)).toBeLessThan(K * numpy.sd * Math.sqrt(2 / B));
      // sd: se of a sample sd is sd sqrt((excess kurtosis + 2) / (4B)), for each of the two
      expect(Math.abs(sd - numpy.sd)).toBeLessThan(K * numpy.sd * Math.sqrt((2 * (numpy.excessKurtosis + 2)) / (4 * B)));
      // quantile q: se = sqrt(q(1-q)/B) / f(x_q), the density taken as normal's phi(z_q) / sd (the
      // replicates are near normal: excess kurtosis ~0.04), for each of the two
      const summary = summarizeBootstrap(values, 2, index, { level: 0.95 });
      const z = normalQuantile(0.975);
      const density = Math.exp((-z * z) / 2) / Math.sqrt(2 * Math.PI) / numpy.sd;
      const quantileTolerance = (K * Math.sqrt((2 * (0.025 * 0.975)) / B)) / density + lattice;
      expect(Math.abs(summary.interval[0] - numpy.q025)).toBeLessThan(quantileTolerance);
      expect(Math.abs(summary.interval[1] - numpy.q975)).toBeLessThan(quantileTolerance);
      expect(summary.dropped).toBe(0);
    },
  );

  it('is reproducible: the same seed and stream give the same replicates, another stream others', () => {
    const again = bootstrapCells(counts, 2, improvements, { replicates: 50, seed: 20240610, stream: 0 });
    expect(Array.from(again)).toEqual(Array.from(values.subarray(0, 100)));
    const other = bootstrapCells(counts, 2, improvements, { replicates: 50, seed: 20240610, stream: 1 });
    expect(Array.from(other)).not.toEqual(Array.from(again));
  });

  it('costs O(replicates x cells), not x rows: a billion rows resample as fast as a thousand', () => {
    const huge = Float64Array.from([4e8, 3e8, 2e8, 1e8]);
    const sums = bootstrapCells(huge, 1, (resampled, out) => (out[0] = resampled.reduce((a, b) => a + b, 0)), {
      replicates: 200,
      seed: 1,
      stream: 0,
    });
    expect(sums.every((s) => s === 1e9)).toBe(true);
  });

  it('prefills out with NaN and rejects bad arguments', () => {
    const unwritten = bootstrapCells(Float64Array.from([1, 2]), 2, (_r, out) => (out[0] = 1), { replicates: 3, seed: 1, stream: 0 });
    expect(Array.from(unwritten)).toEqual([1, NaN, 1, NaN, 1, NaN]);
    const run = (counts: number[], replicates = 10, outputs = 1) =>
      bootstrapCells(Float64Array.from(counts), outputs, () => undefined, { replicates, seed: 1, stream: 0 });
    expect(() => run([1, 2.5])).toThrow(/counts must be non-negative integers, got 2.5 at 1/);
    expect(() => run([1, -1])).toThrow(/counts must be/);
    expect(() => run([1], 0)).toThrow(/replicates must be a positive integer, got 0/);
    expect(() => run([1], 10, 0)).toThrow(/outputs must be a positive integer/);
  });
});

describe('summarizeBootstrap', () => {
  it("quantiles are np.quantile's (linear, type 7), digit for digit", () => {
    const sorted = Float64Array.from(fixture.quantile.values).sort();
    fixture.quantile.q.forEach((q, i) => expect(quantileOfSorted(sorted, q)).toBe(fixture.quantile.expected[i]));
    expect(quantileOfSorted(new Float64Array(0), 0.5)).toBeNaN();
  });

  it('a hand example: interval, lower bound, both p-values, NaN replicates dropped', () => {
    // outputs = 2, index 1: the replicates are -1, 0, NaN, 1, 2, 3 (B = 5 kept, 1 dropped)
    const values = Float64Array.from([9, -1, 9, 0, 9, NaN, 9, 1, 9, 2, 9, 3]);
    const s = summarizeBootstrap(values, 2, 1, { level: 0.5, confidence: 0.75 });
    // sorted -1, 0, 1, 2, 3: quantile 0.25 at h = 1 -> 0; 0.75 at h = 3 -> 2
    expect(s.interval).toEqual([0, 2]);
    expect(s.lowerBound).toBe(0);
    // pNewBetter = (1 + #{v <= 0}) / (B + 1) = 3/6; pNewWorse = (1 + #{v >= 0}) / 6 = 5/6
    expect(s.pNewBetter).toBe(3 / 6);
    expect(s.pNewWorse).toBe(5 / 6);
    expect(s.dropped).toBe(1);
    expect(summarizeBootstrap(values, 2, 1, { level: 0.9 }).lowerBound).toBeUndefined();
    expect(() => summarizeBootstrap(values, 2, 2, { level: 0.9 })).toThrow(/index 2 is not one of 2 outputs/);
  });

  it('the p-value and the lower bound make one decision (all replicates above 0: p = 1 / (B + 1))', () => {
    const values = Float64Array.from({ length: 99 }, (_, i) => 0.01 + i / 1000);
    const s = summarizeBootstrap(values, 1, 0, { level: 0.95, confidence: 0.95 });
    expect(s.pNewBetter).toBe(1 / 100);
    expect(s.lowerBound).toBeGreaterThan(0);
    expect(s.pNewWorse).toBe(1);
    const none = summarizeBootstrap(Float64Array.from([NaN, NaN]), 1, 0, { level: 0.95 });
    expect(none.interval.every(Number.isNaN)).toBe(true);
    expect([none.pNewBetter, none.pNewWorse, none.dropped]).toEqual([1, 1, 2]);
  });
});
