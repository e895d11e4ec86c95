/**
 * The two-sample Kolmogorov-Smirnov test as scipy.stats.ks_2samp (scipy 1.10, two-sided): the
 * statistic D = sup |F1 - F2| of the empirical CDFs, and its p-value by scipy's method 'auto' —
 * 'exact' when both samples have at most 10,000 values, else 'asymp', which in scipy >= 1.5 is
 * the one-sample Kolmogorov distribution kstwo.sf(D, round(n m / (n + m))), computed here with the
 * algorithms of scipy's _ksstats.py (Simard & L'Ecuyer's selection): Ruben-Gambino at the ends,
 * 2 × Smirnov's one-sided exact formula in the upper tail, the Durbin matrix (Marsaglia, Tsang and
 * Wang 2003) for small n·d^1.5 and Pelz-Good's expansion otherwise. scipy takes Pomeranz's
 * recursion where we take the Durbin matrix for n <= 140; both are exact. Above n = 10^6 scipy's
 * smirnov switches to an asymptotic approximation while we keep summing the exact formula: the
 * two differ there by ~1e-6 relative (the sum's own rounding is ~1e-8 relative at n = 10^6).
 */
import { logGamma } from '../../stats/special.js';

/** scipy's MAX_AUTO_N: 'auto' is 'exact' while both samples have at most this many values. */
export const KS_EXACT_MAX_N = 10_000;

export type KsMethod = 'exact' | 'asymp';

/** D of two sorted samples (no NaN), as ks_2samp: the CDFs compared at every value of both. */
export function ksStatisticSorted(a: Float64Array, b: Float64Array): number {
  const n = a.length;
  const m = b.length;
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < n && j < m) {
    const x = Math.min(a[i], b[j]);
    while (i < n && a[i] <= x) i++;
    while (j < m && b[j] <= x) j++;
    const diff = Math.abs(i / n - j / m);
    if (diff > d) d = diff;
  }
  return d;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** P(D >= h/n) for two samples of n each (scipy's _compute_prob_outside_square). */
function probOutsideSquare(n: number, h: number): number {
  let p = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let p1 = 1;
    for (let j = 0; j < h; j++) p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1);
    p = p1 * (1 - p);
  }
  return 2 * p;
}

/**
 * The share of lattice paths from (0, 0) to (m, n) that leave the band |ng·i - mg·j| < h
 * (scipy's _compute_outer_prob_inside_method): q(i, j) = 1 outside the band, else
 * q(i, j) = (i q(i-1, j) + j q(i, j-1)) / (i + j) — the chance a random path to (i, j) has left,
 * weighted by where it came from — a column at a time: O(m n) time, O(n) memory. Computed as the
 * share that LEAVES (Viehmann 2021, as scipy), not 1 - the share that stays: a p-value of 1e-26
 * keeps its digits instead of rounding to 1e-14.
 */
function probOutsideLattice(m: number, n: number, g: number, h: number): number {
  const mg = m / g;
  const ng = n / g;
  const q = new Float64Array(n + 1);
  for (let j = 1; j <= n; j++) q[j] = mg * j >= h ? 1 : q[j - 1];
  for (let i = 1; i <= m; i++) {
    if (ng * i >= h) q[0] = 1;
    for (let j = 1; j <= n; j++) {
      q[j] = Math.abs(ng * i - mg * j) >= h ? 1 : (i * q[j] + j * q[j - 1]) / (i + j);
    }
  }
  return Math.min(1, Math.max(0, q[n]));
}

/** ks_2samp's method 'exact', two-sided: D rounded to the lattice of 1 / lcm(n, m) first, as scipy. */
export function ksExactPValue(n: number, m: number, d: number): number {
  const g = gcd(n, m);
  const lcm = (n / g) * m;
  const h = Math.round(d * lcm);
  if (h === 0) return 1;
  if (n === m) return Math.min(1, Math.max(0, probOutsideSquare(n, h)));
  return probOutsideLattice(Math.max(n, m), Math.min(n, m), g, h);
}

/** log(n! / n^n) by Stirling's series (scipy's _log_nfactorial_div_n_pow_n). */
function logFactorialOverPower(n: number): number {
  return logGamma(n + 1) - n * Math.log(n);
}

/**
 * scipy.special.smirnov(n, x): P(D+_n >= x), the one-sided statistic, by the Birnbaum-Tingey sum
 * x Σ_{j <= n(1-x)} C(n, j) (1 - x - j/n)^(n-j) (x + j/n)^(j-1), in logarithms (all terms positive).
 */
export function smirnovSf(n: number, x: number): number {
  if (x <= 0) return 1;
  if (x >= 1) return 0;
  const last = Math.floor(n * (1 - x) + 1e-12);
  const logs = new Float64Array(last + 1);
  let logBinom = 0;
  let max = -Infinity;
  for (let j = 0; j <= last; j++) {
    if (j > 0) logBinom += Math.log((n - j + 1) / j);
    const base = 1 - x - j / n;
    const l = base <= 0 ? (n - j === 0 ? 0 : -Infinity) : (n - j) * Math.log(base);
    logs[j] = logBinom + l + (j - 1) * Math.log(x + j / n);
    if (logs[j] > max) max = logs[j];
  }
  let sum = 0;
  for (let j = 0; j <= last; j++) sum += Math.exp(logs[j] - max);
  return Math.min(1, Math.max(0, x * sum * Math.exp(max)));
}

/** A square matrix with a binary exponent kept apart (values would under/overflow for large n). */
interface ScaledMatrix {
  v: Float64Array;
  exp2: number;
}

function matMul(a: ScaledMatrix, b: ScaledMatrix, m: number): ScaledMatrix {
  const v = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let k = 0; k < m; k++) {
      const aik = a.v[i * m + k];
      if (aik === 0) continue;
      for (let j = 0; j < m; j++) v[i * m + j] += aik * b.v[k * m + j];
    }
  }
  const result = { v, exp2: a.exp2 + b.exp2 };
  const center = v[Math.floor(m / 2) * m + Math.floor(m / 2)];
  if (center > 2 ** 200 || (center > 0 && center < 2 ** -200)) {
    const shift = Math.round(Math.log2(center));
    for (let i = 0; i < v.length; i++) v[i] = v[i] * 2 ** -shift;
    result.exp2 += shift;
  }
  return result;
}

function matPow(h: ScaledMatrix, n: number, m: number): ScaledMatrix {
  if (n === 1) return h;
  const half = matPow(h, Math.floor(n / 2), m);
  const square = matMul(half, half, m);
  return n % 2 === 0 ? square : matMul(square, h, m);
}

/** P(D_n <= d) by the Durbin matrix as Marsaglia, Tsang and Wang (2003) compute it: exact. */
export function kolmogorovCdfDurbin(n: number, d: number): number {
  const k = Math.floor(n * d) + 1;
  const m = 2 * k - 1;
  const h = k - n * d;
  const v = new Float64Array(m * m);
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) v[i * m + j] = i - j + 1 < 0 ? 0 : 1;
  for (let i = 0; i < m; i++) {
    v[i * m] -= h ** (i + 1);
    v[(m - 1) * m + i] -= h ** (m - i);
  }
  v[(m - 1) * m] += 2 * h - 1 > 0 ? (2 * h - 1) ** m : 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      for (let g = 1; g <= i - j + 1; g++) v[i * m + j] /= g;
    }
  }
  const q = matPow({ v, exp2: 0 }, n, m);
  const s = q.v[(k - 1) * m + k - 1];
  if (s <= 0) return 0;
  return Math.min(1, Math.max(0, Math.exp(Math.log(s) + q.exp2 * Math.LN2 + logFactorialOverPower(n))));
}

/** P(D_n <= x) by Pelz and Good's expansion in 1/√n (scipy's _kolmogn_PelzGood). */
export function kolmogorovCdfPelzGood(n: number, x: number): number {
  const z = Math.sqrt(n) * x;
  const z2 = z * z;
  const z4 = z2 * z2;
  const z6 = z4 * z2;
  const qlog = -(Math.PI * Math.PI) / 8 / z2;
  if (qlog < -708) return 0;
  const q = Math.exp(qlog);
  const pi2 = Math.PI ** 2;
  const pi4 = pi2 * pi2;
  const pi6 = pi4 * pi2;
  const k1a = -z2;
  const k1b = pi2 / 4;
  const k2a = 6 * z6 + 2 * z4;
  const k2b = ((2 * z4 - 5 * z2) * pi2) / 4;
  const k2c = (pi4 * (1 - 2 * z2)) / 16;
  const k3d = (pi6 * (5 - 30 * z2)) / 64;
  const k3c = (pi4 * (-60 * z2 + 212 * z4)) / 16;
  const k3b = (pi2 * (135 * z4 - 96 * z6)) / 4;
  const k3a = -30 * z6 - 90 * z ** 8;
  const terms = [0, 0, 0, 0];
  const maxk = Math.ceil((16 * z) / Math.PI);
  for (let k = maxk; k > 0; k--) {
    const m = 2 * k - 1;
    const m2 = m * m;
    const qpower = q ** (8 * k);
    const coeffs = [1, k1a + k1b * m2, k2a + k2b * m2 + k2c * m2 * m2, k3a + k3b * m2 + k3c * m2 * m2 + k3d * m2 * m2 * m2];
    for (let t = 0; t < 4; t++) terms[t] = terms[t] * qpower + coeffs[t];
  }
  const scale = [z, 6 * z4, 72 * z ** 7, 6480 * z ** 10];
  for (let t = 0; t < 4; t++) terms[t] = (terms[t] * q * Math.sqrt(2 * Math.PI)) / scale[t];
  const q2 = Math.exp(-pi2 / 2 / z2);
  let k2extra = 0;
  let k3extra = 0;
  const sqrt3z = Math.sqrt(3) * z;
  for (let k = maxk; k > 0; k--) {
    const qk = q2 ** (k * k);
    k2extra += k * k * qk;
    k3extra += (sqrt3z + Math.PI * k) * (sqrt3z - Math.PI * k) * k * k * qk;
  }
  terms[2] += (k2extra * pi2 * Math.sqrt(2 * Math.PI)) / (-36 * z ** 3);
  terms[3] += (k3extra * pi2 * Math.sqrt(2 * Math.PI)) / (216 * z6);
  let sum = 0;
  for (let t = 0; t < 4; t++) sum += terms[t] / n ** (t / 2);
  return sum;
}

const clip = (p: number): number => Math.min(1, Math.max(0, p));

/** The lower end: Ruben-Gambino's exact formula for x <= 1/n, survival function. */
function rubenGambinoSf(n: number, t: number): number {
  if (t <= 0.5) return 1;
  return clip(1 - Math.exp(logFactorialOverPower(n) + n * Math.log(2 * t - 1)));
}

/** scipy.stats.kstwo.sf(x, n): P(D_n > x) of the one-sample two-sided statistic (scipy's _kolmogn, cdf=False). */
export function kolmogorovSfN(n: number, x: number): number {
  if (x >= 1) return 0;
  if (x <= 0) return 1;
  const t = n * x;
  if (t <= 1) return rubenGambinoSf(n, t);
  if (t >= n - 1) return clip(2 * (1 - x) ** n);
  if (x >= 0.5) return clip(2 * smirnovSf(n, x));
  const nx2 = t * x;
  if (n <= 140) return clip(nx2 <= 4 ? 1 - kolmogorovCdfDurbin(n, x) : 2 * smirnovSf(n, x));
  if (nx2 >= 370) return 0;
  if (nx2 >= 2.2) return clip(2 * smirnovSf(n, x));
  if (nx2 >= 18) return 0;
  const cdf = n <= 100_000 && n * x ** 1.5 <= 1.4 ? kolmogorovCdfDurbin(n, x) : kolmogorovCdfPelzGood(n, x);
  return clip(1 - cdf);
}

/** numpy's round: half to even (np.round(5000.5) = 5000). */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** ks_2samp's method 'asymp', two-sided: kstwo.sf(d, np.round(n m / (n + m))). */
export function ksAsympPValue(n: number, m: number, d: number): number {
  const en = (Math.max(n, m) * Math.min(n, m)) / (n + m);
  return kolmogorovSfN(roundHalfEven(en), d);
}

/** The p-value as ks_2samp's method 'auto' (exact up to 10,000 values a side), with the method used. */
export function ksPValue(n: number, m: number, d: number): { pValue: number; method: KsMethod } {
  if (Math.max(n, m) <= KS_EXACT_MAX_N) return { pValue: ksExactPValue(n, m, d), method: 'exact' };
  return { pValue: ksAsympPValue(n, m, d), method: 'asymp' };
}
