import { describe, expect, it } from 'vitest';

import { readJson } from '../../../../test/fixtures.js';
import type { InferenceSettings } from '../evaluation/comparison.js';
import { normalQuantile } from '../stats/index.js';
import fc from 'fast-check';

import { ExactSum } from '../stats/index.js';
import { CalibrationCells, ConfidenceSums, calibrationBin, compareCalibration } from './calibration.js';

// test/fixtures/metrics/make_per_row.py: paired confidences, numpy's ECE (10 bins, floor(10·conf)
// clamped to 9) and numpy's bootstrap that resamples the rows (20,000 replicates) of ECE_base − ECE_new
const set = readJson('metrics', 'per_row.json').calibration;
const n = set.confidenceNew.length;

function cellsOf(from = 0, to = n, paired = true): CalibrationCells {
  const cells = new CalibrationCells();
  for (let i = from; i < to; i++) {
    if (paired) cells.add(set.confidenceNew[i], set.rightNew[i] === 1, set.confidenceBaseline[i], set.rightBaseline[i] === 1);
    else cells.addNew(set.confidenceNew[i], set.rightNew[i] === 1);
  }
  return cells;
}

describe('calibrationBin', () => {
  it('bins i/10 <= conf < (i+1)/10, the last bin closed at 1, anything else in bin 0', () => {
    expect([0, 0.05, 0.1, 0.5, 0.7, 0.9, 0.95, 1].map(calibrationBin)).toEqual([0, 0, 1, 5, 7, 9, 9, 9]);
    expect([-0.2, NaN, 1.5].map(calibrationBin)).toEqual([0, 0, 9]);
  });
});

describe('ConfidenceSums', () => {
  it('sums the values truncated to multiples of 2^-52 exactly, however split, merged and spilled', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 60 }),
        fc.nat(60),
        fc.integer({ min: 1, max: 9 }),
        (xs, cut, every) => {
          // the truncation written another way: floor(x·2^52)/2^52, summed by ExactSum
          const expected = new ExactSum();
          for (const x of xs) expected.add(Math.floor(x * 2 ** 52) / 2 ** 52);
          const a = new ConfidenceSums(1, every);
          const b = new ConfidenceSums(2, every);
          xs.forEach((x, i) => (i < cut ? a.add(0, x) : b.add(1, x)));
          a.mergeSlot(0, b, 1);
          expect(a.total(0).toJSON()).toEqual(expected.toJSON());
          expect(Math.abs(a.total(0).value() - xs.reduce((s, x) => s + x, 0))).toBeLessThanOrEqual(xs.length * 2 ** -52);
        },
      ),
    );
  });
});

describe('CalibrationCells and compareCalibration', () => {
  const B = set.replicates;
  const s: InferenceSettings = { level: 0.95, replicates: B, seed: 3 };
  const result = compareCalibration(cellsOf(), s, { paired: true, stream: 0 });

  it("gives both models' ECE as numpy computes it", () => {
    expect(set.confidenceNew.slice(0, 2)).toEqual([0, 1]);
    // numpy's n_b/N·|mean − mean| against these bin sums over N: 1e-12 relative
    expect(Math.abs((result.new as number) - set.eceNew)).toBeLessThan(1e-12 * set.eceNew);
    expect(Math.abs((result.baseline as number) - set.eceBaseline)).toBeLessThan(1e-12 * set.eceBaseline);
    expect(result.improvement).toBeCloseTo(set.eceBaseline - set.eceNew, 14);
    expect(result.higherIsBetter).toBe(false);
    expect(result.method).toEqual({ interval: 'bootstrap', test: 'bootstrap', replicates: B });
  });

  it("the cell bootstrap's interval and p-values agree with numpy's row bootstrap", () => {
    // Monte Carlo: each quantile's se ≈ sqrt(p(1−p)/B)/f(q), f ≈ φ(z_p)/sd (normal approximation);
    // two independent runs, √2; 4.5 times. The cells keep their mean confidences (calibration.ts),
    // which leaves out a variance of at most 0.0025 per row against ~0.2 for right/wrong (~1 %):
    // allowed 0.05 sd on top.
    const { sd } = set.bootstrap;
    const tolerance = (p: number) =>
      4.5 * Math.SQRT2 * (Math.sqrt((p * (1 - p)) / B) / (Math.exp(-(normalQuantile(p) ** 2) / 2) / Math.sqrt(2 * Math.PI) / sd)) +
      0.05 * sd;
    expect(Math.abs((result.interval?.lower as number) - set.bootstrap.q025)).toBeLessThanOrEqual(tolerance(0.025));
    expect(Math.abs((result.interval?.upper as number) - set.bootstrap.q975)).toBeLessThanOrEqual(tolerance(0.975));
    // the p-value: a proportion of B (se sqrt(p(1−p)/B), √2, 4.5 times), and the 0.05 sd allowed
    // above moves it by at most 0.05·φ(0) < 0.02
    const p = set.bootstrap.pNewBetter;
    expect(Math.abs((result.pNewBetter as number) - p)).toBeLessThanOrEqual(4.5 * Math.SQRT2 * Math.sqrt((p * (1 - p)) / B) + 0.02);
  });

  it('does not depend on how the rows were split and merged, and round-trips through JSON', () => {
    const merged = cellsOf(0, 700);
    merged.merge(cellsOf(700, 1100));
    merged.merge(cellsOf(1100));
    expect(merged.toJSON()).toEqual(cellsOf().toJSON());
    const copy = CalibrationCells.fromJSON(JSON.parse(JSON.stringify(merged)));
    const small: InferenceSettings = { ...s, replicates: 200 };
    expect(compareCalibration(copy, small, { paired: true, stream: 1 })).toEqual(
      compareCalibration(cellsOf(), small, { paired: true, stream: 1 }),
    );
    expect(() => CalibrationCells.fromJSON([[10, 0, 0, 0, 1, [0.5], [0]]])).toThrow(RangeError);
  });

  it("without a baseline: the new model's ECE alone; no rows: nothing", () => {
    const alone = compareCalibration(cellsOf(0, n, false), s, { paired: false, stream: 0 });
    expect(alone).toEqual({
      metric: 'ece',
      higherIsBetter: false,
      new: alone.new,
      baseline: null,
      improvement: null,
      unavailable: 'no baseline',
    });
    // the same bins summed from other cells: equal to rounding
    expect(Math.abs((alone.new as number) - set.eceNew)).toBeLessThan(1e-12 * set.eceNew);
    expect(compareCalibration(new CalibrationCells(), s, { paired: true, stream: 0 }).unavailable).toBe('no rows');
  });

  it('a hand example: 4 rows, two bins', () => {
    const cells = new CalibrationCells();
    // new model: bin 9 holds 0.95 (right), 0.91 (wrong); bin 6 holds 0.6 (right), 0.65 (right)
    // ECE = (|1 − 1.86| + |2 − 1.25|)/4 = (0.86 + 0.75)/4
    cells.addNew(0.95, true);
    cells.addNew(0.91, false);
    cells.addNew(0.6, true);
    cells.addNew(0.65, true);
    expect(compareCalibration(cells, s, { paired: false, stream: 0 }).new).toBeCloseTo((0.86 + 0.75) / 4, 15);
  });
});
