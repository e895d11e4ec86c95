import { describe, expect, it } from 'vitest';

import { normalQuantile } from '../stats/index.js';
import { standardErrorComparison } from './metric-comparison.js';

const s = { level: 0.95, confidence: 0.95, replicates: 0, seed: 0 };
const pair = { metric: 'log-loss', higherIsBetter: false, new: 0.5, baseline: 0.52 };
const how = { interval: 'normal' as const, test: 'z' as const };

describe('standardErrorComparison with a skewness correction (Edgeworth)', () => {
  it('shifts both ends by γ(2z² + 1)/(6√n)·se, keeping the width, and lowers the bound for a negative skew', () => {
    const plain = standardErrorComparison(pair, 0.01, s, how);
    const skewed = standardErrorComparison(pair, 0.01, s, { ...how, skew: { skewness: -1.5, rows: 400 } });
    const z = normalQuantile(0.975);
    // by hand: k = -1.5 / (6 * 20) = -0.0125; quantiles z - k(2z² + 1)
    const shift = 0.0125 * (2 * z * z + 1) * 0.01;
    expect(skewed.interval!.lower).toBeCloseTo(plain.interval!.lower - shift, 15);
    expect(skewed.interval!.upper).toBeCloseTo(plain.interval!.upper - shift, 15);
    const z95 = normalQuantile(0.95);
    expect(skewed.lowerBound!.value).toBeCloseTo(0.02 - (z95 + 0.0125 * (2 * z95 * z95 + 1)) * 0.01, 15);
    // the p-value of "new is better" rises: a negative skew makes large t more likely under no gain
    expect(skewed.pNewBetter!).toBeGreaterThan(plain.pNewBetter!);
  });
  it('refuses an interval when the skew is too large for the expansion (fails closed)', () => {
    const c = standardErrorComparison(pair, 0.01, s, { ...how, skew: { skewness: 40, rows: 100 } });
    expect(c.interval).toBeUndefined();
    expect(c.pNewBetter).toBeUndefined();
    expect(c.unavailable).toMatch(/too skewed \(skewness 40\) for a normal interval on 100 rows/);
  });
});
