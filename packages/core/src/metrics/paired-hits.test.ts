import { describe, expect, it } from 'vitest';

import { readJson } from '../../../../test/fixtures.js';
import type { InferenceSettings } from '../evaluation/comparison.js';
import { PairedHits, compareHits } from './paired-hits.js';

// test/fixtures/metrics/make_per_row.py: paired hits, scipy's binomtest, numpy's row bootstrap
const set = readJson('metrics', 'per_row.json').hits;
const n = set.new.length;

function hitsOf(from = 0, to = n): PairedHits {
  const hits = new PairedHits();
  for (let i = from; i < to; i++) hits.add(set.new[i] === 1, set.baseline[i] === 1);
  return hits;
}

describe('PairedHits and compareHits', () => {
  const B = set.replicates;
  const s: InferenceSettings = { level: 0.95, confidence: 0.9, replicates: B, seed: 8 };
  const result = compareHits(hitsOf(), s, { paired: true, stream: 2 });

  it("gives both hit rates, McNemar's exact p-values (scipy) and Newcombe's interval", () => {
    const rate = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / n;
    expect(result.metric).toBe('top-k-accuracy');
    expect(result.new).toBe(rate(set.new));
    expect(result.baseline).toBe(rate(set.baseline));
    expect(Math.abs((result.pNewBetter as number) - set.pNewBetter)).toBeLessThan(1e-12 * set.pNewBetter);
    expect(Math.abs((result.pNewWorse as number) - set.pNewWorse)).toBeLessThan(1e-12 * set.pNewWorse);
    expect(result.method).toEqual({ interval: 'newcombe', test: 'mcnemar-exact' });
    expect(result.lowerBound?.level).toBe(0.9);
    // Newcombe's interval (checked against the paper in paired-proportions.test.ts) and numpy's row
    // bootstrap estimate the same interval: they agree to within a fifth of its width here
    const width = set.bootstrap.q975 - set.bootstrap.q025;
    expect(Math.abs((result.interval?.lower as number) - set.bootstrap.q025)).toBeLessThanOrEqual(width / 5);
    expect(Math.abs((result.interval?.upper as number) - set.bootstrap.q975)).toBeLessThanOrEqual(width / 5);
  });

  it('merges, round-trips through JSON, and without a baseline gives the new rate alone', () => {
    const merged = hitsOf(0, 300);
    merged.merge(hitsOf(300));
    expect(merged.toJSON()).toEqual(hitsOf().toJSON());
    expect(PairedHits.fromJSON(JSON.parse(JSON.stringify(merged))).toJSON()).toEqual(merged.toJSON());
    expect(() => PairedHits.fromJSON({ counts: [1, 2, 3, -1] })).toThrow(RangeError);
    const alone = compareHits(hitsOf(), s, { paired: false, stream: 0, metric: 'accuracy' });
    expect(alone).toEqual({
      metric: 'accuracy',
      higherIsBetter: true,
      new: result.new,
      baseline: null,
      improvement: null,
      unavailable: 'no baseline',
    });
    expect(compareHits(new PairedHits(), s, { paired: true, stream: 0 }).unavailable).toBe('no rows');
  });
});
