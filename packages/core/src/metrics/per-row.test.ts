import { describe, expect, it } from 'vitest';

import { readJson } from '../../../../test/fixtures.js';
import { brierFromSums, topKHit } from './per-row.js';

// test/fixtures/metrics/make_per_row.py: numpy's per-row Brier scores (multiclass), scikit-learn's
// brier_score_loss (binary; 1.2.1 has no multiclass one) and top_k_accuracy_score
const fixture = readJson('metrics', 'per_row.json');

// The per-row Brier scores of RowValues (evaluation/row-values.ts, which calls brierFromSums with
// the sums its loop already has) are checked against the same fixture in row-values.test.ts.
describe('brierFromSums', () => {
  it('a perfect row is 0, not a rounding error below it; two classes halve the sum', () => {
    expect(brierFromSums(1, 1, 4)).toBe(0);
    expect(brierFromSums(1 - 2 ** -52, 1, 3)).toBe(0);
    // p = (0.3, 0.7), y = 0: sum over classes (0.3 − 1)² + 0.7² = 0.98; binary (p_1 − y)² = 0.49
    expect(brierFromSums(0.09 + 0.49, 0.3, 2)).toBeCloseTo(0.49, 15);
    expect(brierFromSums(0.09 + 0.49, 0.3, 3)).toBeCloseTo(0.98, 15);
  });
});

describe('topKHit', () => {
  const set = fixture.topK;
  const w = set.classes;
  for (const k of [1, 2, 3]) {
    it(`k = ${k}: every row as numpy ranks it, the mean as scikit-learn's top_k_accuracy_score`, () => {
      let hits = 0;
      set.labels.forEach((y: number, i: number) => {
        const hit = topKHit(set.scores, i * w, w, y, k);
        expect(hit ? 1 : 0).toBe(set.hits[k][i]);
        if (hit) hits++;
      });
      expect(hits / set.labels.length).toBe(set.sklearn[k]);
    });
  }
  it("ties count in the label's favour; a NaN label score is a miss", () => {
    // label 0 ties with two others at the top: no class scores strictly higher, a hit at k = 1
    expect(topKHit([0.4, 0.4, 0.4, 0.1], 0, 4, 0, 1)).toBe(true);
    expect(topKHit([0.4, 0.5, 0.6, 0.1], 0, 4, 0, 2)).toBe(false);
    expect(topKHit([0.4, 0.5, 0.6, 0.1], 0, 4, 0, 3)).toBe(true);
    expect(topKHit([NaN, 0.5, 0.6, 0.1], 0, 4, 0, 3)).toBe(false);
    expect(topKHit([0.2, NaN, 0.6, 0.1], 0, 4, 0, 2)).toBe(true);
  });
});
