import { describe, expect, it } from 'vitest';

import { readJson } from '../../../../test/fixtures.js';
import { holmAdjust } from './holm.js';

describe('holmAdjust', () => {
  it('a hand example: p = 0.01, 0.04, 0.03, 0.005', () => {
    // sorted 0.005, 0.01, 0.03, 0.04 times 4, 3, 2, 1 = 0.02, 0.03, 0.06, 0.04; running max 0.02, 0.03, 0.06, 0.06
    expect(holmAdjust([0.01, 0.04, 0.03, 0.005])).toEqual([0.03, 0.06, 0.06, 0.02]);
  });

  it('equals the textbook definition in numpy (test/fixtures/stats/make_holm.py), digit for digit', () => {
    // the same products and maxima in the same double arithmetic: exact equality
    const { cases } = readJson<{ cases: { p: number[]; adjusted: number[] }[] }>('stats', 'holm.json');
    for (const { p, adjusted } of cases) expect(holmAdjust(p)).toEqual(adjusted);
  });

  it('caps at 1, keeps ties together, leaves NaN out of m, and rejects p outside [0, 1]', () => {
    expect(holmAdjust([0.6, 0.7])).toEqual([1, 1]);
    expect(holmAdjust([0.02, 0.02, 0.5])).toEqual([0.06, 0.06, 0.5]);
    // m = 2, not 3: the NaN is a test that could not be run
    expect(holmAdjust([0.01, NaN, 0.04])).toEqual([0.02, NaN, 0.04]);
    expect(holmAdjust([])).toEqual([]);
    expect(() => holmAdjust([0.1, 1.2])).toThrow(/p-values must be in \[0, 1\], got 1.2 at 1/);
  });
});
