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

export class CurrentNumbers {
  values = 0;
  missing = 0;
  nonNumeric = 0;
  /** Counts per cell of the reference's KS grid. */
  readonly gridCounts: Float64Array;
  private kept: Float64Array | null = new Float64Array(1024);

  constructor(
    readonly profile: NumericProfile,
    private readonly cap: number,
  ) {
    this.gridCounts = new Float64Array(profile.grid.length + 1);
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
    const grid = this.profile.grid;
    const counts = this.gridCounts;
    if (values instanceof Float64Array) {
      for (let i = 0; i < rows; i++) {
        const x = values[i];
        if (x !== x) {
          this.missing++;
          continue;
        }
        // binOf inlined: the hot loop of drift on a large file
        let lo = 0;
        let hi = grid.length;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (grid[mid] < x) lo = mid + 1;
          else hi = mid;
        }
        counts[lo]++;
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
        counts[binOf(grid, x)]++;
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

  constructor(readonly profile: CategoricalProfile) {
    this.counts = new Float64Array(profile.categories.length + 1);
    profile.categories.forEach(({ key, cell }, i) => {
      this.byKey.set(key, i);
      if (typeof cell === 'number') this.byNumber.set(cell, i);
    });
  }

  private addUnseen(key: string, cell: unknown): void {
    this.counts[this.counts.length - 1]++;
    const entry = this.unseen.get(key);
    if (entry) entry.count++;
    else if (this.unseen.size < MAX_UNSEEN_TRACKED) this.unseen.set(key, { cell, count: 1 });
    else this.unseenOverflow = true;
  }

  observe(values: ColumnValues, rows: number): void {
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
