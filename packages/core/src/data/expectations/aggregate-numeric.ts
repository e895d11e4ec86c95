/**
 * What every numeric aggregate expectation shares: a batch's column read as numbers (NaN for a
 * missing value), the first text value remembered so the entry can fail saying where it is, and
 * GE's min_value / max_value / strict_min / strict_max check of the observed value.
 */
import { UserError } from '../../errors.js';
import type { ColumnValues } from '../table.js';
import { jsonValue } from '../values.js';
import type { ExpectationOutcome } from './expectation.js';
import type { Kwargs } from './kwargs.js';

/**
 * A column's values as numbers, batch by batch. A Float64Array batch is used as it is (the fast
 * path: no copy); an array batch is copied into one reused scratch array: numbers as they are,
 * booleans as 1 and 0 (pandas sums and averages a bool column so), bigints as the nearest double,
 * null as NaN. Text is not a number: pandas raises a TypeError on `mean()` of a column holding
 * text, and GE reports the entry as failed with the exception. We do the same (never a pass):
 * the first text value and its row are kept, and `check()` throws a UserError naming them, which
 * the suite runner turns into the entry's exception_info.
 */
export class NumericColumn {
  private scratch = new Float64Array(0);
  /** Rows of the earlier batches of the current pass (for the row number of a text value). */
  private rowsBefore = 0;
  private pass = 0;
  private text: { value: string; row: number } | undefined;

  constructor(
    readonly column: string,
    readonly type: string,
  ) {}

  /** The batch's values as numbers (NaN when missing or text); valid until the next call. */
  numbers(values: ColumnValues, rows: number, pass: number): Float64Array {
    if (pass !== this.pass) {
      this.pass = pass;
      this.rowsBefore = 0;
    }
    const offset = this.rowsBefore;
    this.rowsBefore += rows;
    if (values instanceof Float64Array) return values;
    if (this.scratch.length < rows) this.scratch = new Float64Array(Math.max(rows, 2 * this.scratch.length));
    const out = this.scratch;
    for (let i = 0; i < rows; i++) {
      const c = values[i];
      if (typeof c === 'number') out[i] = c;
      else if (c === null) out[i] = NaN;
      else if (typeof c === 'boolean') out[i] = c ? 1 : 0;
      else if (typeof c === 'bigint') out[i] = Number(c);
      else {
        out[i] = NaN;
        if (this.text === undefined) this.text = { value: c, row: offset + i + 1 };
      }
    }
    return out;
  }

  /** Throws the UserError that fails the entry when the column held text. */
  check(): void {
    if (this.text === undefined) return;
    const shown = this.text.value.length > 40 ? `${this.text.value.slice(0, 37)}...` : this.text.value;
    throw new UserError(
      `${this.type}: column '${this.column}' holds text (${JSON.stringify(shown)} in row ${this.text.row}), ` +
        'not numbers: this aggregate needs a numeric column (pandas raises a TypeError here, and the entry fails).',
    );
  }
}

/** GE's bounds of an observed value: either may be absent (unbounded), each inclusive unless strict. */
export interface Bounds {
  min?: number;
  max?: number;
  strictMin: boolean;
  strictMax: boolean;
}

export const BETWEEN_KWARGS = ['column', 'min_value', 'max_value', 'strict_min', 'strict_max'] as const;

export function readBounds(kwargs: Kwargs): Bounds {
  return {
    min: kwargs.optionalNumber('min_value'),
    max: kwargs.optionalNumber('max_value'),
    strictMin: kwargs.boolean('strict_min', false),
    strictMax: kwargs.boolean('strict_max', false),
  };
}

/** Whether v is within the bounds (GE's `_validate_metric_value_between`). */
export function withinBounds(v: number, b: Bounds): boolean {
  const aboveMin = b.min === undefined || (b.strictMin ? v > b.min : v >= b.min);
  const belowMax = b.max === undefined || (b.strictMax ? v < b.max : v <= b.max);
  return aboveMin && belowMax;
}

/** GE's outcome of a "metric between" expectation: a missing (null/NaN) metric fails, observed null. */
export function betweenOutcome(value: number | null, bounds: Bounds): ExpectationOutcome {
  if (value === null || Number.isNaN(value)) return { success: false, result: { observed_value: null } };
  return { success: withinBounds(value, bounds), result: { observed_value: jsonValue(value) } };
}
