/**
 * The current data's side of drift, one column at a time, in the one streaming pass the engine
 * runs with the expectations: counts per bin of the reference (memory fixed by the reference),
 * and a numeric column's values while they are at most exactCap (then dropped).
 */
import type { ColumnValues } from '../table.js';
import { valueKey } from '../values.js';
import { numberOf } from './accumulators.js';
import { binOf } from './statistics.js';
import type { CategoricalProfile, NumericProfile } from './profile.js';

/** Distinct unseen categories remembered (for their count); past it the count says "at least". */
export const MAX_UNSEEN_TRACKED = 10_000;

/**
 * The grid cell of a value in a few steps instead of a binary search over ~2,000 edges: a table
 * of 4 buckets per edge, equal-width over the edges' range, giving for each bucket the count of
 * edges below its start; a value then walks from there to its cell (and back, should rounding
 * put it one bucket too high). Exact whatever the spacing: the walk ends at binOf's answer.
 */
export class GridIndex {
  private readonly low: number;
  private readonly scale: number;
  private readonly start: Int32Array;

  constructor(readonly grid: Float64Array) {
    const buckets = Math.max(1, 4 * grid.length);
    this.low = grid.length ? grid[0] : 0;
    const span = grid.length ? grid[grid.length - 1] - this.low : 0;
    this.scale = span > 0 && Number.isFinite(span) ? buckets / span : 0;
    this.start = new Int32Array(buckets);
    for (let b = 0; b < buckets; b++) this.start[b] = this.scale === 0 ? 0 : binOf(grid, this.low + b / this.scale);
  }

  /** Counts the Float64Array's non-missing values into `counts` by cell; returns the missing ones. */
  count(values: Float64Array, rows: number, counts: Float64Array): number {
    const { grid, low, scale, start } = this;
    const edges = grid.length;
    const last = start.length - 1;
    let missing = 0;
    for (let i = 0; i < rows; i++) {
      const x = values[i];
      if (x !== x) {
        missing++;
        continue;
      }
      let b = Math.floor((x - low) * scale);
      b = b < 0 ? 0 : b > last ? last : b;
      let at = start[b];
      while (at < edges && grid[at] < x) at++;
      while (at > 0 && grid[at - 1] >= x) at--;
      counts[at]++;
    }
    return missing;
  }
}

export class CurrentNumbers {
  values = 0;
  missing = 0;
  nonNumeric = 0;
  /** Counts per cell of the reference's KS grid. */
  readonly gridCounts: Float64Array;
  private readonly index: GridIndex;
  private kept: Float64Array | null = new Float64Array(1024);

  constructor(
    readonly profile: NumericProfile,
    private readonly cap: number,
  ) {
    this.gridCounts = new Float64Array(profile.grid.length + 1);
    this.index = new GridIndex(profile.grid);
  }

  private keep(x: number): void {
    const n = this.values - 1;
    let kept = this.kept!;
    if (n >= this.cap) {
      this.kept = null;
      return;
    }
    if (n === kept.length) {
      const grown = new Float64Array(Math.min(this.cap, 2 * n));
      grown.set(kept);
      this.kept = kept = grown;
    }
    kept[n] = x;
  }

  observe(values: ColumnValues, rows: number): void {
    if (values instanceof Float64Array) {
      const missing = this.index.count(values, rows, this.gridCounts);
      this.missing += missing;
      if (this.kept === null) {
        this.values += rows - missing;
        return;
      }
      for (let i = 0; i < rows; i++) {
        const x = values[i];
        if (x !== x) continue;
        this.values++;
        if (this.kept !== null) this.keep(x);
      }
      return;
    }
    for (let i = 0; i < rows; i++) {
      const x = numberOf(values[i]);
      if (x === null) this.missing++;
      else if (x === undefined) this.nonNumeric++;
      else {
        this.gridCounts[binOf(this.profile.grid, x)]++;
        this.values++;
        if (this.kept !== null) this.keep(x);
      }
    }
  }

  /** The values, sorted, when all were kept; else null. */
  sorted(): Float64Array | null {
    return this.kept === null ? null : this.kept.slice(0, this.values).sort();
  }
}

/** Small non-negative integer categories looked up in a table rather than a Map: below this. */
const SMALL_INT_TABLE = 4096;

export class CurrentCategories {
  values = 0;
  missing = 0;
  /** Counts per reference category, in the profile's order, then one bin for every unseen category. */
  readonly counts: Float64Array;
  /** Distinct unseen categories (up to MAX_UNSEEN_TRACKED), with a cell showing each of the first few. */
  readonly unseen = new Map<string, { cell: unknown; count: number }>();
  unseenOverflow = false;
  private readonly byNumber = new Map<number, number>();
  private readonly byKey = new Map<string, number>();
  /** Category index + 1 of the small non-negative integers (0: not a reference category). */
  private readonly smallInts = new Int32Array(SMALL_INT_TABLE);

  constructor(readonly profile: CategoricalProfile) {
    this.counts = new Float64Array(profile.categories.length + 1);
    profile.categories.forEach(({ key, cell }, i) => {
      this.byKey.set(key, i);
      if (typeof cell === 'number') this.byNumber.set(cell, i);
      if (typeof cell === 'number' && Number.isInteger(cell) && cell >= 0 && cell < SMALL_INT_TABLE) this.smallInts[cell] = i + 1;
    });
  }

  /** The fast path of a Float64Array batch: small integers by table, other numbers by Map. */
  private observeFloats(values: Float64Array, rows: number): void {
    const { counts, smallInts } = this;
    let missing = 0;
    for (let i = 0; i < rows; i++) {
      const x = values[i];
      if (x !== x) {
        missing++;
        continue;
      }
      const small = x >= 0 && x < SMALL_INT_TABLE && x === Math.floor(x) ? smallInts[x] : 0;
      if (small > 0) counts[small - 1]++;
      else {
        const at = this.byNumber.get(x);
        if (at !== undefined) counts[at]++;
        else this.addUnseen(valueKey(x), x);
      }
    }
    this.missing += missing;
    this.values += rows - missing;
  }

  private addUnseen(key: string, cell: unknown): void {
    this.counts[this.counts.length - 1]++;
    const entry = this.unseen.get(key);
    if (entry) entry.count++;
    else if (this.unseen.size < MAX_UNSEEN_TRACKED) this.unseen.set(key, { cell, count: 1 });
    else this.unseenOverflow = true;
  }

  observe(values: ColumnValues, rows: number): void {
    if (values instanceof Float64Array) return this.observeFloats(values, rows);
    const counts = this.counts;
    for (let i = 0; i < rows; i++) {
      const v = values[i];
      if (v === null || (typeof v === 'number' && v !== v)) {
        this.missing++;
        continue;
      }
      this.values++;
      if (typeof v === 'number') {
        const at = this.byNumber.get(v);
        if (at !== undefined) counts[at]++;
        else this.addUnseen(valueKey(v), v);
        continue;
      }
      const key = valueKey(v);
      const at = this.byKey.get(key);
      if (at !== undefined) counts[at]++;
      else this.addUnseen(key, v);
    }
  }
}
