import { describe, expect, it } from 'vitest';

import { parseError, parsed } from '../errors.js';
import { checkToleranceNames, compareArrays, isMismatch, parsePerOutput, toleranceFor, unravelIndex } from './tolerance.js';

describe('isMismatch', () => {
  const numpy = { atol: 1e-5, rtol: 1e-4, mode: 'numpy' as const };
  const either = { atol: 1e-5, rtol: 1e-4, mode: 'either' as const };
  it('follows numpy.isclose: |a-b| <= atol + rtol*|b|, b the reference', () => {
    // 1e-5 + 1e-4 * 1 = 1.1e-4
    expect(isMismatch(1.0001, 1, numpy)).toBe(false);
    expect(isMismatch(1.0002, 1, numpy)).toBe(true);
    // asymmetric: the reference scales the tolerance
    expect(isMismatch(0, 1e-5, numpy)).toBe(false);
    expect(isMismatch(NaN, NaN, numpy)).toBe(true);
    expect(isMismatch(Infinity, Infinity, numpy)).toBe(false);
  });
  it("follows Polygraphy's default: mismatch only if both errors exceed", () => {
    // abs 1e-3 > atol but rel 1e-3/100 = 1e-5 < rtol: passes
    expect(isMismatch(100.001, 100, either)).toBe(false);
    // tiny reference: rel huge but abs 5e-6 < atol: passes
    expect(isMismatch(5e-6, 0, either)).toBe(false);
    expect(isMismatch(1e-3, 0, either)).toBe(true);
  });
});

describe('compareArrays', () => {
  it('reports the counts, the largest errors and the worst element by hand', () => {
    const expected = [1, 2, 0, -4, 5, 6];
    const actual = [1, 2.5, 0, -4.0001, 5, 5.9];
    const d = compareArrays(actual, expected, [2, 3], { atol: 1e-3, rtol: 0, mode: 'numpy' });
    expect(d.elements).toBe(6);
    expect(d.mismatches).toBe(2); // 0.5 and 0.1
    expect(d.mismatchRatio).toBeCloseTo(2 / 6, 15);
    expect(d.maxAbsError).toBeCloseTo(0.5, 15);
    expect(d.maxRelError).toBeCloseTo(0.25, 15);
    expect(d.worst).toEqual({ index: [0, 1], actual: 2.5, expected: 2, absError: 0.5 });
  });
  it('counts NaN as the worst mismatch', () => {
    const d = compareArrays([1, NaN], [1, 1], [2], { atol: 1, rtol: 1, mode: 'numpy' });
    expect(d.mismatches).toBe(1);
    expect(d.maxAbsError).toBe(Infinity);
    expect(d.worst?.index).toEqual([1]);
  });
});

describe('unravelIndex', () => {
  it('matches numpy.unravel_index in C order', () => {
    // numpy.unravel_index(22, (3, 4, 5)) == (1, 0, 2)
    expect(unravelIndex(22, [3, 4, 5])).toEqual([1, 0, 2]);
  });
});

describe('parsePerOutput', () => {
  it('reads a default and overrides by output name', () => {
    expect(parsePerOutput('1e-5', 0)).toEqual(parsed({ value: 1e-5, perOutput: {} }));
    expect(parsePerOutput('1e-5, logits:1e-4\nprobs:0.001', 0)).toEqual(parsed({ value: 1e-5, perOutput: { logits: 1e-4, probs: 0.001 } }));
    expect(parsePerOutput('logits:1e-4', 7)).toEqual(parsed({ value: 7, perOutput: { logits: 1e-4 } }));
  });
  it('quotes the first part that is not a tolerance', () => {
    expect(parsePerOutput('logits:abc', 7)).toEqual(parseError("'logits:abc'"));
    expect(parsePerOutput('-1', 7)).toEqual(parseError("'-1'"));
    expect(parsePerOutput('1e-5, :0.1', 7)).toEqual(parseError("':0.1'"));
  });
});

describe('equalNan: the model against itself', () => {
  const self = { atol: 0, rtol: 0, mode: 'numpy' as const, equalNan: true };
  it('a NaN in the same place is the same value; against a number it still differs', () => {
    expect(isMismatch(NaN, NaN, self)).toBe(false);
    expect(isMismatch(NaN, 1, self)).toBe(true);
    expect(isMismatch(1, NaN, self)).toBe(true);
    const d = compareArrays([NaN, 2, NaN], [NaN, 2, 3], [3], self);
    expect(d).toMatchObject({ mismatches: 1, maxAbsError: Infinity, worst: { index: [2] } });
    expect(compareArrays([NaN, 2], [NaN, 2], [2], self)).toMatchObject({ mismatches: 0, maxAbsError: 0 });
  });
});

describe('checkToleranceNames', () => {
  const settings = { atol: 1e-5, rtol: 1e-4, perOutputAtol: {}, perOutputRtol: {}, mode: 'numpy' as const, maxMismatchRatio: 0 };
  it('takes overrides of outputs the model has', () => {
    expect(() => checkToleranceNames({ ...settings, perOutputAtol: { logits: 1e-3 } }, ['logits', 'probs'])).not.toThrow();
  });
  it('refuses an override of an output the model does not have (a typo would hold logits to the default)', () => {
    expect(() => checkToleranceNames({ ...settings, perOutputAtol: { logit: 1e-3 } }, ['logits', 'probs'])).toThrow(
      "Input atol names 'logit', which the model does not have; its outputs are logits, probs.",
    );
    expect(() => checkToleranceNames({ ...settings, perOutputRtol: { a: 1, b: 2 } }, ['y'])).toThrow(
      expect.objectContaining({ input: 'rtol', message: "Input rtol names 'a', 'b', which the model does not have; its outputs are y." }),
    );
  });
});

describe('infinities and odd output names', () => {
  // numpy: np.isclose(1, inf) False, np.isclose(inf, inf) True, np.isclose(inf, -inf) False
  it('an infinity matches only the same infinity, in both modes', () => {
    for (const mode of ['numpy', 'either'] as const) {
      const t = { atol: 1e-5, rtol: 1e-3, mode };
      expect(isMismatch(1, Infinity, t)).toBe(true);
      expect(isMismatch(Infinity, 1, t)).toBe(true);
      expect(isMismatch(Infinity, -Infinity, t)).toBe(true);
      expect(isMismatch(Infinity, Infinity, t)).toBe(false);
      expect(isMismatch(-Infinity, -Infinity, t)).toBe(false);
    }
  });
  it('an output named like an Object property gets the default tolerance, or its own', () => {
    const settings = { atol: 1e-5, rtol: 1e-3, perOutputAtol: {}, perOutputRtol: {}, mode: 'either' as const, maxMismatchRatio: 0 };
    expect(toleranceFor(settings, 'constructor')).toEqual({ atol: 1e-5, rtol: 1e-3, mode: 'either' });
    const result = parsePerOutput('1e-4, constructor:0.5, __proto__:0.25', 1e-5);
    expect(result.ok && result.value.perOutput.constructor).toBe(0.5);
    expect(result.ok && Object.keys(result.value.perOutput)).toEqual(['constructor', '__proto__']);
  });
});
