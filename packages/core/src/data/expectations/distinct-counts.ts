/**
 * How often each distinct non-missing value of a column occurs: pandas' `value_counts()`, the
 * metric behind the distinct-value expectations and the categorical KL divergence.
 *
 * Identity is valueKey's (data/values.ts), as the in_set expectations use: numbers by value (1 and
 * 1.0 are one value, -0 is 0), text by its characters, booleans apart from both. To spare a string
 * per row, numbers are keyed by themselves in one Map and text by itself in another (the same
 * partition of values valueKey makes); booleans and bigints beyond 2^53 go by valueKey.
 *
 * Memory grows with the number of DISTINCT values, never with rows: a V8 Map entry costs ~20-30
 * bytes plus the key (a number that is not a small integer is a 16-byte heap box; a string its
 * characters plus ~16 bytes), so 10M distinct ids take ~0.3-0.6 GB. A V8 Map holds at most 2^24
 * (16.7M) entries: a column with more distinct numbers (or texts) than that is beyond this counter.
 */
import type { Cell, ColumnValues } from '../table.js';
import { valueKey } from '../values.js';

export interface ValueCount {
  value: Exclude<Cell, null>;
  count: number;
}

export class ValueCounts {
  private readonly numbers = new Map<number, number>();
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
        numbers.set(x, (numbers.get(x) ?? 0) + 1);
      }
    } else {
      for (let i = 0; i < rows; i++) {
        const c = values[i];
        if (c === null) continue;
        counted++;
        if (typeof c === 'number') numbers.set(c, (numbers.get(c) ?? 0) + 1);
        else if (typeof c === 'string') this.texts.set(c, (this.texts.get(c) ?? 0) + 1);
        else this.addOther(c);
      }
    }
    this.nonMissing += counted;
  }

  private addOther(c: boolean | bigint): void {
    if (typeof c === 'bigint' && BigInt(Number(c)) === c) {
      const x = Number(c);
      this.numbers.set(x, (this.numbers.get(x) ?? 0) + 1);
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
    if (typeof cell === 'number') return this.numbers.get(cell) ?? 0;
    if (typeof cell === 'string') return this.texts.get(cell) ?? 0;
    if (typeof cell === 'bigint' && BigInt(Number(cell)) === cell) return this.numbers.get(Number(cell)) ?? 0;
    return this.others.get(valueKey(cell))?.count ?? 0;
  }

  /** Every distinct value with its count, sorted by value (compareCells). */
  entries(): ValueCount[] {
    const out: ValueCount[] = [];
    for (const [value, count] of this.numbers) out.push({ value, count });
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
