import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { ksAsympPValue, ksExactPValue, ksPValue, ksStatisticSorted, kolmogorovSfN, smirnovSf } from './ks.js';

/** scipy 1.10's values (fixtures/make_drift_fixtures.py). */
const special = JSON.parse(readFileSync(new URL('./fixtures/special.json', import.meta.url), 'utf8')) as {
  kstwo: { n: number; x: number; sf: number }[];
  smirnov: { n: number; x: number; sf: number }[];
};
const ks = JSON.parse(readFileSync(new URL('./fixtures/ks.json', import.meta.url), 'utf8')) as {
  cases: { a: number[]; b: number[]; statistic: number; exact: number; asymp: number }[];
  large: { n: number; m: number; d: number; p: number }[];
};

const sorted = (v: number[]): Float64Array => Float64Array.from(v).sort();

/** |actual - expected| within `relative` of expected, or 1e-14 absolute for values near 0. */
function close(actual: number, expected: number, relative: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(Math.max(relative * expected, 1e-14));
}

describe('two-sample KS against scipy.stats.ks_2samp', () => {
  it('D over every value of both samples (ties included)', () => {
    for (const c of ks.cases) expect(ksStatisticSorted(sorted(c.a), sorted(c.b))).toBeCloseTo(c.statistic, 14);
  });

  it("method 'exact' p-values, equal and unequal sizes", () => {
    for (const c of ks.cases) close(ksExactPValue(c.a.length, c.b.length, c.statistic), c.exact, 1e-9);
  });

  it("method 'asymp' p-values: kstwo.sf(D, round(nm / (n + m)))", () => {
    for (const c of ks.cases) close(ksAsympPValue(c.a.length, c.b.length, c.statistic), c.asymp, 1e-9);
    for (const l of ks.large) close(ksAsympPValue(l.n, l.m, l.d), l.p, 1e-7);
  });

  it("'auto' is exact up to 10,000 values a side, asymp beyond", () => {
    expect(ksPValue(10_000, 10_000, 0.02).method).toBe('exact');
    expect(ksPValue(10_001, 50, 0.2).method).toBe('asymp');
    // en = 5000.5 rounds half to even (numpy), to 5000
    expect(ksAsympPValue(10_001, 10_001, 0.02)).toBe(kolmogorovSfN(5000, 0.02));
  });
});

describe('the one-sample Kolmogorov distribution behind asymp', () => {
  it('kolmogorovSfN = scipy.stats.kstwo.sf over every branch (Ruben-Gambino, Durbin, Pelz-Good, Smirnov)', () => {
    // above n = 10^6 scipy's smirnov is an asymptotic approximation (1e-6 apart from the exact sum)
    for (const { n, x, sf } of special.kstwo) close(kolmogorovSfN(n, x), sf, n > 1e6 ? 1e-4 : 1e-8);
  });

  it('smirnovSf = scipy.special.smirnov', () => {
    for (const { n, x, sf } of special.smirnov) close(smirnovSf(n, x), sf, 1e-10);
  });
});
