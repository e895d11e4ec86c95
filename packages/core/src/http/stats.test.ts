import { describe, expect, it } from 'vitest';

import { percentile, summarizeLatencies } from './stats.js';

describe('percentile (numpy linear interpolation), by hand', () => {
  it('one value is every percentile', () => {
    expect(percentile([7], 50)).toBe(7);
    expect(percentile([7], 95)).toBe(7);
  });
  it('[10, 20, 30, 40]: p50 = 25, p95 = 38.5, p0 = 10, p100 = 40', () => {
    // rank h = (n-1) p / 100: p50 -> 1.5 -> 20 + 0.5 * 10 = 25; p95 -> 2.85 -> 30 + 0.85 * 10 = 38.5
    const x = [40, 10, 30, 20];
    expect(percentile(x, 50)).toBeCloseTo(25, 12);
    expect(percentile(x, 95)).toBeCloseTo(38.5, 12);
    expect(percentile(x, 0)).toBe(10);
    expect(percentile(x, 100)).toBe(40);
  });
  it('1..20: p95 = 19.05 (rank 18.05)', () => {
    const x = Array.from({ length: 20 }, (_, i) => i + 1);
    expect(percentile(x, 95)).toBeCloseTo(19.05, 12);
    expect(percentile(x, 50)).toBeCloseTo(10.5, 12);
  });
  it('does not reorder its input; summary has max and mean', () => {
    const x = [3, 1, 2];
    expect(summarizeLatencies(x)).toEqual({ count: 3, p50Ms: 2, p95Ms: 2.9, maxMs: 3, meanMs: 2 });
    expect(x).toEqual([3, 1, 2]);
    expect(summarizeLatencies([])).toBeUndefined();
  });
});
