// Sorting millions of scores by value, with their row indices, in O(n): an LSD radix sort on the
// scores' IEEE-754 bits. A comparator sort of indices (Array.prototype.sort with a closure) costs
// ~0.5 s per 2 million rows and the rank metrics sort 2·K columns.

/** Which 32-bit half of a float64 holds the sign and exponent on this machine (1 on little-endian). */
const HIGH_WORD = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1 ? 1 : 0;
const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);

/**
 * Sort keys of `n` doubles, values[offset + i·stride]: two unsigned 32-bit words per value
 * (`high`, `low`) that order like the doubles do (negative values have every bit flipped,
 * non-negative ones their sign bit set; −0 is read as +0 so that it ties with 0). Equal keys mean
 * equal scores, so the keys also find ties. NaN has no place in the order: the caller refuses it.
 */
export function writeSortKeys(
  values: ArrayLike<number>,
  offset: number,
  stride: number,
  n: number,
  high: Uint32Array,
  low: Uint32Array,
): void {
  for (let i = 0; i < n; i++) {
    const v = values[offset + i * stride];
    bits[0] = v === 0 ? 0 : v;
    const h = words[HIGH_WORD];
    const l = words[1 - HIGH_WORD];
    if (h >>> 31 === 1) {
      high[i] = ~h >>> 0;
      low[i] = ~l >>> 0;
    } else {
      high[i] = (h | 0x80000000) >>> 0;
      low[i] = l;
    }
  }
}

/** The digits, least significant first: [word (0 low, 1 high), shift, bits]. 11-bit digits: 2,048 buckets stay in cache. */
const DIGITS: readonly (readonly [0 | 1, number, number])[] = [
  [0, 0, 11],
  [0, 11, 11],
  [0, 22, 10],
  [1, 0, 11],
  [1, 11, 11],
  [1, 22, 10],
];
const BUCKETS = 2048;

/** The keys sorted with their row indices: sorted high / low words and the row of each. */
export interface SortedKeys {
  high: Uint32Array;
  low: Uint32Array;
  rows: Uint32Array;
}

/**
 * Buffers for sorting up to `capacity` keys: the keys and rows, and a second copy each pass
 * scatters into. Reused column after column (no allocation per sort).
 */
export class KeySorter {
  private readonly a: SortedKeys;
  private readonly b: SortedKeys;
  private readonly histograms = new Uint32Array(DIGITS.length * BUCKETS);

  constructor(capacity: number) {
    this.a = { high: new Uint32Array(capacity), low: new Uint32Array(capacity), rows: new Uint32Array(capacity) };
    this.b = { high: new Uint32Array(capacity), low: new Uint32Array(capacity), rows: new Uint32Array(capacity) };
  }

  /**
   * Sorts the `n` doubles values[offset + i·stride] ascending (writeSortKeys's order; ties keep
   * row order: the sort is stable). Six 11-bit counting passes, each skipped when every key has
   * the same digit; one sequential sweep counts all six histograms first. The result's arrays
   * are this sorter's buffers, valid until the next sort.
   */
  sort(values: ArrayLike<number>, offset: number, stride: number, n: number): SortedKeys {
    let from = this.a;
    let to = this.b;
    writeSortKeys(values, offset, stride, n, from.high, from.low);
    for (let i = 0; i < n; i++) from.rows[i] = i;
    const histograms = this.histograms;
    histograms.fill(0);
    for (let i = 0; i < n; i++) {
      const l = from.low[i];
      const h = from.high[i];
      histograms[l & 0x7ff]++;
      histograms[BUCKETS + ((l >>> 11) & 0x7ff)]++;
      histograms[2 * BUCKETS + (l >>> 22)]++;
      histograms[3 * BUCKETS + (h & 0x7ff)]++;
      histograms[4 * BUCKETS + ((h >>> 11) & 0x7ff)]++;
      histograms[5 * BUCKETS + (h >>> 22)]++;
    }
    for (let d = 0; d < DIGITS.length && n > 1; d++) {
      const [word, shift, width] = DIGITS[d];
      const counts = histograms.subarray(d * BUCKETS, (d + 1) * BUCKETS);
      const first = ((word === 0 ? from.low[0] : from.high[0]) >>> shift) & ((1 << width) - 1);
      if (counts[first] === n) continue;
      scatter(from, to, n, word, shift, (1 << width) - 1, counts);
      [from, to] = [to, from];
    }
    return { high: from.high.subarray(0, n), low: from.low.subarray(0, n), rows: from.rows.subarray(0, n) };
  }
}

/** One stable counting pass: moves keys and rows from `from` to `to` by the digit (word >>> shift) & mask. */
function scatter(from: SortedKeys, to: SortedKeys, n: number, word: 0 | 1, shift: number, mask: number, counts: Uint32Array): void {
  let sum = 0;
  for (let d = 0; d < counts.length; d++) {
    const c = counts[d];
    counts[d] = sum;
    sum += c;
  }
  const digits = word === 0 ? from.low : from.high;
  const { high, low, rows } = from;
  for (let i = 0; i < n; i++) {
    const at = counts[(digits[i] >>> shift) & mask]++;
    to.high[at] = high[i];
    to.low[at] = low[i];
    to.rows[at] = rows[i];
  }
}
