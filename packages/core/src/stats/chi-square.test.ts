import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { chiSquareSf, kolmogorovSf, upperIncompleteGamma } from './special.js';

/** scipy's values (packages/core/src/data/drift/fixtures/make_drift_fixtures.py). */
interface Fixture {
  gammaincc: { a: number; x: number; q: number }[];
  chi2: { x: number; dof: number; sf: number }[];
  kolmogorov: { z: number; sf: number }[];
}

const fixture = JSON.parse(readFileSync(new URL('../data/drift/fixtures/special.json', import.meta.url), 'utf8')) as Fixture;

/** Relative error, or absolute below 1e-300 (both sides underflow). */
function expectRelative(actual: number, expected: number, tolerance: number): void {
  if (expected < 1e-300) expect(actual).toBeLessThan(1e-290);
  else expect(Math.abs(actual - expected) / expected).toBeLessThanOrEqual(tolerance);
}

describe('upper incomplete gamma and chi-square against scipy', () => {
  it('Q(a, x) = scipy.special.gammaincc to 1e-12 relative (a up to 5e3; ~a·ε from the prefactor)', () => {
    for (const { a, x, q } of fixture.gammaincc) expectRelative(upperIncompleteGamma(a, x), q, a > 500 ? 1e-10 : 1e-12);
  });

  it('chiSquareSf = scipy.stats.chi2.sf, tails included', () => {
    for (const { x, dof, sf } of fixture.chi2) expectRelative(chiSquareSf(x, dof), sf, 1e-10);
  });

  it('edge cases: Q(a, 0) = 1, Q(1, x) = e^-x (hand), invalid arguments NaN', () => {
    expect(upperIncompleteGamma(3, 0)).toBe(1);
    expect(upperIncompleteGamma(1, 2)).toBeCloseTo(Math.exp(-2), 15);
    expect(upperIncompleteGamma(1, 50)).toBeCloseTo(Math.exp(-50), 30);
    expect(chiSquareSf(0, 4)).toBe(1);
    expect(upperIncompleteGamma(0, 1)).toBeNaN();
  });
});

describe('Kolmogorov survival function against scipy.special.kolmogorov', () => {
  it('matches to 1e-12 (absolute) on both series', () => {
    for (const { z, sf } of fixture.kolmogorov) expect(Math.abs(kolmogorovSf(z) - sf)).toBeLessThanOrEqual(1e-12);
    expect(kolmogorovSf(0)).toBe(1);
  });
});
