// An exact floating-point sum whose value depends only on the multiset of numbers added: not on
// their order, nor on how they were split into shards and merged. value() is the exact sum
// rounded once, correctly (round half to even): math.fsum's result.
//
// Why not Shewchuk's partials (math.fsum's own algorithm)? Its cost per add grows with the number
// of partials: ~19 ns per add on per-row log-losses (7 partials), against a budget of a few ns
// (tens of millions of adds per evaluation). This is a fixed-point "small superaccumulator"
// (Neal, "Fast exact summation using small and large superaccumulators", arXiv:1505.05571, 2015;
// Kulisch's long accumulator): every double is an integer multiple of 2^-1075; its at most 53
// significant bits are cut at fixed 32-bit boundaries of that scale into three pieces, each added
// to the chunk of its boundary. A chunk is a double holding an integer below 2^53, so the adds are
// exact; carries are propagated every 2^20 adds. Constant time per add, no allocation, no loop.

/** Bits per chunk: a double is cut into pieces of at most 32 bits (in its chunk's unit). */
const CHUNK_BITS = 32;
const CHUNK = 2 ** CHUNK_BITS;
/**
 * Chunks cover 2^-1075 .. 2^1077 * 2^53 (a sum of 2^53 maximal doubles): 68 * 32 = 2176 bits. A double
 * of biased exponent e lands in chunks e>>5 .. (e>>5) + 2 <= 65; chunks 66, 67 take the carries.
 */
const CHUNKS = 68;
/**
 * Adds between carries: pieces are below 2^32 in magnitude and carried chunks below 2^32, so a
 * chunk stays below 2^32 * (2^20 + 1) < 2^53 and every add to it is exact.
 */
const ADDS_PER_CARRY = 2 ** 20;

/**
 * 2^(1075 - 32k) for each chunk k — the factor that turns a double of chunk k into an integer
 * below 2^84 — as two factors, each a double (2^1075 itself is not): x * FIRST[k] * SECOND[k]
 * is exact (both products are powers of two times x and stay normal).
 */
const SCALE_FIRST = new Float64Array(64);
const SCALE_SECOND = new Float64Array(64);
for (let k = 0; k < 64; k++) {
  const exponent = 1075 - CHUNK_BITS * k;
  SCALE_FIRST[k] = 2 ** Math.ceil(exponent / 2);
  SCALE_SECOND[k] = 2 ** (exponent - Math.ceil(exponent / 2));
}

const scratch = new Float64Array(1);
/** The high 32 bits of scratch[0] (little-endian, as on every platform Node runs on). */
const scratchHigh = new Uint32Array(scratch.buffer, 4, 1);
const scratchBits = new BigUint64Array(scratch.buffer);
const MANTISSA_MASK = (1n << 52n) - 1n;
const IMPLICIT_BIT = 1n << 52n;

/** The finite double x as an exact integer count of 2^-1075 (half the smallest subnormal). */
function toUnits(x: number): bigint {
  scratch[0] = x;
  const bits = scratchBits[0];
  const exponent = Number((bits >> 52n) & 0x7ffn);
  const mantissa = bits & MANTISSA_MASK;
  const units = exponent === 0 ? mantissa << 1n : (mantissa | IMPLICIT_BIT) << BigInt(exponent);
  return bits >> 63n === 1n ? -units : units;
}

/** 2^k for an integer k >= -1074, exactly (from its bits); Infinity above 2^1023. */
function powerOfTwo(k: number): number {
  if (k > 1023) return Infinity;
  scratchBits[0] = k >= -1022 ? BigInt(k + 1023) << 52n : 1n << BigInt(k + 1074);
  return scratch[0];
}

/** units * 2^-1075 correctly rounded to a double (ties to even); ±Infinity past the largest double. */
function fromUnits(units: bigint): number {
  const negative = units < 0n;
  const magnitude = negative ? -units : units;
  if (magnitude === 0n) return 0;
  // keep 53 bits, and never a bit below 2^-1074 (units of 2): subnormal results round there
  const shift = Math.max(magnitude.toString(2).length - 53, 1);
  const bigShift = BigInt(shift);
  let kept = magnitude >> bigShift;
  const dropped = magnitude - (kept << bigShift);
  const half = 1n << (bigShift - 1n);
  if (dropped > half || (dropped === half && (kept & 1n) === 1n)) kept += 1n;
  // kept <= 2^53 and shift - 1075 >= -1074: exact unless the result overflows
  const result = Number(kept) * powerOfTwo(shift - 1075);
  return negative ? -result : result;
}

/**
 * The exact sum of a stream of doubles, correctly rounded on demand. Merging two sums adds them
 * exactly, so shards summed separately and merged give the digits of one pass in any order — what
 * the evaluation's mergeable statistics rely on.
 *
 * Non-finite addends: a NaN makes value() NaN; +Infinity and -Infinity make it ±Infinity, and NaN
 * when both were added (where math.fsum raises). Finite addends never overflow an intermediate
 * (math.fsum raises when a partial sum passes the largest double); only a correctly rounded total
 * past it is ±Infinity. Exact for fewer than 2^53 addends.
 *
 * add() is the hot path (several per row): constant time, no allocation.
 */
export class ExactSum {
  /** chunks[k] * 2^(32k - 1075), summed over k, is the exact sum; each an integer below 2^53. */
  private readonly chunks = new Float64Array(CHUNKS);
  private addsUntilCarry = ADDS_PER_CARRY;
  /** Sum of the non-finite addends: 0 when there were none, else NaN or ±Infinity. */
  private special = 0;

  /** Adds x exactly. */
  add(x: number): void {
    scratch[0] = x;
    const exponent = (scratchHigh[0] >>> 20) & 0x7ff;
    if (exponent === 0x7ff) {
      this.special += x;
      return;
    }
    const k = exponent >>> 5;
    // a normal x is m * 2^(e - 1075) with m < 2^53, a subnormal or zero (e = 0) m * 2^(1 - 1075):
    // either way y = x * 2^(1075 - 32k) is an integer below 2^53 * 2^31 = 2^84
    const y = x * SCALE_FIRST[k] * SCALE_SECOND[k];
    const high = Math.trunc(y * 2 ** -64);
    const rest = y - high * 2 ** 64;
    const middle = Math.trunc(rest * 2 ** -32);
    const chunks = this.chunks;
    chunks[k] += rest - middle * CHUNK;
    chunks[k + 1] += middle;
    chunks[k + 2] += high;
    if (--this.addsUntilCarry === 0) this.carry();
  }

  /** Adds everything `other` holds, exactly (as if its addends had been added here). */
  merge(other: ExactSum): void {
    other.carry();
    this.carry();
    for (let k = 0; k < CHUNKS; k++) this.chunks[k] += other.chunks[k];
    this.carry();
    this.special += other.special;
  }

  /** The exact sum correctly rounded to the nearest double (ties to even), as math.fsum gives. */
  value(): number {
    if (this.special !== 0) return this.special;
    return fromUnits(this.units());
  }

  /**
   * Doubles whose exact sum is this sum, largest first, each the correctly rounded remainder of
   * the ones before: canonical — the same sum gives the same array whatever the order of adds or
   * merges, so a shard's JSON does not depend on it either. A non-finite sum is the single number
   * NaN or ±Infinity, which JSON.stringify writes as null; fromJSON reads null back as NaN.
   */
  toJSON(): number[] {
    if (this.special !== 0) return [this.special];
    const out: number[] = [];
    let rest = this.units();
    while (rest !== 0n) {
      const part = Math.max(-Number.MAX_VALUE, Math.min(Number.MAX_VALUE, fromUnits(rest)));
      out.push(part);
      rest -= toUnits(part);
    }
    return out;
  }

  /** The sum of `partials` (toJSON's output, or any numbers), exactly; null (a JSON'd NaN) is NaN. */
  static fromJSON(partials: readonly number[]): ExactSum {
    const sum = new ExactSum();
    for (const x of partials) sum.add(typeof x === 'number' ? x : NaN);
    return sum;
  }

  /** The exact sum as an integer count of 2^-1075. */
  private units(): bigint {
    let units = 0n;
    for (let k = CHUNKS - 1; k >= 0; k--) units = (units << BigInt(CHUNK_BITS)) + BigInt(this.chunks[k]);
    return units;
  }

  /** Moves each chunk's multiples of 2^32 into the next chunk, restoring the headroom of 2^20 adds. */
  private carry(): void {
    const chunks = this.chunks;
    for (let k = 0; k < CHUNKS - 1; k++) {
      const carried = Math.trunc(chunks[k] / CHUNK);
      chunks[k] -= carried * CHUNK;
      chunks[k + 1] += carried;
    }
    this.addsUntilCarry = ADDS_PER_CARRY;
  }
}
