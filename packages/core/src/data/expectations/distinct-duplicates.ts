/**
 * The duplicated numbers of a column, in memory bounded whatever the number of distinct values:
 * what expect_column_values_to_be_unique needs (pandas' `duplicated(keep=False)`): how many rows
 * hold a value that occurs more than once, and which duplicated values come first in row order.
 *
 * Up to `maxSlots` table slots (default 2^18: ~183,000 distinct values; 24 bytes a slot, 6 MB)
 * the values are counted in memory, each with the row of its first occurrence. Past that, the
 * table is spilled: its entries and every later value go, as (value, first row, count) records of
 * 24 bytes, to one of `partitions` (default 128) files chosen by the value's hash, in a temporary
 * folder. At the end of the pass (`finish`) each file is read back in chunks and counted on its
 * own, so the table holds one partition's distinct values at a time: 1/128th of them. 10M
 * distinct ids take a 6 MB table, 4 MB of write buffers and 240 MB of temporary disk instead of
 * ~300 MB of memory; 100M distinct ids a table of 24 MB. The files are removed after.
 *
 * The duplicated values with the `keep` smallest first rows are the only ones the first `keep`
 * unexpected rows can hold (a row r holding v has first(v) <= r, and every duplicated value
 * whose first row is smaller than first(v) puts an unexpected row before r), so a second pass over
 * the column lists GE's partial_unexpected_list by membership in that small set.
 *
 * Values are doubles, never NaN (the caller leaves missing values out); -0 is 0.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface DuplicateLimits {
  /** Table slots before spilling to disk (a power of two). */
  maxSlots: number;
  /** Partition files when spilled (a power of two, at most 2^16). */
  partitions: number;
  /** Where the partition files go (default: RUNNER_TEMP, else the OS's temporary folder). */
  directory?: string;
}

export const DEFAULT_DUPLICATE_LIMITS: DuplicateLimits = { maxSlots: 1 << 18, partitions: 128 };

/** Doubles per spilled record: value, first row, count. */
const RECORD = 3;
/** Records buffered per partition before a write (~32 KB; 4 MB for 128 partitions). */
const BUFFERED_RECORDS = 1365;

const hashScratch = new Float64Array(1);
const hashWords = new Int32Array(hashScratch.buffer);

/** murmur3's finalizer over both words of the double: every bit of the value moves every bit. */
function hashOf(x: number): number {
  hashScratch[0] = x;
  let h = hashWords[0] ^ Math.imul(hashWords[1], 0x9e3779b1);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Open addressing (linear probing on the low bits of hashOf): value -> count and first row. */
class FirstRowCounts {
  keys: Float64Array;
  firstRows: Float64Array;
  /** 0 for an empty slot. */
  counts: Float64Array;
  size = 0;
  private mask: number;

  constructor(slots: number) {
    this.keys = new Float64Array(slots);
    this.firstRows = new Float64Array(slots);
    this.counts = new Float64Array(slots);
    this.mask = slots - 1;
  }

  /** Whether one more distinct value would fill the table past 70%. */
  get full(): boolean {
    return this.size + 1 > 0.7 * this.keys.length;
  }

  add(x: number, firstRow: number, count: number): void {
    const { keys, counts } = this;
    let i = hashOf(x) & this.mask;
    while (counts[i] !== 0 && keys[i] !== x) i = (i + 1) & this.mask;
    if (counts[i] === 0) {
      keys[i] = x;
      this.firstRows[i] = firstRow;
      counts[i] = count;
      this.size++;
    } else {
      counts[i] += count;
      if (firstRow < this.firstRows[i]) this.firstRows[i] = firstRow;
    }
  }

  /** Doubles the slots (when a single partition holds more distinct values than maxSlots allows). */
  grow(): void {
    const { keys, firstRows, counts } = this;
    const slots = 2 * keys.length;
    this.keys = new Float64Array(slots);
    this.firstRows = new Float64Array(slots);
    this.counts = new Float64Array(slots);
    this.mask = slots - 1;
    this.size = 0;
    for (let i = 0; i < keys.length; i++) if (counts[i] !== 0) this.add(keys[i], firstRows[i], counts[i]);
  }

  clear(): void {
    this.counts.fill(0);
    this.size = 0;
  }
}

/** The `keep` duplicated values with the smallest first rows, kept sorted by first row. */
class EarliestDuplicates {
  private readonly rows: number[] = [];
  private readonly values: number[] = [];
  constructor(private readonly keep: number) {}

  offer(value: number, firstRow: number): void {
    if (this.keep === 0) return;
    if (this.rows.length === this.keep && firstRow >= this.rows[this.keep - 1]) return;
    let i = this.rows.length;
    while (i > 0 && this.rows[i - 1] > firstRow) i--;
    this.rows.splice(i, 0, firstRow);
    this.values.splice(i, 0, value);
    if (this.rows.length > this.keep) {
      this.rows.pop();
      this.values.pop();
    }
  }

  get set(): Set<number> {
    return new Set(this.values);
  }
}

export class NumberDuplicates {
  private readonly limits: DuplicateLimits;
  private readonly table: FirstRowCounts;
  private spill: { directory: string; fds: number[]; buffers: Float64Array[]; filled: Int32Array; shift: number } | undefined;
  private result: { unexpected: number; earliest: Set<number> } | undefined;

  constructor(
    private readonly keep: number,
    limits: Partial<DuplicateLimits> = {},
  ) {
    this.limits = { ...DEFAULT_DUPLICATE_LIMITS, ...limits };
    this.table = new FirstRowCounts(Math.min(1024, this.limits.maxSlots));
  }

  /** Whether the values went to disk (for tests and the report's curious reader). */
  get spilled(): boolean {
    return this.spill !== undefined;
  }

  /** Counts one occurrence of `value` (not NaN) at `row` (rows in increasing order). */
  add(value: number, row: number): void {
    const x = value === 0 ? 0 : value;
    if (this.spill) {
      this.write(x, row, 1);
      return;
    }
    if (this.table.full) {
      if (this.table.keys.length < this.limits.maxSlots) this.table.grow();
      else {
        this.startSpill();
        this.write(x, row, 1);
        return;
      }
    }
    this.table.add(x, row, 1);
  }

  private startSpill(): void {
    const { partitions } = this.limits;
    const directory = mkdtempSync(join(this.limits.directory ?? process.env.RUNNER_TEMP ?? tmpdir(), 'ml-gate-unique-'));
    const fds: number[] = [];
    for (let p = 0; p < partitions; p++) fds.push(openSync(join(directory, `${p}.bin`), 'w+'));
    this.spill = {
      directory,
      fds,
      buffers: Array.from({ length: partitions }, () => new Float64Array(BUFFERED_RECORDS * RECORD)),
      filled: new Int32Array(partitions),
      // the partition is the hash's top bits; the table's slot its low bits
      shift: 32 - Math.log2(partitions),
    };
    const { keys, firstRows, counts } = this.table;
    for (let i = 0; i < keys.length; i++) if (counts[i] !== 0) this.write(keys[i], firstRows[i], counts[i]);
    this.table.clear();
  }

  private write(x: number, firstRow: number, count: number): void {
    const s = this.spill!;
    const p = s.shift === 32 ? 0 : hashOf(x) >>> s.shift;
    const buffer = s.buffers[p];
    let at = s.filled[p] * RECORD;
    buffer[at++] = x;
    buffer[at++] = firstRow;
    buffer[at] = count;
    if (++s.filled[p] === BUFFERED_RECORDS) this.flush(p);
  }

  private flush(p: number): void {
    const s = this.spill!;
    const bytes = s.filled[p] * RECORD * 8;
    const view = new Uint8Array(s.buffers[p].buffer, 0, bytes);
    for (let done = 0; done < bytes;) done += writeSync(s.fds[p], view, done, bytes - done);
    s.filled[p] = 0;
  }

  /**
   * Ends the counting: the rows holding a duplicated value (each occurrence counted), and the
   * duplicated values with the `keep` smallest first rows. Reads back and removes the spilled files.
   */
  finish(): { unexpected: number; earliest: Set<number> } {
    if (this.result) return this.result;
    let unexpected = 0;
    const earliest = new EarliestDuplicates(this.keep);
    const collect = (): void => {
      const { keys, firstRows, counts } = this.table;
      for (let i = 0; i < keys.length; i++) {
        if (counts[i] > 1) {
          unexpected += counts[i];
          earliest.offer(keys[i], firstRows[i]);
        }
      }
    };
    if (!this.spill) collect();
    else {
      const s = this.spill;
      try {
        for (let p = 0; p < s.fds.length; p++) this.flush(p);
        const chunk = new Float64Array(BUFFERED_RECORDS * RECORD * 16);
        const bytes = new Uint8Array(chunk.buffer);
        for (const fd of s.fds) {
          this.table.clear();
          for (let position = 0; ;) {
            let got = 0;
            while (got < bytes.length) {
              const n = readSync(fd, bytes, got, bytes.length - got, position + got);
              if (n === 0) break;
              got += n;
            }
            if (got === 0) break;
            if (got % (RECORD * 8) !== 0) throw new Error(`a partition file of ${s.directory} was cut short`);
            for (let at = 0; at < got / 8; at += RECORD) {
              if (this.table.full) this.table.grow();
              this.table.add(chunk[at], chunk[at + 1], chunk[at + 2]);
            }
            position += got;
          }
          collect();
        }
      } finally {
        for (const fd of s.fds) closeSync(fd);
        rmSync(s.directory, { recursive: true, force: true });
      }
    }
    this.table.clear();
    this.result = { unexpected, earliest: earliest.set };
    return this.result;
  }
}
