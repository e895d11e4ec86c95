/**
 * The p-th percentile (0-100) of `values` by linear interpolation between the closest ranks,
 * numpy's default (`numpy.percentile(values, p)`, method "linear"): with the values sorted,
 * rank h = (n - 1) * p / 100 and the result x[floor(h)] + (h - floor(h)) * (x[floor(h)+1] - x[floor(h)]).
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new Error('percentile of no values');
  if (!(p >= 0 && p <= 100)) throw new Error(`percentile ${p} outside 0-100`);
  const x = [...values].sort((a, b) => a - b);
  const h = ((x.length - 1) * p) / 100;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, x.length - 1);
  return x[lo] + (h - lo) * (x[hi] - x[lo]);
}

export interface LatencySummary {
  count: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  meanMs: number;
}

export function summarizeLatencies(ms: readonly number[]): LatencySummary | undefined {
  if (ms.length === 0) return undefined;
  return {
    count: ms.length,
    p50Ms: percentile(ms, 50),
    p95Ms: percentile(ms, 95),
    maxMs: Math.max(...ms),
    meanMs: ms.reduce((a, b) => a + b, 0) / ms.length,
  };
}
