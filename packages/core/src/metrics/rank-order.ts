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

/** One stable counting pass on the 16-bit digit of `keys` at `shift`, from `from` into `to`; false (nothing moved) when every key has the same digit. */
function radixPass(keys: Uint32Array, shift: number, n: number, from: Uint32Array, to: Uint32Array, counts: Uint32Array): boolean {
  counts.fill(0);
  for (let i = 0; i < n; i++) counts[(keys[from[i]] >>> shift) & 0xffff]++;
  if (counts[(keys[from[0]] >>> shift) & 0xffff] === n) return false;
  let sum = 0;
  for (let d = 0; d < 65536; d++) {
    const c = counts[d];
    counts[d] = sum;
    sum += c;
  }
  for (let i = 0; i < n; i++) {
    const r = from[i];
    to[counts[(keys[r] >>> shift) & 0xffff]++] = r;
  }
  return true;
}

/**
 * The row indices 0..n−1 in ascending order of their keys (writeSortKeys), ties in index order:
 * four stable 16-bit passes (low word, then high word), skipping a digit every key shares.
 * `order` and `scratch` hold at least n; the result is one of them (returned). O(n + 2^16) per pass.
 */
export function ascendingOrder(high: Uint32Array, low: Uint32Array, n: number, order: Uint32Array, scratch: Uint32Array): Uint32Array {
  for (let i = 0; i < n; i++) order[i] = i;
  if (n < 2) return order;
  const counts = new Uint32Array(65536);
  let from = order;
  let to = scratch;
  for (const [keys, shift] of [
    [low, 0],
    [low, 16],
    [high, 0],
    [high, 16],
  ] as const) {
    if (radixPass(keys, shift, n, from, to, counts)) [from, to] = [to, from];
  }
  return from;
}
