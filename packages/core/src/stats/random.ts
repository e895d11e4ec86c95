// Seeded random numbers for the bootstrap: PCG32 (O'Neill, "PCG: A Family of Simple Fast
// Space-Efficient Statistically Good Algorithms for Random Number Generation", 2014; the
// pcg32_random_r / pcg32_srandom_r of the reference pcg-c-basic), and exact binomial and
// multinomial variates on top of it.
//
// PCG32 is a 64-bit linear congruential generator with a permuted 32-bit output (XSH-RR). Its
// increment selects one of 2^63 streams: the same seed on different streams gives unrelated
// sequences — one stream per metric or per bootstrap keeps them independent and reproducible. The
// 64-bit state is kept as two 32-bit halves (no BigInt on the hot path).

import { stirlingRemainder } from './special.js';

/** The PCG 64-bit multiplier 6364136223846793005, as 32-bit halves, the low one as 16-bit halves. */
const MULTIPLIER_HIGH = 0x5851f42d;
const MULTIPLIER_LOW = 0x4c957f2d;
const MULTIPLIER_LOW_LOW = MULTIPLIER_LOW & 0xffff;
const MULTIPLIER_LOW_HIGH = MULTIPLIER_LOW >>> 16;
const TWO_32 = 2 ** 32;

/** A non-negative safe integer as its high and low 32-bit halves. */
function halves(value: number, name: string): [number, number] {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be an integer from 0 to 2^53 - 1, got ${value}`);
  }
  return [Math.floor(value / TWO_32), value % TWO_32];
}

/**
 * A seedable pseudo-random generator (PCG32) with independent streams: `new SeededRandom(seed,
 * stream)` reproduces pcg32_srandom_r(seed, stream) of the reference implementation, so its
 * sequence is the published one (seed 42, stream 54 starts 0xa15c02b7 0x7b47f409 ...). Seed and
 * stream are integers from 0 to 2^53 - 1.
 */
export class SeededRandom {
  private stateHigh = 0;
  private stateLow = 0;
  private readonly incrementHigh: number;
  private readonly incrementLow: number;

  constructor(seed: number, stream = 0) {
    const [seedHigh, seedLow] = halves(seed, 'seed');
    const [streamHigh, streamLow] = halves(stream, 'stream');
    // increment = (stream << 1) | 1, mod 2^64
    this.incrementHigh = ((streamHigh << 1) | (streamLow >>> 31)) >>> 0;
    this.incrementLow = ((streamLow << 1) | 1) >>> 0;
    this.nextUint32();
    const low = this.stateLow + seedLow;
    this.stateLow = low >>> 0;
    this.stateHigh = (this.stateHigh + seedHigh + (low >= TWO_32 ? 1 : 0)) >>> 0;
    this.nextUint32();
  }

  /** The next 32-bit output, an integer in [0, 2^32). */
  nextUint32(): number {
    const high = this.stateHigh;
    const low = this.stateLow;
    // output from the old state: xorshifted = ((state >> 18) ^ state) >> 27, rotated by state >> 59
    const xorHigh = high ^ (high >>> 18);
    const xorLow = low ^ ((low >>> 18) | (high << 14));
    const xorshifted = ((xorLow >>> 27) | (xorHigh << 5)) >>> 0;
    const rotation = high >>> 27;
    // state = state * MULTIPLIER + increment (mod 2^64); low * MULTIPLIER_LOW in full, by 16-bit halves
    const partLow = low * MULTIPLIER_LOW_LOW; // < 2^48, exact
    const partHigh = low * MULTIPLIER_LOW_HIGH; // < 2^47, exact
    const partHighTop = Math.floor(partHigh / 65536);
    const lowProduct = partLow + (partHigh - partHighTop * 65536) * 65536; // < 2^49, exact
    const carryIntoHigh = partHighTop + Math.floor(lowProduct / TWO_32);
    const newLow = (lowProduct % TWO_32) + this.incrementLow;
    this.stateLow = newLow >>> 0;
    this.stateHigh =
      (carryIntoHigh +
        Math.imul(high, MULTIPLIER_LOW) +
        Math.imul(low, MULTIPLIER_HIGH) +
        this.incrementHigh +
        (newLow >= TWO_32 ? 1 : 0)) >>>
      0;
    return ((xorshifted >>> rotation) | (xorshifted << (-rotation & 31))) >>> 0;
  }

  /** A uniform number in [0, 1) with 53 random bits (two outputs: 27 high bits and 26 low). */
  uniform(): number {
    const high = this.nextUint32() >>> 5;
    const low = this.nextUint32() >>> 6;
    return (high * 67108864 + low) / 9007199254740992;
  }

  /**
   * A Binomial(n, p) variate, exact in distribution, for integer n from 0 to 2^53 - 1 and p in
   * [0, 1]. As numpy's generator: by inversion when min(p, 1 - p) * n <= 30, else by BTPE
   * (Kachitvichyanukul & Schmeiser, "Binomial random variate generation", Comm. ACM 31(2):216-222,
   * 1988), on min(p, 1 - p) and reflected.
   */
  binomial(n: number, p: number): number {
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`binomial n must be an integer from 0 to 2^53 - 1, got ${n}`);
    if (!(p >= 0 && p <= 1)) throw new RangeError(`binomial p must be in [0, 1], got ${p}`);
    if (n === 0 || p === 0) return 0;
    if (p === 1) return n;
    const reflected = p > 0.5;
    const r = reflected ? 1 - p : p;
    const x = r * n <= 30 ? this.binomialInversion(n, r) : this.binomialBtpe(n, r);
    return reflected ? n - x : x;
  }

  /**
   * Draws n items into cells with probabilities proportional to `weights` (non-negative, finite,
   * not all zero unless n is 0; counts need not sum to 1): out[i] = the items in cell i, summing to
   * n. By conditional binomials: cell i takes Binomial(items left, w_i / weight left).
   */
  multinomial(n: number, weights: ArrayLike<number>, out: Float64Array): void {
    const cells = weights.length;
    if (out.length < cells) throw new RangeError(`multinomial: out has ${out.length} cells, weights ${cells}`);
    let weightLeft = 0;
    let lastWithWeight = -1;
    for (let i = 0; i < cells; i++) {
      const w = weights[i];
      if (!(w >= 0 && w < Infinity)) throw new RangeError(`multinomial weights must be finite and non-negative, got ${w} at ${i}`);
      weightLeft += w;
      if (w > 0) lastWithWeight = i;
    }
    if (n > 0 && lastWithWeight < 0) throw new RangeError('multinomial weights are all zero');
    let left = n;
    for (let i = 0; i < cells; i++) {
      const w = weights[i];
      if (left === 0 || w === 0) {
        out[i] = 0;
        continue;
      }
      // the last cell with weight takes the rest (so the draws sum to n even where rounding has
      // left weightLeft a little off the sum of the weights still to come)
      const drawn = i === lastWithWeight ? left : this.binomial(left, Math.min(1, w / weightLeft));
      out[i] = drawn;
      left -= drawn;
      weightLeft -= w;
    }
  }

  /**
   * Inversion (sequential search from 0) for r * n <= 30, r <= 1/2: numpy's algorithm, with
   * (1 - r)^n as exp(n * log1p(-r)), which keeps its precision for tiny r and huge n.
   */
  private binomialInversion(n: number, r: number): number {
    const q = 1 - r;
    const qToTheN = Math.exp(n * Math.log1p(-r));
    const bound = Math.min(n, r * n + 10 * Math.sqrt(r * n * q + 1));
    let x = 0;
    let probability = qToTheN;
    let u = this.uniform();
    while (u > probability) {
      x++;
      if (x > bound) {
        // past 10 standard deviations: rounding has eaten u; start over (as numpy does)
        x = 0;
        probability = qToTheN;
        u = this.uniform();
      } else {
        u -= probability;
        probability = ((n - x + 1) * r * probability) / (x * q);
      }
    }
    return x;
  }

  /** BTPE for r * n > 30, r <= 1/2 (steps numbered as in the paper and in numpy's port). */
  private binomialBtpe(n: number, r: number): number {
    const setup = btpeSetup(n, r);
    for (;;) {
      // Step 1: the triangular centre, accepted at once
      const u = this.uniform() * setup.p4;
      let v = this.uniform();
      if (u <= setup.p1) return Math.floor(setup.xm - setup.p1 * v + u);
      let y: number;
      if (u <= setup.p2) {
        // Step 2: the parallelograms
        const x = setup.xl + (u - setup.p1) / setup.c;
        v = v * setup.c + 1 - Math.abs(setup.m - x + 0.5) / setup.p1;
        if (v > 1) continue;
        y = Math.floor(x);
      } else if (u <= setup.p3) {
        // Step 3: the left exponential tail
        y = Math.floor(setup.xl + Math.log(v) / setup.laml);
        if (y < 0 || v === 0) continue;
        v = v * (u - setup.p2) * setup.laml;
      } else {
        // Step 4: the right exponential tail
        y = Math.floor(setup.xr - Math.log(v) / setup.lamr);
        if (y > n || v === 0) continue;
        v = v * (u - setup.p3) * setup.lamr;
      }
      if (btpeAccepts(setup, n, r, y, v)) return y;
    }
  }
}

/** BTPE's constants for one (n, r): the hat's regions and their areas (Step 0 of the paper). */
interface BtpeSetup {
  m: number;
  p1: number;
  xm: number;
  xl: number;
  xr: number;
  c: number;
  laml: number;
  lamr: number;
  p2: number;
  p3: number;
  p4: number;
  nrq: number;
}

function btpeSetup(n: number, r: number): BtpeSetup {
  const q = 1 - r;
  const fm = n * r + r;
  const m = Math.floor(fm);
  const nrq = n * r * q;
  const p1 = Math.floor(2.195 * Math.sqrt(nrq) - 4.6 * q) + 0.5;
  const xm = m + 0.5;
  const xl = xm - p1;
  const xr = xm + p1;
  const c = 0.134 + 20.5 / (15.3 + m);
  let a = (fm - xl) / (fm - xl * r);
  const laml = a * (1 + a / 2);
  a = (xr - fm) / (xr * q);
  const lamr = a * (1 + a / 2);
  const p2 = p1 * (1 + 2 * c);
  const p3 = p2 + c / laml;
  const p4 = p3 + c / lamr;
  return { m, p1, xm, xl, xr, c, laml, lamr, p2, p3, p4, nrq };
}

/**
 * Step 5 of BTPE: is (y, v) under the binomial's probability f(y) / f(m)? Explicitly by the
 * recurrence of f when y is near m (5.1), else by the squeeze on log f (5.2) and, between the
 * bounds, Stirling's approximation of the factorials (5.3). In 5.3, log f(y)/f(m) takes the
 * corrections of m! and (n-m)! with a plus sign and those of y! and (n-y)! with a minus sign (the
 * paper adds all four, an error numpy and others inherited; its effect is far below what a test
 * can see, but this is the correct bound).
 */
function btpeAccepts(setup: BtpeSetup, n: number, r: number, y: number, v: number): boolean {
  const { m, nrq, xm } = setup;
  const q = 1 - r;
  const k = Math.abs(y - m);
  if (k <= 20 || k >= nrq / 2 - 1) {
    const s = r / q;
    const a = s * (n + 1);
    let f = 1;
    if (m < y) for (let i = m + 1; i <= y; i++) f *= a / i - s;
    else if (m > y) for (let i = y + 1; i <= m; i++) f /= a / i - s;
    return v <= f;
  }
  const rho = (k / nrq) * ((k * (k / 3 + 0.625) + 0.16666666666666666) / nrq + 0.5);
  const t = (-k * k) / (2 * nrq);
  const logV = Math.log(v);
  if (logV < t - rho) return true;
  if (logV > t + rho) return false;
  const x1 = y + 1;
  const f1 = m + 1;
  const z = n + 1 - m; // z - w = y - m
  const w = n - y + 1;
  // Stirling's remainders (all arguments are > 20 here) to 8 terms, where the paper has 5 (and
  // numpy's port has 13680 for 166320 / 12 = 13860 until 2026); log(f1 / x1) and log(z / w) as log1p of their exact integer differences: the ratios are within
  // k / n of 1, and rounding them first would cost n * 1e-16 in the bound (0.9 at n = 2^53)
  const bound =
    xm * Math.log1p((m - y) / x1) +
    (n - m + 0.5) * Math.log1p((y - m) / w) +
    (y - m) * Math.log((w * r) / (x1 * q)) +
    stirlingRemainder(f1) +
    stirlingRemainder(z) -
    stirlingRemainder(x1) -
    stirlingRemainder(w);
  return logV <= bound;
}
