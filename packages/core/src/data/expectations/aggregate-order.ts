/**
 * Exact order statistics (the k-th smallest value) of a numeric column, over as many passes as it
 * takes, in memory that does not grow with rows.
 *
 * Pass 1 counts the values and keeps them while there are at most SMALL (then the answer is a sort
 * away and no other pass is needed). Past that, it feeds a t-digest with a random sample of the
 * values (about 1 in SAMPLE_GAP: the `tdigest` package costs ~230 ns a push, 2.3 s a column of 10M
 * rows; a sample of n/16 values still places a rank to a fraction of a percent, and the passes
 * below are exact whatever the digest says). For each wanted rank, the digest gives a value range
 * [lo, hi] around it, with a generous margin.
 *
 * Pass 2 counts the values below lo and keeps those inside [lo, hi] (at most CAP of them). When the
 * wanted ranks fall inside and nothing was dropped, sorting the kept values gives them exactly.
 * Otherwise the range is widened to the whole column side that holds the ranks (when the digest
 * missed) or, when more than CAP values are inside, split into BUCKETS buckets by the order of the
 * doubles' bits, and the next pass narrows the range to the bucket holding the rank, with its
 * exact count. Each such pass divides the span of bit patterns (at most 2^64) by ~BUCKETS, so at
 * most 4 of them follow before the range holds no more than CAP values (kept next pass) or a
 * single value repeated (the answer itself): always terminating, always exact.
 */
import { SeededTDigest } from '../seeded-tdigest.js';

/** Up to this many values, pass 1 keeps them all and sorts them. */
export const SMALL = 100_000;
/** At most this many values kept per wanted rank in a later pass (8 MB). */
export const CAP = 1_000_000;

/** The limits, smaller in tests to exercise every path on small columns. */
export interface OrderLimits {
  small: number;
  cap: number;
  /** Scales the digest range's margin (1; 0 in tests makes the range miss, to exercise the widening). */
  marginScale: number;
}
/** 16 bits of the 64 a pass: at most 4 bucket passes, so at most 7 passes in all (table-pass allows 8). */
const BUCKETS = 65_536;
/** Mean gap between values sampled into the digest. */
const SAMPLE_GAP = 16;

const scratch = new Float64Array(1);
const words = new Uint32Array(scratch.buffer);

/** The high word of x's bits, turned so that unsigned order is the order of the doubles. */
function orderedHigh(x: number): number {
  scratch[0] = x === 0 ? 0 : x;
  const h = words[1];
  return h >= 0x80000000 ? ~h >>> 0 : (h | 0x80000000) >>> 0;
}

function orderedLow(x: number): number {
  scratch[0] = x === 0 ? 0 : x;
  return words[1] >= 0x80000000 ? ~words[0] >>> 0 : words[0];
}

/** How a wanted rank's range is read in the next pass. */
type Mode = 'keep' | 'histogram';

/**
 * One wanted rank and where it is known to be. (Ranks are never grouped: two neighbours in one
 * range could sit in two buckets of tied values forever.)
 */
interface Group {
  rank: number;
  lo: number;
  hi: number;
  /** Values below lo (known in histogram mode; counted again in keep mode). */
  below: number;
  /** Values inside [lo, hi], when known (-1 after a digest guess). */
  inside: number;
  mode: Mode;
  /** The answer, once known. */
  value?: number;
  // what the current pass gathers
  countBelow: number;
  countInside: number;
  kept: Float64Array;
  keptCount: number;
  overflow: boolean;
  minInside: number;
  maxInside: number;
  counts: Float64Array;
  bucketMin: Float64Array;
  bucketMax: Float64Array;
}

function newGroup(rank: number, lo: number, hi: number, below: number, inside: number, cap: number): Group {
  return {
    rank,
    lo,
    hi,
    below,
    inside,
    mode: inside < 0 || inside <= cap ? 'keep' : 'histogram',
    countBelow: 0,
    countInside: 0,
    kept: new Float64Array(0),
    keptCount: 0,
    overflow: false,
    minInside: Infinity,
    maxInside: -Infinity,
    counts: new Float64Array(0),
    bucketMin: new Float64Array(0),
    bucketMax: new Float64Array(0),
  };
}

export class OrderStatistics {
  /** Non-missing values seen in pass 1. */
  count = 0;
  private min = Infinity;
  private max = -Infinity;
  private buffer: Float64Array | null = new Float64Array(1024);
  private digest: SeededTDigest | null = null;
  private untilSample = 1;
  private random = 0x9e3779b9;
  private groups: Group[] = [];
  private readonly limits: OrderLimits;

  /**
   * @param ranksFor the ranks wanted once the count n is known: 0-based, each < n (none for n = 0)
   */
  constructor(
    private readonly ranksFor: (n: number) => number[],
    limits: Partial<OrderLimits> = {},
  ) {
    this.limits = { small: SMALL, cap: CAP, marginScale: 1, ...limits };
  }

  /** Pass 1: count, min, max, and the values (few) or a digest of a sample (many). */
  addFirstPass(xs: Float64Array, rows: number): void {
    for (let i = 0; i < rows; i++) {
      const x = xs[i];
      if (x !== x) continue;
      this.count++;
      if (x < this.min) this.min = x;
      if (x > this.max) this.max = x;
      if (this.buffer !== null) this.buffer = this.bufferValue(this.buffer, x);
      else if (--this.untilSample === 0) this.sample(x);
    }
  }

  private bufferValue(buffer: Float64Array, x: number): Float64Array | null {
    const at = this.count - 1;
    if (at < buffer.length) {
      buffer[at] = x;
      return buffer;
    }
    if (at < this.limits.small) {
      const grown = new Float64Array(Math.min(this.limits.small, 2 * buffer.length));
      grown.set(buffer);
      grown[at] = x;
      return grown;
    }
    // too many to keep: from now on a digest of a sample, starting with a sample of these
    this.digest = new SeededTDigest();
    for (let i = 0; i < buffer.length; i++) if (--this.untilSample === 0) this.sample(buffer[i]);
    if (--this.untilSample === 0) this.sample(x);
    return null;
  }

  private sample(x: number): void {
    this.digest!.push(x);
    // xorshift32: the next gap, uniform on 1 .. 2 * SAMPLE_GAP - 1
    let r = this.random;
    r ^= r << 13;
    r ^= r >>> 17;
    r ^= r << 5;
    this.random = r >>> 0;
    this.untilSample = 1 + (this.random % (2 * SAMPLE_GAP - 1));
  }

  /** After pass `pass`: true when another pass is needed. */
  afterPass(pass: number): boolean {
    if (pass === 1) this.startGroups();
    else for (const g of this.groups) if (g.value === undefined) this.settle(g);
    return this.groups.some((g) => g.value === undefined);
  }

  /** The wanted ranks whose value is not known yet. */
  get openRanks(): number {
    return this.groups.filter((g) => g.value === undefined).length;
  }

  private startGroups(): void {
    const n = this.count;
    const wanted = [...new Set(n === 0 ? [] : this.ranksFor(n))];
    const cap = this.limits.cap;
    if (this.buffer !== null) {
      const sorted = this.buffer.subarray(0, n).sort();
      this.groups = wanted.map((rank) => ({ ...newGroup(rank, 0, 0, 0, 0, cap), value: sorted[rank] }));
      this.buffer = null;
      return;
    }
    const digest = this.digest!;
    digest.compress();
    const sampled = digest.toArray().reduce((s, c) => s + c.n, 0);
    // 5 standard deviations of a sample's rank error, plus the digest's own, in ranks
    const margin = Math.ceil(this.limits.marginScale * (5 * n * Math.sqrt(0.25 / Math.max(sampled, 1)) + 0.002 * n + 100));
    const at = (rank: number): number => (rank <= 0 ? this.min : rank >= n - 1 ? this.max : digest.percentile(rank / n));
    this.groups = wanted.map((rank) => newGroup(rank, at(rank - margin), at(rank + margin), 0, -1, cap));
    this.digest = null;
  }

  /** Pass 2 on: each rank still open reads its range. */
  addLaterPass(xs: Float64Array, rows: number): void {
    for (const g of this.groups) {
      if (g.value !== undefined) continue;
      if (g.mode === 'keep') keepRange(g, xs, rows, this.limits.cap);
      else histogramRange(g, xs, rows);
    }
  }

  /** What a pass told of a rank: its value, or the range the next pass reads. */
  private settle(g: Group): void {
    if (g.mode === 'histogram') return this.narrow(g);
    const below = g.countBelow;
    const inside = g.countInside;
    if (g.rank >= below && g.rank < below + inside) {
      if (!g.overflow) g.value = g.kept.subarray(0, g.keptCount).sort()[g.rank - below];
      else if (g.minInside === g.maxInside) g.value = g.minInside;
      else this.reset(g, g.lo, g.hi, below, inside);
      return;
    }
    // the digest's range missed the rank: widen it to the column's end on that side
    if (g.rank < below) this.reset(g, this.min, g.lo === this.min ? g.lo : nextDown(g.lo), 0, below);
    else this.reset(g, g.hi === this.max ? g.hi : nextUp(g.hi), this.max, below + inside, this.count - below - inside);
  }

  private narrow(g: Group): void {
    let before = g.below;
    for (let b = 0; b < BUCKETS; b++) {
      const c = g.counts[b];
      if (g.rank < before + c) {
        const [lo, hi] = [g.bucketMin[b], g.bucketMax[b]];
        if (lo === hi) g.value = lo;
        else this.reset(g, lo, hi, before, c);
        return;
      }
      before += c;
    }
    throw new Error(`order statistics: rank ${g.rank} not in its range`);
  }

  private reset(g: Group, lo: number, hi: number, below: number, inside: number): void {
    Object.assign(g, newGroup(g.rank, lo, hi, below, inside, this.limits.cap));
    if (g.mode === 'keep') g.kept = new Float64Array(inside);
    else {
      g.counts = new Float64Array(BUCKETS);
      g.bucketMin = new Float64Array(BUCKETS).fill(Infinity);
      g.bucketMax = new Float64Array(BUCKETS).fill(-Infinity);
    }
  }

  /** The value of rank r (0-based), once no pass is wanted; NaN when there are no values. */
  at(r: number): number {
    for (const g of this.groups) if (g.rank === r && g.value !== undefined) return g.value;
    return NaN;
  }
}

const bits = new Float64Array(1);
const bits64 = new BigInt64Array(bits.buffer);

/** The next double below x (x finite, not the smallest). */
function nextDown(x: number): number {
  if (x === 0) return -Number.MIN_VALUE;
  bits[0] = x;
  bits64[0] += x > 0 ? -1n : 1n;
  return bits[0];
}

/** The next double above x. */
function nextUp(x: number): number {
  return -nextDown(-x);
}

function keepRange(g: Group, xs: Float64Array, rows: number, cap: number): void {
  const { lo, hi } = g;
  for (let i = 0; i < rows; i++) {
    const x = xs[i];
    if (x < lo) g.countBelow++;
    else if (x <= hi) {
      g.countInside++;
      if (x < g.minInside) g.minInside = x;
      if (x > g.maxInside) g.maxInside = x;
      if (g.keptCount < g.kept.length) g.kept[g.keptCount++] = x;
      else if (g.keptCount < cap) {
        const grown = new Float64Array(Math.min(cap, Math.max(1024, 2 * g.kept.length)));
        grown.set(g.kept);
        g.kept = grown;
        g.kept[g.keptCount++] = x;
      } else g.overflow = true;
    }
  }
}

function histogramRange(g: Group, xs: Float64Array, rows: number): void {
  const { lo, hi, counts, bucketMin, bucketMax } = g;
  const loHigh = orderedHigh(lo);
  const loLow = orderedLow(lo);
  // the span of bit patterns, as a double: monotone in the pattern, exact below 2^53
  const span = (orderedHigh(hi) - loHigh) * 4294967296 + (orderedLow(hi) - loLow);
  const scale = BUCKETS / (span + 1);
  for (let i = 0; i < rows; i++) {
    const x = xs[i];
    if (!(x >= lo && x <= hi)) continue;
    const offset = (orderedHigh(x) - loHigh) * 4294967296 + (orderedLow(x) - loLow);
    const b = Math.min(BUCKETS - 1, Math.floor(offset * scale));
    counts[b]++;
    if (x < bucketMin[b]) bucketMin[b] = x;
    if (x > bucketMax[b]) bucketMax[b] = x;
  }
}
