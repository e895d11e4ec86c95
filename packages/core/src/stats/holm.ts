// Holm's step-down correction for testing several hypotheses at once (Holm, "A simple sequentially
// rejective multiple test procedure", Scand. J. Statist. 6(2), 1979): used where a gate tests
// every class or every slice, so that one noisy class of twelve rows out of many does not fail a
// release by chance alone.

/**
 * Holm–Bonferroni adjusted p-values, in the input order: sorted ascending, the i-th smallest (from
 * 0) of m is multiplied by m - i, made non-decreasing by a running maximum, and capped at 1 — as
 * statsmodels' multipletests(method='holm') and R's p.adjust(method = 'holm'). Rejecting where the
 * adjusted p < a controls the family-wise error rate at a. NaN p-values (a test that could not be
 * run) stay NaN and do not count in m, as in R. Throws on a p-value outside [0, 1].
 */
export function holmAdjust(pValues: readonly number[]): number[] {
  const order: number[] = [];
  pValues.forEach((p, i) => {
    if (Number.isNaN(p)) return;
    if (!(p >= 0 && p <= 1)) throw new RangeError(`holmAdjust: p-values must be in [0, 1], got ${p} at ${i}`);
    order.push(i);
  });
  order.sort((a, b) => pValues[a] - pValues[b]);
  const adjusted = pValues.map(() => NaN);
  const m = order.length;
  let runningMax = 0;
  order.forEach((index, rank) => {
    runningMax = Math.max(runningMax, Math.min(1, (m - rank) * pValues[index]));
    adjusted[index] = runningMax;
  });
  return adjusted;
}
