/** log P[X <= k] for X ~ Binomial(n, 1/2): pmf(i) = pmf(i-1) * (n-i+1)/i, summed in log space. */
function logLowerTail(n: number, k: number): number {
  let logPmf = -n * Math.LN2;
  let logCdf = logPmf;
  for (let i = 1; i <= k; i++) {
    logPmf += Math.log((n - i + 1) / i);
    const hi = Math.max(logCdf, logPmf);
    logCdf = hi + Math.log(Math.exp(logCdf - hi) + Math.exp(logPmf - hi));
  }
  return logCdf;
}

/**
 * McNemar's exact test on paired outcomes: of the rows exactly one model gets right, are the
 * new model's wins (`newOnly`) and the baseline's (`baselineOnly`) a fair coin's split?
 * Two-sided p-value: min(1, 2 * P[X <= min(b, c)]) for X ~ Binomial(b + c, 1/2), as
 * scipy.stats.binomtest gives for p = 0.5. Reported; the gate uses the one-sided test below.
 */
export function mcnemarExact(newOnly: number, baselineOnly: number): number {
  const n = newOnly + baselineOnly;
  if (n === 0) return 1;
  const k = Math.min(newOnly, baselineOnly);
  if (2 * k === n) return 1;
  return Math.min(1, 2 * Math.exp(logLowerTail(n, k)));
}

/**
 * McNemar's exact test, one-sided: is the new model better? The probability of `newOnly` or more
 * wins among the `newOnly + baselineOnly` rows where the two disagree, if each were a fair coin:
 * P[X >= b] for X ~ Binomial(b + c, 1/2), as scipy.stats.binomtest(b, b + c, 0.5,
 * alternative='greater') gives. Small only when the new model wins the disagreements: a model
 * that is significantly worse gets a p near 1, never a pass.
 */
export function mcnemarExactNewBetter(newOnly: number, baselineOnly: number): number {
  const n = newOnly + baselineOnly;
  if (n === 0 || newOnly === 0) return 1;
  // by symmetry P[X >= b] = P[X <= n - b]: the shorter tail is summed, for precision and speed
  const k = n - newOnly;
  if (k <= n / 2) return Math.min(1, Math.exp(logLowerTail(n, k)));
  return Math.max(0, 1 - Math.exp(logLowerTail(n, newOnly - 1)));
}
