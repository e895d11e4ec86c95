import { describe, expect, it } from 'vitest';

import { readJson } from '../../../../test/fixtures.js';
import { incompleteBeta, logBeta, logGamma } from './special.js';

/** value: scipy.special's; exact: mpmath's at 50 digits (scipy's betaln(5e4, 0.5) is off by 3.5e-11). */
interface Fixture {
  gammaln: { x: number; value: number; exact: number }[];
  betaln: { a: number; b: number; value: number; exact: number }[];
  betainc: { a: number; b: number; x: number; value: number; exact: number }[];
}

const fixture = readJson<Fixture>('stats', 'normal.json');

/** Absolute tolerance on a logarithm = relative tolerance on the function (a few ulps of its size). */
function expectLog(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-14 * Math.max(1, Math.abs(expected)));
}

describe('special functions against mpmath (test/fixtures/stats/make_normal.py)', () => {
  it('logGamma = log Γ', () => {
    for (const { x, exact } of fixture.gammaln) expectLog(logGamma(x), exact);
    expect(logGamma(1)).toBeCloseTo(0, 14);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 14);
  });

  it('logBeta = log B, without the cancellation of large arguments (5e6: still 1e-14 of the result)', () => {
    for (const { a, b, exact } of fixture.betaln) expectLog(logBeta(a, b), exact);
  });

  it('incompleteBeta = regularized incomplete beta to 1e-14 relative, a = 5e6 and x = 1 - 5e-7 included', () => {
    // the fixture's x are doubles whose 1 - x is exact (Sterbenz), as mpmath's reference assumes
    for (const { a, b, x, exact } of fixture.betainc) {
      expect(Math.abs(incompleteBeta(a, b, x, 1 - x) - exact)).toBeLessThanOrEqual(1e-14 * exact);
    }
    expect(incompleteBeta(2, 3, 0, 1)).toBe(0);
    expect(incompleteBeta(2, 3, 1, 0)).toBe(1);
  });
});
