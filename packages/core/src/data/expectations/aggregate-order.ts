/**
 * Exact order statistics (the k-th smallest value) of a numeric column, over as many passes as it
 * takes, in memory that does not grow with rows.
 *
 * Pass 1 counts the values and keeps them while there are at most SMALL (then the answer is a sort
 * away and no other pass is needed). Past that, it feeds a t-digest with a random sample of the
 * values (about 1 in SAMPLE_GAP: the `tdigest` package costs ~230 ns a push, 2.3 s a column of 10M
 * rows; a sample of n/16 values still places a rank to a fraction of a percent, and the passes
 * below are exact whatever the digest says). For each group of wanted ranks, the digest gives a
 * value range [lo, hi] around them, with a generous margin.
 *
 * Pass 2 counts the values below lo and keeps those inside [lo, hi] (at most CAP of them). When the
 * wanted ranks fall inside and nothing was dropped, sorting the kept values gives them exactly.
 * Otherwise the range is widened to the whole column side that holds the ranks (when the digest
 * missed) or, when more than CAP values are inside, split into BUCKETS buckets by the order of the
 * doubles' bits, and the next pass narrows the range to the bucket(s) holding the ranks, with
 * their exact count. Each such pass divides the span of bit patterns (at most 2^64) by BUCKETS/2,
 * so at most 6 of them follow before the range holds no more than CAP values (kept next pass) or a
 * single value repeated (the answer itself): always terminating, always exact.
 */
import tdigest from 'tdigest';

const { TDigest } = tdigest;

/** Up to this many values, pass 1 keeps them all and sorts them. */
export const SMALL = 100_000;
/** At most this many values kept per rank group in a later pass (8 MB). */
export const CAP = 1_000_000;
const BUCKETS = 4096;
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

/** How a rank group's range is read in the next pass. */
type Mode = 'keep' | 'histogram';

/** Consecutive ranks wanted together (a quantile's two neighbours), and where they are known to be. */
interface Group {
  first: number;
  last: number;
  lo: number;
  hi: number;
  /** Values below lo (known in histogram mode; counted again in keep mode). */
  below: number;
  /** Values inside [lo, hi], when known (-1 after a digest guess). */
  inside: number;
  mode: Mode;
  /** The answer, sorted values of ranks first..last, once known. */
  values?: Float64Array;
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

function newGroup(first: number, last: number, lo: number, hi: number, below: number, inside: number): Group {
  return {
    first,
    last,
    lo,
    hi,
    below,
    inside,
    mode: inside < 0 || inside <= CAP ? 'keep' : 'histogram',
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
  private digest: InstanceType<typeof TDigest> | null = null;
  private untilSample = 1;
  private random = 0x9e3779b9;
  private groups: Group[] = [];

  /**
   * @param groupsFor the rank groups wanted once the count n is known: [first, last] 0-based
   *   ranks, first <= last < n (none when n is 0)
   */
  constructor(private readonly groupsFor: (n: number) => [number, number][]) {}

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
    if (at < SMALL) {
      const grown = new Float64Array(Math.min(SMALL, 2 * buffer.length));
      grown.set(buffer);
      grown[at] = x;
      return grown;
    }
    // too many to keep: from now on a digest of a sample, starting with a sample of these
    this.digest = new TDigest();
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
    else for (const g of this.groups) if (g.values === undefined) this.settle(g);
    return this.groups.some((g) => g.values === undefined);
  }

  private startGroups(): void {
    const n = this.count;
    const wanted = n === 0 ? [] : this.groupsFor(n);
    if (this.buffer !== null) {
      const sorted = this.buffer.subarray(0, n).sort();
      this.groups = wanted.map(([first, last]) => ({ ...newGroup(first, last, 0, 0, 0, 0), values: sorted.slice(first, last + 1) }));
      this.buffer = null;
      return;
    }
    const digest = this.digest!;
    digest.compress();
    const sampled = digest.toArray().reduce((s, c) => s + c.n, 0);
    // 5 standard deviations of a sample's rank error, plus the digest's own, in ranks
    const margin = Math.ceil(5 * n * Math.sqrt(0.25 / Math.max(sampled, 1)) + 0.002 * n + 100);
    const at = (rank: number): number => (rank <= 0 ? this.min : rank >= n - 1 ? this.max : digest.percentile(rank / n));
    this.groups = wanted.map(([first, last]) => newGroup(first, last, at(first - margin), at(last + margin), 0, -1));
    this.digest = null;
  }

  /** Pass 2 on: each group still open reads its range. */
  addLaterPass(xs: Float64Array, rows: number): void {
    for (const g of this.groups) {
      if (g.values !== undefined) continue;
      if (g.mode === 'keep') keepRange(g, xs, rows);
      else histogramRange(g, xs, rows);
    }
  }

  /** What a pass told of a group: its answer, or the range the next pass reads. */
  private settle(g: Group): void {
    if (g.mode === 'histogram') return this.narrow(g);
    const below = g.countBelow;
    const inside = g.countInside;
    if (g.first >= below && g.last < below + inside) {
      if (!g.overflow)
        g.values = g.kept
          .subarray(0, g.keptCount)
          .sort()
          .slice(g.first - below, g.last - below + 1);
      else if (g.minInside === g.maxInside) g.values = new Float64Array(g.last - g.first + 1).fill(g.minInside);
      else this.reset(g, g.lo, g.hi, below, inside);
      return;
    }
    // the guess missed (some) ranks: widen to the column's end on that side
    const lo = g.first < below ? this.min : g.lo;
    const newBelow = g.first < below ? 0 : below;
    const hi = g.last >= below + inside ? this.max : g.hi;
    const newInside = (hi === this.max ? this.count : below + inside) - newBelow;
    this.reset(g, lo, hi, newBelow, newInside);
  }

  private narrow(g: Group): void {
    let before = g.below;
    let lo = NaN;
    let hi = NaN;
    let newBelow = 0;
    let inside = 0;
    for (let b = 0; b < BUCKETS; b++) {
      const c = g.counts[b];
      if (c === 0) continue;
      if (Number.isNaN(lo) && g.first < before + c) {
        lo = g.bucketMin[b];
        newBelow = before;
      }
      if (!Number.isNaN(lo)) inside += c;
      if (g.last < before + c) {
        hi = g.bucketMax[b];
        break;
      }
      before += c;
    }
    if (lo === hi) g.values = new Float64Array(g.last - g.first + 1).fill(lo);
    else this.reset(g, lo, hi, newBelow, inside);
  }

  private reset(g: Group, lo: number, hi: number, below: number, inside: number): void {
    Object.assign(g, newGroup(g.first, g.last, lo, hi, below, inside));
    if (g.mode === 'keep') g.kept = new Float64Array(inside);
    else {
      g.counts = new Float64Array(BUCKETS);
      g.bucketMin = new Float64Array(BUCKETS).fill(Infinity);
      g.bucketMax = new Float64Array(BUCKETS).fill(-Infinity);
    }
  }

  /** The value of rank r (0-based), once no pass is wanted; NaN when there are no values. */
  at(r: number): number {
    for (const g of this.groups) if (g.values !== undefined && r >= g.first && r <= g.last) return g.values[r - g.first];
    return NaN;
  }
}

function keepRange(g: Group, xs: Float64Array, rows: number): void {
  const { lo, hi } = g;
  for (let i = 0; i < rows; i++) {
    const x = xs[i];
    if (x < lo) g.countBelow++;
    else if (x <= hi) {
      g.countInside++;
      if (x < g.minInside) g.minInside = x;
      if (x > g.maxInside) g.maxInside = x;
      if (g.keptCount < g.kept.length) g.kept[g.keptCount++] = x;
      else if (g.keptCount < CAP) {
        const grown = new Float64Array(Math.min(CAP, Math.max(1024, 2 * g.kept.length)));
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
