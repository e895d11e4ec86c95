/**
 * The base of the column-map expectations: one column, streamed once, counted by the shared
 * accumulator (map-accumulator.ts). Subclasses say which values are expected; the loops here have
 * a fast path for Float64Array columns (an index loop, no allocation per value) and a generic one.
 */
import type { Cell, ColumnValues } from '../table.js';
import type { Expectation, ExpectationBatch, ExpectationOutcome, TableSummary } from './expectation.js';
import { mapOutcome, UnexpectedValues } from './map-accumulator.js';
import { ExpectationException } from './map-exception.js';

export type Value = Exclude<Cell, null>;

/** The dtype of a column once the pass is over ('object', 'int64', ...), undefined if not listed. */
export function dtypeOf(table: TableSummary, column: string): string | undefined {
  return table.columns.find((c) => c.name === column)?.dtype;
}

export abstract class ColumnMap implements Expectation {
  readonly columns: readonly string[];
  protected rows = 0;
  protected missing = 0;
  protected readonly unexpected: UnexpectedValues;
  /** Set when GE's pandas metric would raise on a value (see ExpectationException): the entry fails so. */
  protected failure: string | undefined;

  constructor(
    column: string,
    protected readonly mostly: number,
    keep: number,
  ) {
    this.columns = [column];
    this.unexpected = new UnexpectedValues(keep);
  }

  observe(batch: ExpectationBatch): void {
    this.rows += batch.rows;
    if (this.failure === undefined) this.scan(batch.values[0], batch.rows);
  }

  protected abstract scan(values: ColumnValues, rows: number): void;

  finish(table: TableSummary): ExpectationOutcome {
    if (this.failure !== undefined) throw new ExpectationException(this.failure);
    return this.outcome(table);
  }

  protected outcome(_table: TableSummary): ExpectationOutcome {
    return mapOutcome({ rows: this.rows, missing: this.missing, unexpected: this.unexpected }, this.mostly);
  }
}

/** A column-map check decided value by value: missing values are left out, the others tested. */
export abstract class ValueMap extends ColumnMap {
  /** Whether a non-missing value is expected. */
  protected abstract expected(value: Value): boolean;

  /** The same for a number of a Float64Array (override with a faster test). */
  protected expectedNumber(v: number): boolean {
    return this.expected(v);
  }

  protected scan(values: ColumnValues, rows: number): void {
    const u = this.unexpected;
    let missing = 0;
    if (values instanceof Float64Array) {
      for (let i = 0; i < rows; i++) {
        const v = values[i];
        if (v !== v) missing++;
        else if (!this.expectedNumber(v)) u.addCell(v);
      }
    } else {
      for (let i = 0; i < rows; i++) {
        const v = values[i];
        if (v === null || (typeof v === 'number' && v !== v)) missing++;
        else if (!this.expected(v)) u.addCell(v);
      }
    }
    this.missing += missing;
  }
}
