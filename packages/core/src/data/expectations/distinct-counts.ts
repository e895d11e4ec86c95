/**
 * How often each distinct non-missing value of a column occurs: pandas' `value_counts()`, the
 * metric behind the distinct-value expectations and the categorical KL divergence.
 *
 * Identity is valueKey's (data/values.ts), as the in_set expectations use: numbers by value (1 and
 * 1.0 are one value, -0 is 0), text by its characters, booleans apart from both. To spare a string
 * per row, numbers are counted by their bits in NumberCounts and text by itself in a Map (the same
 * partition of values valueKey makes); booleans and bigints beyond 2^53 go by valueKey.
 *
 * Memory grows with the number of DISTINCT values, never with rows. Numbers: 12 bytes a slot, at
 * most 70% full, so 10M distinct ids take ~200 MB (a V8 Map took ~400 MB and 6 s for them, this
 * 0.6 s). Text: a V8 Map entry, ~30 bytes plus the string (~16 bytes plus its characters); a Map
 * holds at most 2^24 (16.7M) entries, so a column of more distinct texts is beyond this counter.
 */
import type { Cell, ColumnValues } from '../table.js';
import { valueKey } from '../values.js';

export interface ValueCount {
  value: Exclude<Cell, null>;
  count: number;
}

const hashScratch = new Float64Array(1);
const hashWords = new Int32Array(hashScratch.buffer);

/** Counts of distinct doubles (never NaN): open addressing with linear probing on the bits' hash. */
export class NumberCounts {
  private keys = new Float64Array(1024);
  /** 0 for an empty slot. */
  private counts = new Uint32Array(1024);
  private mask = 1023;
  size = 0;

  private slot(x: number): number {
    hashScratch[0] = x;
    // both words, then murmur3's finalizer: every bit of the double moves the slot
    let h = hashWords[0] ^ Math.imul(hashWords[1], 0x9e3779b1);
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    let i = h & this.mask;
    const { keys, counts } = this;
    while (counts[i] !== 0 && keys[i] !== x) i = (i + 1) & this.mask;
    return i;
  }

  add(value: number): void {
    const x = value === 0 ? 0 : value;
    const i = this.slot(x);
    if (this.counts[i] === 0) {
      this.keys[i] = x;
      this.size++;
      this.counts[i] = 1;
      if (this.size > 0.7 * this.mask) this.grow();
    } else this.counts[i]++;
  }

  get(value: number): number {
    return this.counts[this.slot(value === 0 ? 0 : value)];
  }

  private grow(): void {
    const { keys, counts } = this;
    this.keys = new Float64Array(2 * keys.length);
    this.counts = new Uint32Array(2 * keys.length);
    this.mask = 2 * keys.length - 1;
    for (let i = 0; i < keys.length; i++) {
      if (counts[i] === 0) continue;
      const j = this.slot(keys[i]);
      this.keys[j] = keys[i];
      this.counts[j] = counts[i];
    }
  }

  *entries(): Generator<[number, number]> {
    for (let i = 0; i < this.keys.length; i++) if (this.counts[i] !== 0) yield [this.keys[i], this.counts[i]];
  }

  /** The sum of the counts above 1. */
  duplicated(): number {
    let total = 0;
    for (let i = 0; i < this.counts.length; i++) if (this.counts[i] > 1) total += this.counts[i];
    return total;
  }
}

export class ValueCounts {
  private readonly numbers = new NumberCounts();
  private readonly texts = new Map<string, number>();
  private readonly others = new Map<string, ValueCount>();
  /** Non-missing values counted. */
  nonMissing = 0;

  /** Counts the first `rows` values (null and NaN are missing: not counted). */
  add(values: ColumnValues, rows: number): void {
    const numbers = this.numbers;
    let counted = 0;
    if (values instanceof Float64Array) {
      for (let i = 0; i < rows; i++) {
        const x = values[i];
        if (x !== x) continue;
        counted++;
        numbers.add(x);
      }
    } else {
      for (let i = 0; i < rows; i++) {
        const c = values[i];
        if (c === null) continue;
        counted++;
        if (typeof c === 'number') numbers.add(c);
        else if (typeof c === 'string') this.texts.set(c, (this.texts.get(c) ?? 0) + 1);
        else this.addOther(c);
      }
    }
    this.nonMissing += counted;
  }

  private addOther(c: boolean | bigint): void {
    if (typeof c === 'bigint' && BigInt(Number(c)) === c) {
      this.numbers.add(Number(c));
      return;
    }
    const key = valueKey(c);
    const entry = this.others.get(key);
    if (entry) entry.count++;
    else this.others.set(key, { value: c, count: 1 });
  }

  /** pandas' nunique(): the number of distinct non-missing values. */
  get distinct(): number {
    return this.numbers.size + this.texts.size + this.others.size;
  }

  /** How often `cell` occurs (0 when never). */
  countOf(cell: Exclude<Cell, null>): number {
    if (typeof cell === 'number') return this.numbers.get(cell);
    if (typeof cell === 'string') return this.texts.get(cell) ?? 0;
    if (typeof cell === 'bigint' && BigInt(Number(cell)) === cell) return this.numbers.get(Number(cell));
    return this.others.get(valueKey(cell))?.count ?? 0;
  }

  /** How many values occur more than once, counting every occurrence (pandas' duplicated(keep=False).sum()). */
  duplicated(): number {
    let total = this.numbers.duplicated();
    for (const count of this.texts.values()) if (count > 1) total += count;
    for (const { count } of this.others.values()) if (count > 1) total += count;
    return total;
  }

  /** Every distinct value with its count, sorted by value (compareCells). */
  entries(): ValueCount[] {
    const out: ValueCount[] = [];
    for (const [value, count] of this.numbers.entries()) out.push({ value, count });
    for (const [value, count] of this.texts) out.push({ value, count });
    for (const entry of this.others.values()) out.push({ ...entry });
    return out.sort((a, b) => compareCells(a.value, b.value));
  }
}

/** Rank of a cell's kind in a sort of mixed values: booleans and numbers (by value) before text. */
function kindRank(c: Exclude<Cell, null>): number {
  return typeof c === 'string' ? 1 : 0;
}

function numeric(c: boolean | number | bigint): number {
  return typeof c === 'boolean' ? (c ? 1 : 0) : Number(c);
}

/**
 * The order GE sorts observed values in (Python's sorted()): numbers (and booleans, as 0 and 1) by
 * value, text by code point. Python cannot sort text with numbers (GE falls back on their str());
 * here numbers come first, then text.
 */
export function compareCells(a: Exclude<Cell, null>, b: Exclude<Cell, null>): number {
  const ka = kindRank(a);
  const kb = kindRank(b);
  if (ka !== kb) return ka - kb;
  if (typeof a === 'string' && typeof b === 'string') return compareCodePoints(a, b);
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  const x = numeric(a as number);
  const y = numeric(b as number);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Python's string order (by code point; JavaScript's < compares UTF-16 code units). */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done || y.done) return x.done ? (y.done ? 0 : -1) : 1;
    const cx = x.value.codePointAt(0)!;
    const cy = y.value.codePointAt(0)!;
    if (cx !== cy) return cx - cy;
  }
}
