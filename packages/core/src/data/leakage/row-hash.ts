/**
 * A row's 64-bit hash over its normalised cells, and a compact set of such hashes: what finds the
 * rows an evaluation set shares with its training set, and the rows a set repeats, without
 * keeping the rows.
 *
 * Normalisation, so that a row reads the same whatever file it came from:
 * - a number by value: 1 and 1.0 and 1n are one value, -0 is 0; an integer exactly, a fraction at
 *   float32 precision (Math.fround), so a float32 column (Parquet, .npy) matches the same numbers
 *   written as decimal text (0.1 in a CSV, 0.10000000149 read from a float32) — values that differ
 *   only past the 7th significant digit count as equal, a false alarm at worst;
 * - text trimmed of surrounding white space; true/false apart from text and numbers;
 * - a missing cell (null, NaN, an empty CSV field) as its own marker, equal to every missing cell.
 *
 * The hash is two 32-bit MurmurHash3-style lanes with different seeds. Two different rows share a
 * hash with probability 2^-64: over n training and m evaluation rows the expected number of false
 * overlaps is about n·m / 2^64 (5e-6 for ten million each). A collision can only report an
 * overlap or a duplicate that is not there — a false alarm, never a missed one.
 */
import type { Cell, ColumnValues } from '../table.js';

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;
const SEED_A = 0x9747b28c;
const SEED_B = 0x5bd1e995;

/** Lane B mixes each word xor this, so the lanes differ beyond their seeds. */
const LANE_B = 0x2545f491;

const TAG_TEXT = 2;
const TAG_TRUE = 3;
const TAG_FALSE = 4;
const TAG_MISSING = 5;
const TAG_BIG = 6;

function mix(h: number, word: number): number {
  let k = Math.imul(word, C1);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, C2);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function finish(h: number, length: number): number {
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/** The number as it is hashed: integers exactly, fractions at float32 precision, -0 as 0. */
export function canonicalNumber(x: number): number {
  if (x === 0) return 0;
  return Number.isInteger(x) ? x : Math.fround(x);
}

/**
 * Hashes of the rows of a batch, built a column at a time (an index loop per column; a
 * Float64Array column needs no allocation): `start(rows)`, `add(values)` per column in the
 * agreed order, then read `a[i]`, `b[i]` through `hashA(i)`/`hashB(i)`.
 */
export class RowHasher {
  a = new Int32Array(0);
  b = new Int32Array(0);
  private rows = 0;
  private columns = 0;

  start(rows: number): void {
    if (this.a.length < rows) {
      this.a = new Int32Array(rows);
      this.b = new Int32Array(rows);
    }
    this.a.fill(SEED_A, 0, rows);
    this.b.fill(SEED_B, 0, rows);
    this.rows = rows;
    this.columns = 0;
  }

  private word(i: number, w: number): void {
    this.a[i] = mix(this.a[i], w);
    this.b[i] = mix(this.b[i], w ^ LANE_B);
  }

  /** A number is its two words (text starts with a tag and its length, a missing cell is a tag). */
  private number(i: number, x: number): void {
    f64[0] = canonicalNumber(x);
    this.word(i, u32[0]);
    this.word(i, u32[1]);
  }

  private cell(i: number, v: Cell): void {
    if (v === null || (typeof v === 'number' && v !== v)) return this.word(i, TAG_MISSING);
    if (typeof v === 'number') return this.number(i, v);
    if (typeof v === 'boolean') return this.word(i, v ? TAG_TRUE : TAG_FALSE);
    if (typeof v === 'bigint') {
      if (Number.isSafeInteger(Number(v))) return this.number(i, Number(v));
      return this.text(i, v.toString(), TAG_BIG);
    }
    this.text(i, v.trim(), TAG_TEXT);
  }

  private text(i: number, s: string, tag: number): void {
    this.word(i, tag);
    this.word(i, s.length);
    for (let k = 0; k < s.length; k++) this.word(i, s.charCodeAt(k));
  }

  add(values: ColumnValues): void {
    this.columns++;
    const rows = this.rows;
    if (values instanceof Float64Array) {
      // the hot loop: words mixed into locals, one read and one write of each lane per cell
      const { a, b } = this;
      for (let i = 0; i < rows; i++) {
        const x = values[i];
        let ha = a[i];
        let hb = b[i];
        if (x !== x) {
          ha = mix(ha, TAG_MISSING);
          hb = mix(hb, TAG_MISSING ^ LANE_B);
        } else {
          f64[0] = x === 0 ? 0 : Number.isInteger(x) ? x : Math.fround(x);
          const lo = u32[0];
          const hi = u32[1];
          ha = mix(mix(ha, lo), hi);
          hb = mix(mix(hb, lo ^ LANE_B), hi ^ LANE_B);
        }
        a[i] = ha;
        b[i] = hb;
      }
      return;
    }
    for (let i = 0; i < rows; i++) this.cell(i, values[i]);
  }

  /** The two 32-bit halves of row i's hash, after every column was added. */
  hashA(i: number): number {
    return finish(this.a[i], this.columns);
  }

  hashB(i: number): number {
    return finish(this.b[i], this.columns ^ 0x5f3759df);
  }
}

/**
 * A set of 64-bit hashes by open addressing (linear probing) over two Uint32Arrays, with the
 * 0-based row where each was first added: 12 bytes a slot (8 without the rows), slots a power of two kept at most 3/4
 * full (so 16 to 32 bytes per distinct row — it grows with the distinct rows, which is inherent).
 * The hash (0, 0) marks an empty slot: a row hashing to it is stored as (0, 1).
 */
export class HashSet64 {
  private hi: Uint32Array;
  private lo: Uint32Array;
  /** The first row of each hash; empty (0 slots) when the set was made without rows. */
  private row: Uint32Array;
  private mask: number;
  size = 0;

  /** `withRows` false: 8 bytes a slot, and add/get answer 0 for a present hash instead of its row. */
  constructor(
    initialSlots = 1 << 16,
    private readonly withRows = true,
  ) {
    const slots = 1 << Math.ceil(Math.log2(Math.max(16, initialSlots)));
    this.hi = new Uint32Array(slots);
    this.lo = new Uint32Array(slots);
    this.row = new Uint32Array(withRows ? slots : 0);
    this.mask = slots - 1;
  }

  private rowAt(s: number): number {
    return this.withRows ? this.row[s] : 0;
  }

  /** The first row of the hash, or -1 when absent. */
  get(a: number, b: number): number {
    if (a === 0 && b === 0) b = 1;
    const { hi, lo, mask } = this;
    for (let s = (a ^ Math.imul(b, 0x9e3779b1)) & mask; ; s = (s + 1) & mask) {
      if (hi[s] === a && lo[s] === b) return this.rowAt(s);
      if (hi[s] === 0 && lo[s] === 0) return -1;
    }
  }

  /** Adds the hash with its row; returns the row it already had (a repeat), or -1 when new. */
  add(a: number, b: number, row: number): number {
    if (a === 0 && b === 0) b = 1;
    const { hi, lo, mask } = this;
    let s = (a ^ Math.imul(b, 0x9e3779b1)) & mask;
    for (; hi[s] !== 0 || lo[s] !== 0; s = (s + 1) & mask) if (hi[s] === a && lo[s] === b) return this.rowAt(s);
    hi[s] = a;
    lo[s] = b;
    if (this.withRows) this.row[s] = row;
    if (++this.size * 4 > (mask + 1) * 3) this.grow();
    return -1;
  }

  private grow(): void {
    const { hi, lo, row } = this;
    const slots = hi.length * 2;
    this.hi = new Uint32Array(slots);
    this.lo = new Uint32Array(slots);
    this.row = new Uint32Array(this.withRows ? slots : 0);
    this.mask = slots - 1;
    this.size = 0;
    for (let s = 0; s < hi.length; s++) if (hi[s] !== 0 || lo[s] !== 0) this.add(hi[s], lo[s], this.withRows ? row[s] : 0);
  }
}
