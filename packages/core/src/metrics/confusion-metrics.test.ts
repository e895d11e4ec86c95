import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { readJson } from '../../../../test/fixtures.js';
import { confusionMetrics } from './confusion-metrics.js';
import { MAX_PAIRED_CLASSES, PairedConfusion } from './paired-confusion.js';

// test/fixtures/metrics/make_confusion.py: rows of paired predictions and scikit-learn 1.2.1's metrics
const fixture = readJson('metrics', 'confusion.json');
const SETS = ['binary', 'three', 'ten-absent', 'perfect', 'constant', 'proof'] as const;

function tableOf(set: any, batch = 37): PairedConfusion {
  const table = new PairedConfusion(set.classes);
  const labels = Float64Array.from(set.labels as number[]);
  const a = Int32Array.from(set.new as number[]);
  const b = Int32Array.from(set.baseline as number[]);
  for (let r = 0; r < labels.length; r += batch) {
    const n = Math.min(batch, labels.length - r);
    table.addRows(labels.subarray(r, r + n), a.subarray(r, r + n), b.subarray(r, r + n), n);
  }
  return table;
}

describe('confusionMetrics (against scikit-learn)', () => {
  // scikit-learn divides in another order (2PR/(P+R) vs 2tp/(2tp+fp+fn), sums of floats): 1e-12 relative
  const close = (actual: number, expected: number) =>
    expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected)));
  for (const name of SETS) {
    for (const model of ['new', 'baseline'] as const) {
      it(`${name}, ${model} model`, () => {
        const set = fixture[name];
        const expected = model === 'new' ? set.metricsNew : set.metricsBaseline;
        const m = confusionMetrics(tableOf(set).confusion(model), set.classes);
        for (const metric of ['accuracy', 'balanced-accuracy', 'precision-macro', 'recall-macro', 'f1-macro', 'mcc'] as const)
          close(m[metric], expected[metric]);
        expect(m.perClass.support).toEqual(expected.support);
        for (const which of ['precision', 'recall', 'f1'] as const) m.perClass[which].forEach((v, c) => close(v, expected[which][c]));
      });
    }
  }
  it('covers the edge cases the sets are for', () => {
    // the sets hold what they are named for, or the tests above prove less than they say
    const ten = fixture['ten-absent'];
    expect(ten.labels).not.toContain(7);
    expect(ten.new).toContain(7);
    expect(ten.new).not.toContain(3);
    expect(fixture.perfect.metricsNew.accuracy).toBe(1);
    expect(new Set(fixture.constant.new).size).toBe(1);
    expect(fixture.constant.metricsNew.mcc).toBe(0);
  });
  it('a hand example: 2 classes, tp 3, fn 1, fp 2, tn 4', () => {
    // confusion [true][predicted] = [[4, 2], [1, 3]]
    const m = confusionMetrics(Float64Array.from([4, 2, 1, 3]), 2);
    expect(m.accuracy).toBe(0.7);
    expect(m.perClass.precision).toEqual([0.8, 0.6]);
    expect(m.perClass.recall[1]).toBe(0.75);
    expect(m.perClass.predicted).toEqual([5, 5]);
    // MCC = (tp·tn − fp·fn)/sqrt((tp+fp)(tp+fn)(tn+fp)(tn+fn)) = (12 − 2)/sqrt(5·4·6·5)
    expect(m.mcc).toBeCloseTo(10 / Math.sqrt(600), 14);
  });
});

describe('PairedConfusion', () => {
  const set = fixture.three;

  it("holds each model's confusion as a margin, counted row by row", () => {
    const table = tableOf(set);
    const k = set.classes;
    for (const model of ['new', 'baseline'] as const) {
      const expected = new Float64Array(k * k);
      set.labels.forEach((y: number, i: number) => expected[y * k + set[model][i]]++);
      expect(table.confusion(model)).toEqual(expected);
    }
    expect(table.rows()).toBe(set.labels.length);
  });

  it('lists the non-empty cells in key order, each (y, a, b) triple counted', () => {
    const table = tableOf(set);
    const k = set.classes;
    const expected = new Map<number, number>();
    set.labels.forEach((y: number, i: number) => {
      const key = (y * k + set.new[i]) * k + set.baseline[i];
      expected.set(key, (expected.get(key) ?? 0) + 1);
    });
    const { keys, counts } = table.cells();
    expect(Array.from(keys)).toEqual([...expected.keys()].sort((x, y) => x - y));
    keys.forEach((key, i) => expect(counts[i]).toBe(expected.get(key)));
  });

  it('without a baseline, b is 0 and the table is the confusion of the new model', () => {
    const table = new PairedConfusion(3);
    table.addRows([0, 1, 2, 2], Int32Array.from([0, 2, 2, 2]), undefined, 4);
    expect(table.toJSON()).toEqual({
      classes: 3,
      cells: [
        [0, 0, 0, 1],
        [1, 2, 0, 1],
        [2, 2, 0, 2],
      ],
    });
    expect(Array.from(table.confusion('new'))).toEqual([1, 0, 0, 0, 0, 1, 0, 0, 2]);
  });

  it('does not depend on how the rows were split and merged (any split, any merge order)', () => {
    const whole = tableOf(set).toJSON();
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: set.labels.length }), { maxLength: 6 }), fc.boolean(), (cuts, reversed) => {
        const bounds = [0, ...[...cuts].sort((x, y) => x - y), set.labels.length];
        const parts: PairedConfusion[] = [];
        for (let i = 0; i + 1 < bounds.length; i++) {
          const slice = (xs: number[]) => xs.slice(bounds[i], bounds[i + 1]);
          parts.push(tableOf({ classes: set.classes, labels: slice(set.labels), new: slice(set.new), baseline: slice(set.baseline) }));
        }
        if (reversed) parts.reverse();
        const merged = new PairedConfusion(set.classes);
        for (const p of parts) merged.merge(p);
        expect(merged.toJSON()).toEqual(whole);
        expect(merged.rows()).toBe(set.labels.length);
      }),
    );
  });

  it('round-trips through JSON', () => {
    const table = tableOf(fixture['ten-absent']);
    const copy = PairedConfusion.fromJSON(JSON.parse(JSON.stringify(table)));
    expect(copy.toJSON()).toEqual(table.toJSON());
    expect(copy.rows()).toBe(table.rows());
    expect(() => PairedConfusion.fromJSON({ classes: 3, cells: [[0, 3, 0, 1]] })).toThrow(RangeError);
    expect(() => PairedConfusion.fromJSON({ classes: 3, cells: [[0, 1, 0, 1.5]] })).toThrow(RangeError);
  });

  it('keeps a sparse map above 161 classes, with the same cells and margins', () => {
    const k = 200;
    const table = new PairedConfusion(k);
    const labels = [199, 0, 5, 199, 0];
    const a = Int32Array.from([199, 1, 5, 3, 1]);
    const b = Int32Array.from([0, 1, 5, 199, 1]);
    table.addRows(labels, a, b, 5);
    expect(table.toJSON().cells).toEqual([
      [0, 1, 1, 2],
      [5, 5, 5, 1],
      [199, 3, 199, 1],
      [199, 199, 0, 1],
    ]);
    const other = new PairedConfusion(k);
    other.addRows([0], Int32Array.from([1]), Int32Array.from([1]), 1);
    table.merge(other);
    expect(table.toJSON().cells[0]).toEqual([0, 1, 1, 3]);
    const confusion = table.confusion('baseline');
    expect(confusion[199 * k + 199]).toBe(1);
    expect(confusion[0 * k + 1]).toBe(3);
  });

  it('refuses ids outside [0, K) and class counts it cannot key', () => {
    const table = new PairedConfusion(3);
    expect(() => table.addRows([3], Int32Array.from([0]), undefined, 1)).toThrow(RangeError);
    expect(() => table.addRows([0.5], Int32Array.from([0]), undefined, 1)).toThrow(RangeError);
    expect(() => table.addRows([0], Int32Array.from([-1]), undefined, 1)).toThrow(RangeError);
    expect(() => table.addRows([0], Int32Array.from([0]), Int32Array.from([3]), 1)).toThrow(RangeError);
    expect(() => new PairedConfusion(MAX_PAIRED_CLASSES + 1)).toThrow(RangeError);
    expect(MAX_PAIRED_CLASSES ** 3).toBeLessThan(2 ** 31);
    expect((MAX_PAIRED_CLASSES + 1) ** 3).toBeGreaterThanOrEqual(2 ** 31);
  });
});
