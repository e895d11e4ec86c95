import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { readJson } from '../../../../test/fixtures.js';
import { ascendingOrder, writeSortKeys } from './rank-order.js';
import { RankScores } from './rank-scores.js';
import { RankWorkspace, rankColumn, rankedClasses, stratifiedVariance } from './rank-statistics.js';
import { studentTCdf } from './student-t.js';

// test/fixtures/metrics/make_rank.py: score sets, scikit-learn's AUC / AP, DeLong from the paper
const fixture = readJson('metrics', 'rank.json');

export function rankScoresOf(set: any, paired = true, batch = 64): RankScores {
  const scores = new RankScores(set.classes, paired);
  const w = scores.width;
  for (let r = 0; r < set.labels.length; r += batch) {
    const n = Math.min(batch, set.labels.length - r);
    scores.addRows(
      set.labels.slice(r, r + n),
      set.new.slice(r * w, (r + n) * w),
      paired ? set.baseline.slice(r * w, (r + n) * w) : undefined,
      n,
    );
  }
  return scores;
}

describe('ascendingOrder (radix sort of doubles)', () => {
  it('orders any doubles as a stable comparison sort does, ±0 tied', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.double({ noNaN: true }), fc.constantFrom(0, -0, 1, -1, Infinity, -Infinity, 5e-324, -5e-324)), {
          maxLength: 300,
        }),
        (values) => {
          const n = values.length;
          const high = new Uint32Array(n);
          const low = new Uint32Array(n);
          writeSortKeys(values, 0, 1, n, high, low);
          const order = ascendingOrder(high, low, n, new Uint32Array(n), new Uint32Array(n));
          const expected = values.map((_, i) => i).sort((a, b) => (values[a] === values[b] ? a - b : values[a] - values[b]));
          expect(Array.from(order)).toEqual(expected);
        },
      ),
    );
  });
  it('sorts across every 16-bit digit (values that differ only in the low bits)', () => {
    const values = [1 + 2 ** -52, 1, 1 + 2 ** -40, 1 + 2 ** -20, -1 - 2 ** -52, -1];
    const high = new Uint32Array(6);
    const low = new Uint32Array(6);
    writeSortKeys(values, 0, 1, 6, high, low);
    expect(Array.from(ascendingOrder(high, low, 6, new Uint32Array(6), new Uint32Array(6)))).toEqual([4, 5, 1, 0, 2, 3]);
  });
});

describe('rankColumn (against scikit-learn and DeLong written from the paper)', () => {
  // the same sums in another order than numpy's: 1e-12 relative
  const close = (actual: number, expected: number, tolerance = 1e-12) =>
    expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tolerance * Math.max(1e-3, Math.abs(expected)));
  for (const name of ['binary', 'binary-ties', 'three', 'four-absent']) {
    it(`${name}: AUC and AP of both models, and DeLong's variance of their difference`, () => {
      const set = fixture.sets[name];
      const scores = rankScoresOf(set);
      const { classes, rowsPerLabel } = rankedClasses(scores);
      const ws = new RankWorkspace(scores.rows);
      const influence = new Float64Array(scores.rows);
      const values = [0, 1].map((index) => {
        let auc = 0;
        let ap = 0;
        for (const k of classes) {
          const r = rankColumn(
            ws,
            scores,
            index === 0 ? 'new' : 'baseline',
            k,
            { values: influence, weight: (index === 0 ? 1 : -1) / classes.length },
            false,
          );
          auc += r.auc / classes.length;
          ap += r.averagePrecision / classes.length;
        }
        return { auc, ap };
      });
      values.forEach((v, index) => {
        close(v.auc, set.auc[index]);
        close(v.ap, set.ap[index]);
      });
      // the DeLong variance from the O(m·n) pairwise definition in Python against the sorted pass here
      close(stratifiedVariance(influence, scores.labels(), rowsPerLabel), set.delong.variance, 1e-10);
    });
  }
  it('the sets hold ties and an absent class', () => {
    const ties = fixture.sets['binary-ties'].new as number[];
    expect(new Set(ties).size).toBeLessThan(ties.length / 4);
    expect(fixture.sets['four-absent'].labels).not.toContain(3);
  });
  it('a hand example: scores [0.1, 0.4, 0.35, 0.8] labels [0, 0, 1, 1] (AUC 0.75, AP 0.8333...)', () => {
    const scores = new RankScores(2, false);
    scores.addRows([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], undefined, 4);
    const { classes } = rankedClasses(scores);
    const r = rankColumn(new RankWorkspace(4), scores, 'new', classes[0], undefined, false);
    expect(r.auc).toBe(0.75);
    // thresholds 0.8: P 1, R 1/2; 0.4: P 1/2; 0.35: P 2/3, R 1 -> AP = 1/2·1 + 1/2·2/3
    expect(r.averagePrecision).toBeCloseTo(0.5 + 1 / 3, 15);
  });
});

describe('studentTCdf (against scipy.stats.t.cdf)', () => {
  it('matches on a grid of t and degrees of freedom to 1e-15 absolute', () => {
    // A&S's finite series: exact up to rounding; absolute error, as documented
    for (const [x, df, expected] of fixture.studentTCdf) expect(Math.abs(studentTCdf(x, df) - expected)).toBeLessThan(2e-15);
  });
  it('refuses non-integer degrees of freedom', () => {
    expect(() => studentTCdf(1, 2.5)).toThrow(RangeError);
    expect(studentTCdf(Infinity, 3)).toBe(1);
  });
});
