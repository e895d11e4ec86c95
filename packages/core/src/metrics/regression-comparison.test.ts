import { describe, expect, it } from 'vitest';

import { readJson } from '../../../../test/fixtures.js';
import type { InferenceSettings } from '../evaluation/comparison.js';
import { MeanStats, PairedMeanStats } from '../stats/index.js';
import { compareRegression } from './regression-comparison.js';

// test/fixtures/metrics/make_regression.py: scikit-learn's mse / mae / r2 and numpy + scipy.stats.norm
// for the normal, delta-method and scaled intervals
const fixture = readJson('metrics', 'regression.json');
const s: InferenceSettings = { level: fixture.level, confidence: fixture.confidence, replicates: 100, seed: 0 };

function statisticsOf(set: any, paired = true) {
  const squaredError = new PairedMeanStats();
  const absoluteError = new PairedMeanStats();
  const target = new MeanStats();
  set.targets.forEach((y: number, i: number) => {
    const e = set.new[i] - y;
    const b = set.baseline[i] - y;
    if (paired) {
      squaredError.add(e * e, b * b);
      absoluteError.add(Math.abs(e), Math.abs(b));
    } else {
      squaredError.addNew(e * e);
      absoluteError.addNew(Math.abs(e));
    }
    target.add(y);
  });
  return { squaredError, absoluteError, target };
}

/** |a − b| <= relative·|b|. */
function close(actual: number | null | undefined, expected: number, relative = 1e-12): void {
  expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(relative * Math.abs(expected));
}

describe('compareRegression', () => {
  const set = fixture.sets.main;
  const result = compareRegression(statisticsOf(set), s, { paired: true });

  it("gives both models' scikit-learn values", () => {
    expect(result.map((m) => m.metric)).toEqual(['rmse', 'mse', 'mae', 'r2']);
    result.forEach((m) => {
      close(m.new, set.values[m.metric][0]);
      close(m.baseline, set.values[m.metric][1]);
    });
    expect(result.map((m) => m.higherIsBetter)).toEqual([false, false, false, true]);
  });

  it('gives the normal, delta-method and scaled intervals, lower bounds and z tests numpy gives', () => {
    // the same closed forms; sums exact here, numpy's pairwise: 1e-10 relative
    result.forEach((m) => {
      const expected = set.inference[m.metric];
      close(m.improvement, expected.improvement, 1e-10);
      close(m.interval?.lower, expected.interval[0], 1e-10);
      close(m.interval?.upper, expected.interval[1], 1e-10);
      close(m.lowerBound?.value, expected.lowerBound, 1e-10);
      close(m.pNewBetter, expected.pNewBetter, 1e-8);
      close(m.pNewWorse, expected.pNewWorse, 1e-10);
      expect(m.method).toEqual({ interval: m.metric === 'rmse' ? 'delta' : 'normal', test: 'z' });
    });
  });

  it("constant targets: r2 is scikit-learn's force_finite value (1 for a perfect fit, else 0), without an interval", () => {
    const perfect = compareRegression(statisticsOf(fixture.sets['constant-perfect']), s, { paired: true });
    expect([perfect[3].new, perfect[3].baseline, perfect[3].improvement]).toEqual([1, 0, 1]);
    expect(perfect[3].unavailable).toBe('the targets are constant: r2 is 1 for a perfect fit, else 0');
    expect(perfect[3].interval).toBeUndefined();
    // a perfect model's rmse term has no variance (stats/paired-mean.ts): the baseline's alone
    close(perfect[0].interval?.upper, fixture.sets['constant-perfect'].inference.rmse.interval[1], 1e-10);
    close(perfect[1].interval?.lower, fixture.sets['constant-perfect'].inference.mse.interval[0], 1e-10);
    const imperfect = compareRegression(statisticsOf(fixture.sets['constant-imperfect']), s, { paired: true });
    expect([imperfect[3].new, imperfect[3].baseline]).toEqual(fixture.sets['constant-imperfect'].values.r2);
    close(imperfect[0].interval?.upper, fixture.sets['constant-imperfect'].inference.rmse.interval[1], 1e-10);
  });

  it('one row: values without intervals, no r2', () => {
    const one = compareRegression(statisticsOf(fixture.sets['one-row']), s, { paired: true });
    expect(one.map((m) => m.new)).toEqual([0.5, 0.25, 0.5, null]);
    expect(one.map((m) => m.unavailable)).toEqual([
      'an interval needs at least two rows',
      'an interval needs at least two rows',
      'an interval needs at least two rows',
      'r2 needs at least two rows',
    ]);
    expect(one[1].improvement).toBe(0.75);
  });

  it("without a baseline: the new model's values only", () => {
    const alone = compareRegression(statisticsOf(set, false), s, { paired: false });
    alone.forEach((m) => {
      close(m.new, set.values[m.metric][0]);
      expect([m.baseline, m.improvement, m.unavailable]).toEqual([null, null, 'no baseline']);
    });
  });
});
