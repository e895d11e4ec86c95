/**
 * expect_column_pair_values_a_to_be_greater_than_b, as GE's pandas engine runs it: the rows
 * `ignore_row_if` drops ('both_values_are_missing', the default: both missing; 'either_value_is_missing';
 * 'neither') are left out (reported as missing_count, GE's element_count - filtered_row_count),
 * the others are unexpected unless A > B (A >= B with or_equal). A missing value in a row that is
 * kept compares false (NaN > x), so the row is unexpected. Numbers compare with numbers (booleans as
 * 0/1), text with text; text against a number raises TypeError in pandas -> the entry fails with it.
 * The unexpected values are [A, B] pairs (GE's tuples).
 */
import { jsonValue } from '../values.js';
import type { Cell, ColumnValues } from '../table.js';
import type { Expectation, ExpectationBatch, ExpectationOutcome, TableSummary } from './expectation.js';
import { mapOutcome, UnexpectedValues } from './map-accumulator.js';
import { dtypeOf } from './map-base.js';
import { ExpectationException } from './map-exception.js';
import { isFloatDtype } from './map-python.js';

export const IGNORE_ROW_IF = ['both_values_are_missing', 'either_value_is_missing', 'neither'] as const;
export type IgnoreRowIf = (typeof IGNORE_ROW_IF)[number];

const missingAt = (values: ColumnValues, i: number): boolean => {
  const v = values[i];
  return v === null || (typeof v === 'number' && v !== v);
};

export class PairGreater implements Expectation {
  readonly columns: readonly string[];
  private rows = 0;
  private ignored = 0;
  private readonly unexpected: UnexpectedValues;
  private failure: string | undefined;

  constructor(
    columnA: string,
    columnB: string,
    private readonly orEqual: boolean,
    private readonly ignoreRowIf: IgnoreRowIf,
    private readonly mostly: number,
    keep: number,
  ) {
    this.columns = [columnA, columnB];
    this.unexpected = new UnexpectedValues(keep);
  }

  observe(batch: ExpectationBatch): void {
    const [a, b] = batch.values;
    this.rows += batch.rows;
    if (a instanceof Float64Array && b instanceof Float64Array) this.scanNumbers(a, b, batch.rows);
    else this.scanCells(a, b, batch.rows);
  }

  private ignore(missingA: boolean, missingB: boolean): boolean {
    if (this.ignoreRowIf === 'both_values_are_missing') return missingA && missingB;
    if (this.ignoreRowIf === 'either_value_is_missing') return missingA || missingB;
    return false;
  }

  private scanNumbers(a: Float64Array, b: Float64Array, rows: number): void {
    const { orEqual, unexpected } = this;
    for (let i = 0; i < rows; i++) {
      const x = a[i];
      const y = b[i];
      if ((x !== x || y !== y) && this.ignore(x !== x, y !== y)) this.ignored++;
      else if (orEqual ? !(x >= y) : !(x > y)) unexpected.add([jsonValue(x), jsonValue(y)]);
    }
  }

  private scanCells(a: ColumnValues, b: ColumnValues, rows: number): void {
    for (let i = 0; i < rows; i++) {
      const ma = missingAt(a, i);
      const mb = missingAt(b, i);
      if (this.ignore(ma, mb)) {
        this.ignored++;
        continue;
      }
      const x: Cell = ma ? null : a[i];
      const y: Cell = mb ? null : b[i];
      if (!this.greater(x, y)) this.unexpected.add([jsonValue(x), jsonValue(y)]);
    }
  }

  private greater(x: Cell, y: Cell): boolean {
    if (x === null || y === null) return false;
    if ((typeof x === 'string') !== (typeof y === 'string')) {
      this.failure ??= `'${this.orEqual ? '>=' : '>'}' not supported between ${JSON.stringify(x)} and ${JSON.stringify(y)}`;
      return true;
    }
    const p = typeof x === 'boolean' ? Number(x) : x;
    const q = typeof y === 'boolean' ? Number(y) : y;
    return this.orEqual ? p >= q : p > q;
  }

  finish(table: TableSummary): ExpectationOutcome {
    if (this.failure !== undefined) throw new ExpectationException(this.failure);
    const floatNulls = this.columns.every((c) => isFloatDtype(dtypeOf(table, c)));
    return mapOutcome({ rows: this.rows, missing: this.ignored, unexpected: this.unexpected }, this.mostly, floatNulls);
  }
}
