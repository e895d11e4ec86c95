/**
 * What a drift pass keeps of one column: its numbers (exactly while they are few, else in a
 * t-digest), its category counts (while they are few), and its counts per bin. Each accumulator
 * has a fast path for a Float64Array batch (an index loop, no allocation per value) and a generic
 * one for a cell array.
 */
import { SeededTDigest } from '../seeded-tdigest.js';

import type { Cell, ColumnValues } from '../table.js';
import { valueKey } from '../values.js';

/** The t-digest's compression: centroids hold at most ~1% of the mass (the library's default). */
const DIGEST_DELTA = 0.01;
/**
 * Values go to the digest through a buffer: sorted, then pushed as weighted points, each the mean
 * of DIGEST_GROUP neighbours (64 of 32,768: 0.2% of the buffer's mass, far below a centroid's 1%),
 * in a scattered order (the digest compresses badly on sorted input). 64 times fewer pushes, the
 * library's per-value cost (~0.25 µs) being what dominated a large reference's profile.
 */
const DIGEST_BUFFER = 32_768;
const DIGEST_GROUP = 64;
/** A prime step through the groups, to scatter them. */
const GROUP_STRIDE = 277;

/** A cell as a number for a numeric column: a number or bigint; null for missing; undefined for anything else. */
export function numberOf(cell: Cell): number | null | undefined {
  if (cell === null) return null;
  if (typeof cell === 'number') return Number.isNaN(cell) ? null : cell;
  if (typeof cell === 'bigint') return Number(cell);
  return undefined;
}

/**
 * The numbers of a column: kept exactly up to `cap` values (then dropped — memory does not grow
 * with rows), and, once past the cap, summarised by a t-digest (the kept values are pushed into
 * it first), whose quantiles place the bins.
 */
export class NumberKeeper {
  count = 0;
  missing = 0;
  nonNumeric = 0;
  private kept: Float64Array | null = new Float64Array(1024);
  private digest: SeededTDigest | null = null;
  private readonly buffer = new Float64Array(DIGEST_BUFFER);
  private buffered = 0;

  constructor(private readonly cap: number) {}

  private toDigest(x: number): void {
    this.buffer[this.buffered++] = x;
    if (this.buffered === DIGEST_BUFFER) this.flush();
  }

  private flush(): void {
    const n = this.buffered;
    if (n === 0) return;
    const sorted = this.buffer.subarray(0, n).sort();
    const groups = Math.floor(n / DIGEST_GROUP);
    // 277 is prime: a permutation of the groups unless their number is a multiple of it
    const stride = groups % GROUP_STRIDE === 0 ? 1 : GROUP_STRIDE;
    for (let k = 0, g = 0; k < groups; k++, g = (g + stride) % groups) {
      let sum = 0;
      for (let i = g * DIGEST_GROUP; i < (g + 1) * DIGEST_GROUP; i++) sum += sorted[i];
      this.digest!.push(sum / DIGEST_GROUP, DIGEST_GROUP);
    }
    for (let i = groups * DIGEST_GROUP; i < n; i++) this.digest!.push(sorted[i]);
    this.buffered = 0;
  }

  add(x: number): void {
    const n = this.count++;
    if (this.kept !== null) {
      if (n < this.cap) {
        if (n === this.kept.length) {
          const grown = new Float64Array(Math.min(this.cap, 2 * n));
          grown.set(this.kept);
          this.kept = grown;
        }
        this.kept[n] = x;
        return;
      }
      this.digest = new SeededTDigest(DIGEST_DELTA);
      const kept = this.kept;
      this.kept = null;
      for (let i = 0; i < n; i++) this.toDigest(kept[i]);
    }
    this.toDigest(x);
  }

  observe(values: ColumnValues, rows: number): void {
    if (values instanceof Float64Array) {
      for (let i = 0; i < rows; i++) {
        const x = values[i];
        if (x !== x) this.missing++;
        else this.add(x);
      }
      return;
    }
    for (let i = 0; i < rows; i++) {
      const x = numberOf(values[i]);
      if (x === null) this.missing++;
      else if (x === undefined) this.nonNumeric++;
      else this.add(x);
    }
  }

  /** The values, sorted, when all were kept; else null. */
  sorted(): Float64Array | null {
    return this.kept === null ? null : this.kept.slice(0, this.count).sort();
  }

  /** The t-digest's quantiles at `qs` (only when the values were not all kept). */
  digestQuantiles(qs: readonly number[]): number[] {
    this.flush();
    this.digest!.compress();
    return this.digest!.percentile(qs);
  }
}

/** Distinct values counted per category while there are at most `cap` of them (else null: too many). */
export class CategoryCounter {
  rows = 0;
  missing = 0;
  private numbers: Map<number, number> | null = new Map();
  private others: Map<string, { cell: Exclude<Cell, null>; count: number }> | null = new Map();

  constructor(private readonly cap: number) {}

  get overflowed(): boolean {
    return this.numbers === null;
  }

  private overflow(): void {
    this.numbers = null;
    this.others = null;
  }

  private addNumber(x: number): void {
    const numbers = this.numbers!;
    const c = numbers.get(x);
    if (c !== undefined) numbers.set(x, c + 1);
    else if (numbers.size + this.others!.size >= this.cap) this.overflow();
    else numbers.set(x, 1);
  }

  private addOther(cell: Exclude<Cell, null>): void {
    if (typeof cell === 'bigint' && Number.isSafeInteger(Number(cell))) return this.addNumber(Number(cell));
    const others = this.others!;
    const key = valueKey(cell);
    const entry = others.get(key);
    if (entry !== undefined) entry.count++;
    else if (this.numbers!.size + others.size >= this.cap) this.overflow();
    else others.set(key, { cell, count: 1 });
  }

  observe(values: ColumnValues, rows: number): void {
    this.rows += rows;
    for (let i = 0; i < rows && this.numbers !== null; i++) {
      const v = values[i];
      if (v === null || (typeof v === 'number' && v !== v)) this.missing++;
      else if (typeof v === 'number') this.addNumber(v);
      else this.addOther(v);
    }
  }

  /** The distinct numbers counted so far (for a column's kind), or -1 once overflowed. */
  get distinct(): number {
    return this.numbers === null ? -1 : this.numbers.size + this.others!.size;
  }

  /** The categories by key, each with a cell that shows it and its count. */
  categories(): Map<string, { cell: Exclude<Cell, null>; count: number }> {
    const out = new Map<string, { cell: Exclude<Cell, null>; count: number }>();
    for (const [x, count] of this.numbers!) out.set(valueKey(x), { cell: x, count });
    for (const [key, entry] of this.others!) out.set(key, { ...entry });
    return out;
  }
}
