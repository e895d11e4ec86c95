import { describe, expect, it } from 'vitest';

import { readJson } from '../../../../test/fixtures.js';
import { pairedDifferenceInterval } from './paired-proportions.js';

// test/fixtures/metrics/make_newcombe.py: Newcombe's method 10 written from the paper with scipy
const { cases } = readJson<{
  cases: { n10: number; n01: number; n11: number; n00: number; interval95: [number, number]; lower95: number }[];
}>('metrics', 'newcombe.json');

describe("pairedDifferenceInterval: Newcombe's hybrid score interval of a paired difference", () => {
  for (const c of cases) {
    it(`n10=${c.n10} n01=${c.n01} n11=${c.n11} n00=${c.n00}`, () => {
      const r = pairedDifferenceInterval({ newOnly: c.n10, baselineOnly: c.n01, both: c.n11, neither: c.n00 }, 0.95, 0.95);
      // the same closed form in other arithmetic: 1e-12 absolute (the limits are differences near 0)
      expect(Math.abs(r.interval[0] - c.interval95[0])).toBeLessThan(1e-12);
      expect(Math.abs(r.interval[1] - c.interval95[1])).toBeLessThan(1e-12);
      expect(Math.abs(r.lowerBound! - c.lower95)).toBeLessThan(1e-12);
    });
  }
});
