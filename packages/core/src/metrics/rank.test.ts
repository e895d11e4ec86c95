import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { readJson } from '../../../../test/fixtures.js';
import type { InferenceSettings } from '../evaluation/comparison.js';
import { compareRank } from './compare-rank.js';
import { KeySorter } from './rank-order.js';
import { RankScores } from './rank-scores.js';
import { RankWorkspace, rankColumn, rankedClasses, stratifiedVariance } from './rank-statistics.js';
import { studentTCdf } from '../stats/index.js';

// test/fixtures/metrics/make_rank.py: score sets, scikit-learn's AUC / AP, DeLong from the paper
const fixture = readJson('metrics', 'rank.json');

function rankScoresOf(set: any, paired = true, batch = 64): RankScores {
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

describe('KeySorter (radix sort of doubles)', () => {
  const sorter = new KeySorter(400);
  it('orders any doubles as a stable comparison sort does, ±0 tied, keys equal exactly for equal values', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.double({ noNaN: true }), fc.constantFrom(0, -0, 1, -1, Infinity, -Infinity, 5e-324, -5e-324)), {
          maxLength: 300,
        }),
        (values) => {
          const n = values.length;
          const sorted = sorter.sort(values, 0, 1, n);
          const expected = values.map((_, i) => i).sort((a, b) => (values[a] === values[b] ? a - b : values[a] - values[b]));
          expect(Array.from(sorted.rows)).toEqual(expected);
          for (let i = 1; i < n; i++) {
            const same = sorted.high[i] === sorted.high[i - 1] && sorted.low[i] === sorted.low[i - 1];
            expect(same).toBe(values[expected[i]] === values[expected[i - 1]]);
          }
        },
      ),
    );
  });
  it('sorts across every digit (values that differ only in the low bits), a strided column', () => {
    const values = [1 + 2 ** -52, 1, 1 + 2 ** -40, 1 + 2 ** -20, -1 - 2 ** -52, -1, 2 ** -1000, 3e300];
    // the column at offset 1, stride 2 of interleaved rows
    const interleaved = values.flatMap((v) => [0, v]);
    expect(Array.from(sorter.sort(interleaved, 1, 2, values.length).rows)).toEqual([4, 5, 6, 1, 0, 2, 3, 7]);
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
  it('matches on a grid of t and degrees of freedom: 1e-13 relative (the incomplete beta is ~1e-15)', () => {
    for (const [x, df, expected] of fixture.studentTCdf)
      expect(Math.abs(studentTCdf(x, df) - expected)).toBeLessThanOrEqual(1e-13 * expected);
  });
  it('ends: ±Infinity, 0, and no degrees of freedom', () => {
    expect(() => studentTCdf(1, 0)).toThrow(RangeError);
    expect([studentTCdf(Infinity, 3), studentTCdf(-Infinity, 3), studentTCdf(0, 19)]).toEqual([1, 0, 0.5]);
  });
});

const s: InferenceSettings = { level: fixture.level, confidence: fixture.confidence, replicates: 2000, seed: 5 };

/** |a − b| within `relative` of b's size (at least 1e-3: values near 0 are compared absolutely at that scale). */
function close(actual: number | undefined, expected: number, relative: number): void {
  expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(relative * Math.max(1e-3, Math.abs(expected)));
}

describe('compareRank', () => {
  for (const name of ['binary', 'binary-ties', 'three', 'four-absent']) {
    it(`${name}: values, DeLong's interval and z tests, the jackknife's t interval and tests`, () => {
      const set = fixture.sets[name];
      const [auc, ap] = compareRank(rankScoresOf(set), s);
      expect(auc.metric).toBe('roc-auc');
      close(auc.new as number, set.auc[0], 1e-12);
      close(auc.baseline as number, set.auc[1], 1e-12);
      // the variance agrees to ~1e-12 (sums in another order); the normal quantile and cdf to ~1e-15
      const d = set.delong;
      close(auc.improvement as number, d.improvement, 1e-12);
      close(auc.interval?.lower, d.interval[0], 1e-9);
      close(auc.interval?.upper, d.interval[1], 1e-9);
      expect(auc.interval?.level).toBe(fixture.level);
      close(auc.lowerBound?.value, d.lowerBound, 1e-9);
      close(auc.pNewBetter, d.pNewBetter, 1e-9);
      close(auc.pNewWorse, d.pNewWorse, 1e-9);
      expect(auc.method).toEqual({ interval: 'delong', test: 'delong' });
      expect(ap.metric).toBe('average-precision');
      close(ap.new as number, set.ap[0], 1e-12);
      close(ap.baseline as number, set.ap[1], 1e-12);
      // Student t quantile (stats/normal.ts) to 1e-9, the cdf (stats/normal.ts studentTCdf) to 1e-15
      const j = set.jackknife;
      close(ap.interval?.lower, j.interval[0], 1e-8);
      close(ap.interval?.upper, j.interval[1], 1e-8);
      close(ap.lowerBound?.value, j.lowerBound, 1e-8);
      close(ap.pNewBetter, j.pNewBetter, 1e-9);
      close(ap.pNewWorse, j.pNewWorse, 1e-9);
      expect(ap.method).toEqual({ interval: 'jackknife', test: 'jackknife-t' });
    });
  }

  for (const name of ['three', 'four-absent']) {
    it(`${name}: the macro AUC difference's DeLong se is within 15 % of numpy's row-bootstrap sd`, () => {
      // 2,000 bootstrap replicates estimate an sd to ~1.6 % (1/sqrt(2B)); the rest of the 15 % is
      // the asymptotics (DeLong conditions on the class counts, the row bootstrap does not)
      const set = fixture.sets[name];
      const [auc] = compareRank(rankScoresOf(set), s);
      const se = ((auc.interval?.upper as number) - (auc.interval?.lower as number)) / 2 / 1.959963984540054;
      expect(Math.abs(se / set.bootstrapSd - 1)).toBeLessThan(0.15);
    });
  }

  it('same numbers however the rows were batched and merged (in order)', () => {
    const set = fixture.sets.three;
    const whole = compareRank(rankScoresOf(set, true, 600), s);
    const first = rankScoresOf(
      { ...set, labels: set.labels.slice(0, 250), new: set.new.slice(0, 750), baseline: set.baseline.slice(0, 750) },
      true,
      7,
    );
    first.merge(
      rankScoresOf({ ...set, labels: set.labels.slice(250), new: set.new.slice(750), baseline: set.baseline.slice(750) }, true, 33),
    );
    expect(compareRank(first, s)).toEqual(whole);
  });

  it('without a baseline: the new model only', () => {
    const set = fixture.sets.binary;
    const [auc, ap] = compareRank(rankScoresOf(set, false), s);
    expect(auc).toEqual({
      metric: 'roc-auc',
      higherIsBetter: true,
      new: auc.new,
      baseline: null,
      improvement: null,
      unavailable: 'no baseline',
    });
    close(auc.new as number, set.auc[0], 1e-12);
    close(ap.new as number, set.ap[0], 1e-12);
  });

  it('says why when it cannot rank: one class, a NaN score, no rows', () => {
    const one = new RankScores(2, true);
    one.addRows([1, 1, 1], [0.1, 0.2, 0.3], [0.3, 0.2, 0.1], 3);
    expect(compareRank(one, s).map((m) => m.unavailable)).toEqual(['the labels hold a single class', 'the labels hold a single class']);
    const nan = new RankScores(2, true);
    nan.addRows([0, 1], [0.1, NaN], [0.3, 0.2], 2);
    expect(compareRank(nan, s)[0].unavailable).toBe('a score is NaN');
    expect(compareRank(new RankScores(3, false), s)[1].unavailable).toBe('no rows');
  });

  it('identical models: improvement 0 and no interval or test (a difference that never varies is no evidence)', () => {
    const scores = new RankScores(2, true);
    const x = [0.1, 0.9, 0.4, 0.35, 0.8, 0.2, 0.7, 0.6];
    scores.addRows([0, 1, 0, 1, 1, 0, 1, 0], x, x, 8);
    const [auc] = compareRank(scores, s);
    expect(auc.improvement).toBe(0);
    expect(auc.interval).toBeUndefined();
    expect(auc.pNewBetter).toBeUndefined();
    expect(auc.unavailable).toMatch(/does not vary/);
  });
  it('a perfect ranker against a constant one on 4 rows: no p of 0 from a zero standard error', () => {
    const scores = new RankScores(2, true);
    scores.addRows([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9], [0.5, 0.5, 0.5, 0.5], 4);
    const [auc] = compareRank(scores, s);
    expect(auc.improvement).toBe(0.5);
    expect(auc.pNewBetter).toBeUndefined();
    expect(auc.lowerBound).toBeUndefined();
  });

  it('counts its memory', () => {
    const scores = new RankScores(3, true);
    // labels 4 bytes, 3 + 3 scores of 8 bytes, 1024 rows reserved at first
    expect(scores.bytes()).toBe(1024 * (4 + 48));
    // rows reserved up front: no doubling slack
    const exact = new RankScores(2, false, 3000);
    exact.addRows(new Float64Array(3000), new Float64Array(3000), undefined, 3000);
    expect(exact.bytes()).toBe(3000 * (4 + 8));
  });
});
