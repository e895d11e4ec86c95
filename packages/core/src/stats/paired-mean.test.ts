import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { readJson } from '../../../../test/fixtures.js';
import { standardErrorComparison } from '../metrics/metric-comparison.js';
import { meanDifference, MeanStats, PairedMeanStats, sqrtMeanDifference, type MeanDifference } from './paired-mean.js';

interface Moments {
  count: number;
  sum: number;
  sumOfSquares: number;
  mean: number;
  variance: number;
}

interface Summary {
  improvement: number;
  standardError: number;
  interval: [number, number];
  lowerBound95: number;
  pNewBetter: number;
  pNewWorse: number;
}

interface Fixture {
  logLoss: { a: number[]; b: number[]; new: Moments; baseline: Moments; diff: Moments; comparison: Summary };
  rmse: { a: number[]; b: number[]; comparison: Summary; bootstrapSd: number; resamples: number };
}

const fixture = readJson<Fixture>('stats', 'paired_mean.json');

function paired(a: readonly number[], b: readonly number[]): PairedMeanStats {
  const s = new PairedMeanStats();
  a.forEach((x, i) => s.add(x, b[i]));
  return s;
}

/** Closed forms against numpy/scipy: the same formulas in other arithmetic, so 1e-12 relative. */
function expectClose(actual: number, expected: number, tolerance = 1e-12): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tolerance * Math.abs(expected));
}

/**
 * The improvement and its standard error against numpy's, and the interval, bound and p-values that
 * standardErrorComparison (the one place that makes them) builds from them against scipy's.
 */
function expectSummary(actual: MeanDifference, expected: Summary): void {
  expectClose(actual.improvement, expected.improvement);
  expectClose(actual.standardError, expected.standardError);
  // a lower-is-better metric's values whose difference is the improvement
  const pair = { metric: 'm', higherIsBetter: false, new: 1 - actual.improvement, baseline: 1 };
  const c = standardErrorComparison(
    pair,
    actual.standardError,
    { level: 0.95, confidence: 0.95, replicates: 0, seed: 0 },
    { interval: 'normal', test: 'z' },
  );
  expectClose(c.interval!.lower, expected.interval[0], 1e-9);
  expectClose(c.interval!.upper, expected.interval[1], 1e-9);
  expectClose(c.lowerBound!.value, expected.lowerBound95, 1e-9);
  expectClose(c.pNewBetter!, expected.pNewBetter);
  expectClose(c.pNewWorse!, expected.pNewWorse);
}

describe('MeanStats (test/fixtures/stats/make_paired_mean.py)', () => {
  const { a, b } = fixture.logLoss;
  const s = paired(a, b);

  it.each([
    ['new', s.new, fixture.logLoss.new],
    ['baseline', s.baseline, fixture.logLoss.baseline],
    ['diff', s.diff, fixture.logLoss.diff],
  ] as const)("%s: sums are math.fsum exactly; mean and variance are numpy's to 1e-12", (_name, stats, expected) => {
    expect(stats.count).toBe(expected.count);
    expect(stats.sum()).toBe(expected.sum);
    expect(stats.sumOfSquares()).toBe(expected.sumOfSquares);
    expectClose(stats.mean(), expected.mean, 1e-15);
    expectClose(stats.variance(), expected.variance);
  });

  it('order and sharding cannot change a digit (fast-check)', () => {
    const value = fc.double({ min: -1e6, max: 1e6, noNaN: true });
    fc.assert(
      fc.property(
        fc.array(value, { minLength: 2, maxLength: 40 }).chain((xs) =>
          fc.record({
            xs: fc.constant(xs),
            permuted: fc.shuffledSubarray(xs, { minLength: xs.length, maxLength: xs.length }),
            cut: fc.nat({ max: xs.length }),
          }),
        ),
        ({ xs, permuted, cut }) => {
          const one = new MeanStats();
          xs.forEach((x) => one.add(x));
          const left = new MeanStats();
          const right = new MeanStats();
          permuted.slice(0, cut).forEach((x) => left.add(x));
          permuted.slice(cut).forEach((x) => right.add(x));
          right.merge(left);
          expect(right.toJSON()).toEqual(one.toJSON());
          expect(Object.is(right.variance(), one.variance())).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('survives JSON, and is assembled from three parts as from rows', () => {
    const again = PairedMeanStats.fromJSON(JSON.parse(JSON.stringify(s)));
    expect(again.toJSON()).toEqual(s.toJSON());
    expect(again.diff.variance()).toBe(s.diff.variance());
    const [newStats, baseline, diff] = [new MeanStats(), new MeanStats(), new MeanStats()];
    a.forEach((x, i) => {
      newStats.add(x);
      baseline.add(b[i]);
      diff.add(x - b[i]);
    });
    expect(new PairedMeanStats(newStats, baseline, diff).toJSON()).toEqual(s.toJSON());
  });

  it('a constant has variance ~1e-16 mean² at most (never negative), fewer than two values have none', () => {
    // each 0.1 * 0.1 is rounded before it is summed: the documented accuracy, 1e-16 (variance + mean²)
    const constant = new MeanStats();
    for (let i = 0; i < 1000; i++) constant.add(0.1);
    expect(constant.variance()).toBeGreaterThanOrEqual(0);
    expect(constant.variance()).toBeLessThan(1e-15 * 0.1 ** 2);
    const zeros = new MeanStats();
    for (let i = 0; i < 10; i++) zeros.add(0);
    expect(zeros.variance()).toBe(0);
    const one = new MeanStats();
    one.add(3);
    expect([one.mean(), one.variance()]).toEqual([3, NaN]);
    expect(new MeanStats().mean()).toBeNaN();
  });
});

describe('meanDifference: the CLT on the mean paired difference', () => {
  const { a, b } = fixture.logLoss;

  it('equals numpy/scipy (lower-is-better log-loss: improvement = -mean(d))', () => {
    expectSummary(meanDifference(paired(a, b), false), fixture.logLoss.comparison);
  });

  it('flips with the direction', () => {
    const r = meanDifference(paired(a, b), true);
    expectClose(r.improvement, -fixture.logLoss.comparison.improvement);
    expectClose(r.standardError, fixture.logLoss.comparison.standardError);
  });

  it('identical models: improvement 0, standard error 0', () => {
    expect(meanDifference(paired([1, 2, 3], [1, 2, 3]), false)).toEqual({
      improvement: 0,
      standardError: 0,
      skew: { skewness: 0, rows: 3 },
    });
  });

  it('needs two paired rows, and every row paired', () => {
    expect(meanDifference(paired([1], [2]), true).standardError).toBeNaN();
    const s = paired([1, 2], [2, 3]);
    s.addNew(5);
    expect(() => meanDifference(s, true)).toThrow(/both values on every row: 3 new, 2 baseline, 2 paired/);
  });
});

describe('sqrtMeanDifference: RMSE by the delta method', () => {
  const { a, b, comparison, bootstrapSd, resamples } = fixture.rmse;
  const r = sqrtMeanDifference(paired(a, b), false);

  it('equals the textbook delta method in numpy (with np.cov, not the variance identity)', () => {
    expectSummary(r, comparison);
  });

  it('its standard error is within 10% of a numpy row bootstrap of the RMSE improvement (n = 5,000)', () => {
    // 10%: the bootstrap sd of 4,000 resamples has a Monte Carlo error of ~1/sqrt(2 * 4000) = 1.1%
    // (5 of them: 5.6%), and the delta method is first order, off by O(1/n) terms of a few percent
    // at most here; the two agree to 1% on this set
    expect(resamples).toBe(4000);
    expect(Math.abs(r.standardError / bootstrapSd - 1)).toBeLessThan(0.1);
  });

  it('a perfect model (MSE 0) has no variance of its own', () => {
    const perfect = sqrtMeanDifference(paired([0, 0, 0, 0], [1, 4, 0, 1]), false);
    // only the baseline's term: Var b / (4 B n) with b = 1, 4, 0, 1 (mean 1.5, variance 3)
    expect(perfect.improvement).toBeCloseTo(Math.sqrt(1.5), 15);
    expect(perfect.standardError).toBeCloseTo(Math.sqrt(3 / (4 * 1.5 * 4)), 15);
  });
});
