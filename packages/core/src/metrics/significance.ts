/**
 * McNemar's exact test on paired outcomes: of the rows exactly one model gets right, are the
 * new model's wins (`newOnly`) and the baseline's (`baselineOnly`) a fair coin's split?
 * Two-sided p-value: min(1, 2 * P[X <= min(b, c)]) for X ~ Binomial(b + c, 1/2), as
 * scipy.stats.binomtest gives for p = 0.5.
 */
export function mcnemarExact(newOnly: number, baselineOnly: number): number {
  const n = newOnly + baselineOnly;
  if (n === 0) return 1;
  const k = Math.min(newOnly, baselineOnly);
  if (2 * k === n) return 1;
  // log pmf(i) by the recurrence pmf(i) = pmf(i-1) * (n-i+1)/i, summed in log space
  let logPmf = -n * Math.LN2;
  let logCdf = logPmf;
  for (let i = 1; i <= k; i++) {
    logPmf += Math.log((n - i + 1) / i);
    const hi = Math.max(logCdf, logPmf);
    logCdf = hi + Math.log(Math.exp(logCdf - hi) + Math.exp(logPmf - hi));
  }
  return Math.min(1, 2 * Math.exp(logCdf));
}
