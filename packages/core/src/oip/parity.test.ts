// Prediction parity (numpy.allclose per element, or the same class per row), by hand.
import { describe, expect, it } from 'vitest';

import { argmaxRows, compareOutputs, describeParity } from './parity.js';

describe('parity, by hand', () => {
  const local = { name: 'y', shape: [2, 3], data: [0.1, 0.7, 0.2, 1, 0, 0] };
  it('values: |served - local| <= atol + rtol |local| per element', () => {
    // element 1: |0.7005 - 0.7| = 5e-4 <= 1e-4 + 1e-3 * 0.7 = 8e-4 -> ok; element 3: |1.002 - 1| = 2e-3 > 1.1e-3 -> mismatch
    const served = { name: 'y', shape: [2, 3], data: [0.1, 0.7005, 0.2, 1.002, 0, 0] };
    const r = compareOutputs([served], [local], { mode: 'values', atol: 1e-4, rtol: 1e-3 });
    expect(r.passed).toBe(false);
    const o = r.outputs[0];
    expect(o.mismatches).toBe(1);
    expect(o.first).toEqual({ index: 3, served: 1.002, local: 1 });
    expect(o.maxAbsDiff).toBeCloseTo(0.002, 12);
    expect(o.maxRelDiff).toBeCloseTo(0.002, 12);
    expect(describeParity(r)).toContain('1 of 6 values differ');
    const loose = compareOutputs([served], [local], { mode: 'values', atol: 1e-4, rtol: 2e-3 });
    expect(loose.passed).toBe(true);
  });
  it('class: argmax per row, first index on ties', () => {
    expect(argmaxRows([0.1, 0.7, 0.2, 1, 0, 1], [2, 3])).toEqual([1, 0]);
    expect(argmaxRows([2, 0, 1], [3])).toEqual([2, 0, 1]); // class ids as they are
    const served = { name: 'y', shape: [2, 3], data: [0.5, 0.4, 0.1, 0, 2, 0] };
    const r = compareOutputs([served], [local], { mode: 'class', atol: 0, rtol: 0 });
    expect(r.outputs[0]).toMatchObject({ mismatches: 2, rows: 2, first: { index: 0, served: 0, local: 1 } });
  });
  it('class on one column [N, 1]: scores are thresholded (0.5 for probabilities, 0 for logits); integer ids compared as they are', () => {
    const cls = (served: number[], local: number[]) =>
      compareOutputs([{ name: 'p', shape: [served.length, 1], data: served }], [{ name: 'p', shape: [local.length, 1], data: local }], {
        mode: 'class',
        atol: 0,
        rtol: 0,
      }).outputs[0];
    // probabilities on the same side of 0.5: the same class, though no float is equal
    expect(cls([0.7, 0.1, 0.93], [0.71, 0.09, 0.95])).toMatchObject({ passed: true, mismatches: 0, rows: 3 });
    // 0.49 vs 0.51: classes 0 and 1
    expect(cls([0.49, 0.9], [0.51, 0.88])).toMatchObject({ passed: false, mismatches: 1, first: { index: 0, served: 0, local: 1 } });
    // logits: the threshold is 0
    expect(cls([-0.2, 3.1], [-0.1, 3.0])).toMatchObject({ passed: true });
    expect(cls([0.2, 3.1], [-0.1, 3.0])).toMatchObject({ passed: false, mismatches: 1 });
    // class ids in one column
    expect(cls([2, 0, 1], [2, 0, 2])).toMatchObject({ passed: false, mismatches: 1, first: { index: 2, served: 1, local: 2 } });
  });
  it('a missing output or another shape fails with the reason', () => {
    const r = compareOutputs(
      [
        { name: 'z', shape: [2, 3], data: local.data },
        { name: 'w', shape: [1], data: [0] },
      ],
      [local],
      { mode: 'values', atol: 0, rtol: 0 },
    );
    expect(r.outputs[0].problem).toBe("the server returned no output 'y' (it returned 'z', 'w')");
    const s = compareOutputs([{ name: 'y', shape: [3, 2], data: local.data }], [local], { mode: 'values', atol: 0, rtol: 0 });
    expect(s.outputs[0].problem).toContain('shape [3, 2], the local model [2, 3]');
  });
  it('NaN never matches', () => {
    const r = compareOutputs([{ name: 'y', shape: [1], data: [Number.NaN] }], [{ name: 'y', shape: [1], data: [0] }], {
      mode: 'values',
      atol: 1,
      rtol: 1,
    });
    expect(r.passed).toBe(false);
  });
  it('class: a served NaN or ±Infinity has no class, a mismatch said so (an all-NaN server passed for rows of local class 0)', () => {
    const cls = (shape: number[], served: number[], local: number[]) =>
      compareOutputs([{ name: 'p', shape, data: served }], [{ name: 'p', shape, data: local }], { mode: 'class', atol: 1e-4, rtol: 1e-3 });
    // [2, 3]: local argmax 0 in both rows; served all NaN
    const nan = cls([2, 3], Array(6).fill(Number.NaN), [0.9, 0.05, 0.05, 0.8, 0.1, 0.1]);
    expect(nan.passed).toBe(false);
    expect(nan.outputs[0]).toMatchObject({ mismatches: 2, rows: 2, nonFiniteRows: 2, first: { index: 0, served: Number.NaN, local: 0 } });
    expect(describeParity(nan)).toContain('p: 2 of 2 rows get another class (first: row 0, served NaN, local 0;');
    expect(describeParity(nan)).toContain('2 of them hold NaN or ±Infinity in the served output, which has no class there');
    // +Infinity where the local class is that column: still no class
    const inf = cls([1, 3], [Number.POSITIVE_INFINITY, 0, 0], [1, 0, 0]);
    expect(inf.outputs[0]).toMatchObject({ passed: false, mismatches: 1, nonFiniteRows: 1 });
    // one column of logits, local class 0 (below 0) in both rows; served NaN and -Infinity
    expect(cls([2, 1], [Number.NaN, Number.NEGATIVE_INFINITY], [-1, -2]).outputs[0]).toMatchObject({
      passed: false,
      mismatches: 2,
      nonFiniteRows: 2,
    });
    // one column of probabilities: a served NaN does not turn the threshold into 0 for the other rows
    // (row 1: served 0.3 is class 0, local 0.7 class 1, by the 0.5 threshold)
    expect(cls([2, 1], [Number.NaN, 0.3], [0.1, 0.7]).outputs[0]).toMatchObject({ mismatches: 2, nonFiniteRows: 1, first: { index: 0 } });
    // class ids in one column: row 1 served id 1, local id 2
    expect(cls([2, 1], [Number.NaN, 1], [1, 2]).outputs[0]).toMatchObject({ mismatches: 2, nonFiniteRows: 1 });
    // finite rows alone: no count
    expect(cls([1, 3], [0.2, 0.5, 0.3], [0.1, 0.7, 0.2]).outputs[0]).toMatchObject({ passed: true, mismatches: 0 });
    expect(cls([1, 3], [0.2, 0.5, 0.3], [0.1, 0.7, 0.2]).outputs[0].nonFiniteRows).toBeUndefined();
  });
  it('numbers a reader can trust: no difference reads 0 (not 0.00), a tiny one in exponent form, the tolerance as given', () => {
    const same = compareOutputs([local], [local], { mode: 'values', atol: 1e-4, rtol: 1e-3 });
    expect(describeParity(same)).toBe('y: all 6 values within atol 1e-4 + rtol 0.001 (max |served - local| 0, max relative 0)');
    // element 1 off by 5.72e-6: relative 5.72e-6 / 0.7 = 8.17e-6
    const tiny = compareOutputs([{ ...local, data: [0.1, 0.7 + 5.72e-6, 0.2, 1, 0, 0] }], [local], {
      mode: 'values',
      atol: 1e-4,
      rtol: 1e-3,
    });
    expect(describeParity(tiny)).toContain('(max |served - local| 5.72e-6, max relative 8.17e-6)');
  });
});
