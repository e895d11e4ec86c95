import { describe, expect, it } from 'vitest';

import { readJson } from '../../../../test/fixtures.js';
import { RowValues } from './row-values.js';

// test/fixtures/metrics/make_per_row.py: numpy's per-row Brier scores (multiclass), scikit-learn's
// brier_score_loss (binary; 1.2.1 has no multiclass one)
const fixture = readJson('metrics', 'per_row.json');

// Σp² − 2p_y + 1 against numpy's Σ(p − onehot)²: both round at the scale of 1, so compare absolutely
const ABSOLUTE = 1e-15;

/** The set's rows through RowValues in one batch: its per-row Brier scores under `reading`. */
function brierOf(set: { classes: number; labels: number[]; scores: number[] }, width: number, reading: 0 | 1): Float64Array {
  const n = set.labels.length;
  const values = new RowValues(width, false, width === 1 ? 2 : set.classes, n, 5);
  values.compute(Float64Array.from(set.scores), Float64Array.from(set.labels), n);
  return values.brier[reading];
}

describe('RowValues: the Brier score of each row', () => {
  for (const name of ['four', 'two', 'one']) {
    it(`probabilities (${name}): numpy's sum over classes (two classes: half of it)`, () => {
      const set = fixture.brier[name];
      const brier = brierOf(set, name === 'one' ? 1 : set.classes, 0);
      set.labels.forEach((_: number, i: number) => expect(Math.abs(brier[i] - set.brier[i])).toBeLessThan(ABSOLUTE));
    });
  }
  it('binary means equal scikit-learn 1.2.1 brier_score_loss (two columns, one column)', () => {
    for (const name of ['two', 'one']) {
      const set = fixture.brier[name];
      const brier = brierOf(set, name === 'one' ? 1 : 2, 0);
      expect(Math.abs(brier.reduce((a, b) => a + b, 0) / set.labels.length - set.sklearnMean)).toBeLessThan(1e-15);
    }
  });
  for (const name of ['logits', 'logits-two']) {
    it(`logits, softmax first (${name})`, () => {
      const set = fixture.brier[name];
      const brier = brierOf(set, set.classes, 1);
      set.labels.forEach((_: number, i: number) => expect(Math.abs(brier[i] - set.brier[i])).toBeLessThan(ABSOLUTE));
    });
  }
});
