import { describe, expect, it } from 'vitest';

import { readJson } from '../../../../test/fixtures.js';
import { SeededRandom } from './random.js';

interface PcgCase {
  seed: number;
  stream: number;
  uint32: number[];
  uniform: number[];
}

interface BinomialCase {
  n: number;
  p: number;
  draws: number;
  bins: [number, number][];
  probabilities: number[];
  criticalChiSquare: number;
  mean: number;
  variance: number;
  excessKurtosis: number;
}

const fixture = readJson<{ pcg32: PcgCase[]; binomial: BinomialCase[] }>('stats', 'random.json');

/**
 * Tolerance of a sample mean or variance: 5 standard errors, so a correct generator fails with
 * probability 5.7e-7 (two-sided normal tail at 5) — and never, since the seed is fixed.
 */
const Z = 5;

function meanAndVariance(values: Float64Array): { mean: number; variance: number } {
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / values.length;
  let squares = 0;
  for (const v of values) squares += (v - mean) ** 2;
  return { mean, variance: squares / (values.length - 1) };
}

describe('SeededRandom: PCG32 against the reference (test/fixtures/stats/make_random.py)', () => {
  it.each(fixture.pcg32.map((c) => [c.seed, c.stream, c] as const))('seed %d, stream %d', (_seed, _stream, c) => {
    const outputs = new SeededRandom(c.seed, c.stream);
    expect(c.uint32.map(() => outputs.nextUint32())).toEqual(c.uint32);
    const uniforms = new SeededRandom(c.seed, c.stream);
    expect(c.uniform.map(() => uniforms.uniform())).toEqual(c.uniform);
  });

  it('reproduces the published pcg32-demo output (seed 42, stream 54)', () => {
    const rng = new SeededRandom(42, 54);
    const first = Array.from({ length: 6 }, () => rng.nextUint32().toString(16));
    expect(first).toEqual(['a15c02b7', '7b47f409', 'ba1d3330', '83d2f293', 'bfa4784b', 'cbed606e']);
  });

  it('same seed and stream: the same numbers; another stream or seed: other numbers', () => {
    const draw = (seed: number, stream: number) => {
      const rng = new SeededRandom(seed, stream);
      return Array.from({ length: 50 }, () => rng.uniform());
    };
    expect(draw(7, 3)).toEqual(draw(7, 3));
    const base = draw(7, 3);
    for (const other of [draw(7, 4), draw(8, 3), draw(7, 0)]) {
      // not one of the 50 numbers in common at the same position
      expect(other.filter((u, i) => u === base[i])).toEqual([]);
    }
    expect(new SeededRandom(7).uniform()).toBe(new SeededRandom(7, 0).uniform());
  });

  it('rejects seeds and streams that are not integers from 0 to 2^53 - 1', () => {
    expect(() => new SeededRandom(-1)).toThrow(/seed must be an integer from 0 to 2\^53 - 1, got -1/);
    expect(() => new SeededRandom(1.5)).toThrow(/seed/);
    expect(() => new SeededRandom(2 ** 53)).toThrow(/seed/);
    expect(() => new SeededRandom(1, NaN)).toThrow(/stream must be/);
  });

  it('uniform() is in [0, 1) and uses 53 bits', () => {
    const rng = new SeededRandom(1, 2);
    let oddMultiples = 0;
    for (let i = 0; i < 10_000; i++) {
      const u = rng.uniform();
      expect(u >= 0 && u < 1).toBe(true);
      if ((u * 2 ** 53) % 2 === 1) oddMultiples++;
    }
    // the lowest of the 53 bits is random: about half the draws are odd multiples of 2^-53
    expect(oddMultiples).toBeGreaterThan(4_500);
    expect(oddMultiples).toBeLessThan(5_500);
  });
});

describe('SeededRandom.binomial: the distribution of scipy.stats.binom', () => {
  it.each(fixture.binomial.map((c, i) => [c.n, c.p, c, i] as const))('n = %d, p = %d', (_n, _p, c, index) => {
    const rng = new SeededRandom(20240610, index);
    const values = new Float64Array(c.draws);
    const counts = new Float64Array(c.bins.length);
    const ends = c.bins.map((b) => b[1]);
    let outside = 0;
    for (let i = 0; i < c.draws; i++) {
      const x = rng.binomial(c.n, c.p);
      if (!(Number.isInteger(x) && x >= 0 && x <= c.n)) outside++;
      values[i] = x;
      let lo = 0;
      let hi = ends.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (x <= ends[mid]) hi = mid;
        else lo = mid + 1;
      }
      counts[lo]++;
    }
    expect(outside).toBe(0);
    // chi-square goodness of fit; the critical value is scipy's at 1e-6 (a false failure once in a million)
    let chiSquare = 0;
    c.probabilities.forEach((probability, i) => {
      const expected = probability * c.draws;
      chiSquare += (counts[i] - expected) ** 2 / expected;
    });
    expect(chiSquare).toBeLessThan(c.criticalChiSquare);
    const { mean, variance } = meanAndVariance(values);
    expect(Math.abs(mean - c.mean)).toBeLessThan(Z * Math.sqrt(c.variance / c.draws));
    // standard error of a sample variance: sigma^2 sqrt((excess kurtosis + 2) / N)
    expect(Math.abs(variance - c.variance)).toBeLessThan(Z * c.variance * Math.sqrt((c.excessKurtosis + 2) / c.draws));
  });

  it('handles the degenerate cases and rejects bad arguments', () => {
    const rng = new SeededRandom(1);
    expect(rng.binomial(0, 0.3)).toBe(0);
    expect(rng.binomial(12, 0)).toBe(0);
    expect(rng.binomial(12, 1)).toBe(12);
    expect(() => rng.binomial(-1, 0.5)).toThrow(/binomial n must be/);
    expect(() => rng.binomial(2.5, 0.5)).toThrow(/binomial n must be/);
    expect(() => rng.binomial(10, 1.5)).toThrow(/binomial p must be in \[0, 1\], got 1.5/);
    expect(() => rng.binomial(10, NaN)).toThrow(/binomial p/);
  });
});

describe('SeededRandom.multinomial: conditional binomials', () => {
  const weights = [5, 0, 3, 12, 1, 0, 79];
  const total = weights.reduce((a, b) => a + b, 0);
  const n = 1000;
  const draws = 20_000;

  it('sums to n, leaves zero-weight cells empty, and has binomial marginals', () => {
    const rng = new SeededRandom(99, 1);
    const out = new Float64Array(weights.length);
    const cells = weights.map(() => new Float64Array(draws));
    for (let d = 0; d < draws; d++) {
      rng.multinomial(n, weights, out);
      expect(out.reduce((a, b) => a + b, 0)).toBe(n);
      weights.forEach((_, i) => (cells[i][d] = out[i]));
    }
    weights.forEach((w, i) => {
      const p = w / total;
      const { mean, variance } = meanAndVariance(cells[i]);
      if (w === 0) {
        expect([mean, variance]).toEqual([0, 0]);
        return;
      }
      // Binomial(n, p): mean np, variance np(1-p), excess kurtosis (1 - 6p(1-p)) / (np(1-p))
      const expectedVariance = n * p * (1 - p);
      const kurtosis = (1 - 6 * p * (1 - p)) / expectedVariance;
      expect(Math.abs(mean - n * p)).toBeLessThan(Z * Math.sqrt(expectedVariance / draws));
      expect(Math.abs(variance - expectedVariance)).toBeLessThan(Z * expectedVariance * Math.sqrt((kurtosis + 2) / draws));
    });
    // cells 0 and 6 are negatively correlated: cov = -n p0 p6; the sample covariance has variance
    // (var0 var6 + cov^2) / N (normal approximation, fine at these counts)
    const [a, b] = [cells[0], cells[6]];
    const ma = meanAndVariance(a).mean;
    const mb = meanAndVariance(b).mean;
    let cov = 0;
    for (let d = 0; d < draws; d++) cov += (a[d] - ma) * (b[d] - mb);
    cov /= draws - 1;
    const p0 = weights[0] / total;
    const p6 = weights[6] / total;
    const se = Math.sqrt((n * p0 * (1 - p0) * n * p6 * (1 - p6) + (n * p0 * p6) ** 2) / draws);
    expect(Math.abs(cov + n * p0 * p6)).toBeLessThan(Z * se);
  });

  it('n = 0 draws nothing; bad weights and a short output are errors', () => {
    const rng = new SeededRandom(3);
    const out = new Float64Array(3).fill(7);
    rng.multinomial(0, [0, 0, 0], out);
    expect(Array.from(out)).toEqual([0, 0, 0]);
    expect(() => rng.multinomial(5, [0, 0, 0], out)).toThrow(/weights are all zero/);
    expect(() => rng.multinomial(5, [1, -1, 0], out)).toThrow(/finite and non-negative, got -1 at 1/);
    expect(() => rng.multinomial(5, [1, 2, 3, 4], out)).toThrow(/out has 3 cells, weights 4/);
    rng.multinomial(5, [0, 2, 0], out);
    expect(Array.from(out)).toEqual([0, 5, 0]);
    // fractional weights whose running remainder rounds: the draws still sum to n
    const tenths = new Float64Array(10);
    for (let d = 0; d < 200; d++) {
      rng.multinomial(1000, [0.1, 0.2, 0.3, 0.1, 0.1, 0.1, 0.05, 0.05, 1e-17, 0], tenths);
      expect(tenths.reduce((a, b) => a + b, 0)).toBe(1000);
    }
  });
});
