// The random numbers of the simulated data in `npm run bench:gate` (bench/gate-soundness.mjs).
//
// Deliberately NOT the core's SeededRandom: the data must not share a generator (or a bug) with the
// bootstraps under test. xoshiro128** 1.1 (Blackman & Vigna, "Scrambled linear pseudorandom number
// generators", ACM TOMS 2021; reference code https://prng.di.unimi.it/xoshiro128starstar.c),
// checked against that C code's output (checkReferenceVector below, run at every bench start). Its 128-bit state is
// filled by SplitMix32 (a Weyl sequence of step 0x9e3779b9 finalized by MurmurHash3's fmix32) from
// a key of three integers (master seed, point, gate), so every simulated gate has its own
// reproducible stream whatever the order or the thread it runs in.

const TWO_POW_26 = 67108864;
const TWO_POW_53 = 9007199254740992;

function fmix32(h) {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A 32-bit hash of three non-negative integers below 2^32: the SplitMix32 start of a stream. */
export function streamKey(seed, point, gate) {
  return fmix32(fmix32(fmix32(seed >>> 0) ^ (point >>> 0)) + Math.imul(gate >>> 0, 0x9e3779b9));
}

export class Xoshiro128 {
  /** The stream of (seed, point, gate); the same key, the same numbers. */
  constructor(seed, point = 0, gate = 0) {
    let weyl = streamKey(seed, point, gate);
    const s = new Uint32Array(4);
    for (let i = 0; i < 4; i++) {
      weyl = (weyl + 0x9e3779b9) >>> 0;
      s[i] = fmix32(weyl);
    }
    if ((s[0] | s[1] | s[2] | s[3]) === 0) s[0] = 1; // the one forbidden state
    this.s = s;
    this.spare = NaN;
  }

  /** Builds a generator from an explicit state (for the reference vector). */
  static fromState(s0, s1, s2, s3) {
    const g = new Xoshiro128(0);
    g.s.set([s0, s1, s2, s3]);
    return g;
  }

  /** The next 32 random bits, unsigned. */
  nextUint32() {
    const s = this.s;
    const x = Math.imul(s[1], 5);
    const result = Math.imul((x << 7) | (x >>> 25), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = (s[3] << 11) | (s[3] >>> 21);
    return result;
  }

  /** Uniform on [0, 1) with 53 random bits (27 + 26, as Java's and numpy's doubles). */
  uniform() {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * TWO_POW_26 + b) / TWO_POW_53;
  }

  /** Standard normal by Box-Muller; the second value of each pair is kept for the next call. */
  normal() {
    if (this.spare === this.spare) {
      const z = this.spare;
      this.spare = NaN;
      return z;
    }
    const radius = Math.sqrt(-2 * Math.log(1 - this.uniform())); // 1 - u in (0, 1]: log is finite
    const angle = 2 * Math.PI * this.uniform();
    this.spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  }
}

/**
 * The reference C code (compiled with gcc -O2) from the state {1, 2, 3, 4}: its first 8 outputs
 * and its 1,000,009th. Throws if this implementation differs.
 */
export function checkReferenceVector() {
  const g = Xoshiro128.fromState(1, 2, 3, 4);
  const first = Array.from({ length: 8 }, () => g.nextUint32());
  for (let i = 0; i < 1_000_000; i++) g.nextUint32();
  const expected = [11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849];
  if (first.join() !== expected.join() || g.nextUint32() !== 2238044802) {
    throw new Error(`xoshiro128** differs from the reference: ${first.join()}`);
  }
}

/**
 * Walker's alias table (Vose's construction, "A linear algorithm for generating random numbers with
 * a given distribution", IEEE TSE 1991) over `weights` (non-negative, any sum): `draw(rng)` returns
 * cell i with probability weights[i] / sum, in O(1) from one uniform.
 */
export class AliasTable {
  constructor(weights) {
    const k = weights.length;
    const total = weights.reduce((a, b) => a + b, 0);
    this.k = k;
    this.accept = new Float64Array(k);
    this.alias = new Int32Array(k);
    const scaled = Float64Array.from(weights, (w) => (w * k) / total);
    const small = [];
    const large = [];
    scaled.forEach((p, i) => (p < 1 ? small : large).push(i));
    while (small.length > 0 && large.length > 0) {
      const s = small.pop();
      const l = large.pop();
      this.accept[s] = scaled[s];
      this.alias[s] = l;
      scaled[l] = scaled[l] + scaled[s] - 1;
      (scaled[l] < 1 ? small : large).push(l);
    }
    for (const i of [...small, ...large]) {
      this.accept[i] = 1; // left over only through rounding: probability 1 within 1e-16
      this.alias[i] = i;
    }
  }

  draw(rng) {
    const x = rng.uniform() * this.k;
    const i = Math.floor(x);
    return x - i < this.accept[i] ? i : this.alias[i];
  }
}
