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
