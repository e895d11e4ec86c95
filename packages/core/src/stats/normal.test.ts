import { describe, expect, it } from 'vitest';

import { readJson } from '../../../../test/fixtures.js';
import { normalCdf, normalQuantile, studentTQuantile } from './normal.js';

interface Fixture {
  cdf: { x: number; cdf: number; exact: number }[];
  ppf: { p: number; quantile: number; exact: number }[];
  tPpf: { df: number; p: number; quantile: number; exact: number }[];
}

const fixture = readJson<Fixture>('stats', 'normal.json');

/** |actual - expected| <= tolerance * |expected| (and exact equality at 0). */
function expectRelative(actual: number, expected: number, tolerance: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tolerance * Math.abs(expected));
}

describe('normalCdf (test/fixtures/stats/make_normal.py)', () => {
  it('agrees with mpmath at 50 digits to 1e-14 relative, tails included', () => {
    for (const { x, exact } of fixture.cdf) expectRelative(normalCdf(x), exact, 1e-14);
  });

  it('agrees with scipy.stats.norm.cdf to 1e-12 relative', () => {
    for (const { x, cdf } of fixture.cdf) expectRelative(normalCdf(x), cdf, 1e-12);
  });

  it('is symmetric, exact at 0, and saturates', () => {
    expect(normalCdf(0)).toBe(0.5);
    for (const x of [0.1, 0.7, 2, 5.9, 12]) expect(normalCdf(x) + normalCdf(-x)).toBeCloseTo(1, 15);
    expect(normalCdf(Infinity)).toBe(1);
    expect(normalCdf(-Infinity)).toBe(0);
    expect(normalCdf(NaN)).toBeNaN();
  });
});

describe('normalQuantile (AS 241)', () => {
  it('agrees with mpmath to 1e-15 and with scipy.stats.norm.ppf to 1e-12 relative, p from 1e-300 to 1 - 1e-10', () => {
    for (const { p, quantile, exact } of fixture.ppf) {
      if (exact === 0) {
        expect(normalQuantile(p)).toBe(0);
        continue;
      }
      expectRelative(normalQuantile(p), exact, 1e-15);
      expectRelative(normalQuantile(p), quantile, 1e-12);
    }
  });

  it('inverts normalCdf and handles the ends', () => {
    for (const p of [1e-12, 0.001, 0.2, 0.5, 0.8, 0.975]) expectRelative(normalCdf(normalQuantile(p)), p, 1e-14);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 15);
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
    expect(normalQuantile(1.5)).toBeNaN();
    expect(normalQuantile(NaN)).toBeNaN();
  });
});

describe('studentTQuantile', () => {
  it('agrees with mpmath (the incomplete beta at 50 digits) to 1e-13 relative, df from 1 to 1e7', () => {
    for (const { df, p, exact } of fixture.tPpf) {
      if (exact === 0) expect(studentTQuantile(p, df)).toBe(0);
      else expectRelative(studentTQuantile(p, df), exact, 1e-13);
    }
  });

  it('agrees with scipy.stats.t.ppf to its own accuracy (1e-8: scipy 1.10 is off by up to 4.6e-9)', () => {
    for (const { df, p, quantile, exact } of fixture.tPpf) {
      if (exact !== 0) expectRelative(studentTQuantile(p, df), quantile, 1e-8);
    }
  });

  it('matches the closed forms for 1, 2 and 4 degrees of freedom (hand formulas)', () => {
    for (const p of [1e-9, 0.01, 0.025, 0.3, 0.45, 0.7, 0.975, 0.999]) {
      // df = 1 (Cauchy): tan(pi (p - 1/2)) = -1 / tan(pi p) (this form keeps p = 1e-9's digits);
      // df = 2: (2p - 1) / sqrt(2p(1 - p))
      expectRelative(studentTQuantile(p, 1), -1 / Math.tan(Math.PI * p), 1e-12);
      expectRelative(studentTQuantile(p, 2), (2 * p - 1) / Math.sqrt(2 * p * (1 - p)), 1e-13);
      // df = 4: a = 4p(1 - p), q = cos(arccos(sqrt a) / 3) / sqrt a, t = sign(p - 1/2) 2 sqrt(q - 1)
      const a = 4 * p * (1 - p);
      const q = Math.cos(Math.acos(Math.sqrt(a)) / 3) / Math.sqrt(a);
      expectRelative(studentTQuantile(p, 4), Math.sign(p - 0.5) * 2 * Math.sqrt(q - 1), 1e-9);
    }
  });

  it('is the normal quantile at infinite df, and rejects df <= 0', () => {
    expect(studentTQuantile(0.975, Infinity)).toBe(normalQuantile(0.975));
    expect(studentTQuantile(0, 5)).toBe(-Infinity);
    expect(studentTQuantile(1, 5)).toBe(Infinity);
    expect(studentTQuantile(NaN, 5)).toBeNaN();
    expect(() => studentTQuantile(0.5, 0)).toThrow(/degrees of freedom must be positive, got 0/);
  });
});
