/**
 * The one accumulator every column-map expectation counts with, and the result it reports, in
 * Great Expectations' shape (ColumnMapExpectation._validate + _format_map_output). Memory is
 * constant: counts, and the first `keep` unexpected values (GE's partial_unexpected_count).
 */
import { jsonValue } from '../values.js';
import type { Cell } from '../table.js';
import type { ExpectationOutcome, ExpectationResultDetails } from './expectation.js';
import { pythonCompare } from './map-python.js';

/** The unexpected values of one column-map check: how many, and the first `keep` in row order. */
export class UnexpectedValues {
  count = 0;
  readonly partial: unknown[] = [];

  constructor(readonly keep: number) {}

  /** One unexpected value, already in its report form (jsonValue, or a pair for column pairs). */
  add(value: unknown): void {
    this.count++;
    if (this.partial.length < this.keep) this.partial.push(value);
  }

  addCell(cell: Cell): void {
    this.count++;
    if (this.partial.length < this.keep) this.partial.push(jsonValue(cell));
  }
}

/**
 * GE's _mostly_success: (considered - unexpected) / considered >= mostly, in floating point as GE
 * computes it; vacuously true when nothing is considered (no rows, or every value missing).
 */
export function mostlySuccess(considered: number, unexpected: number, mostly: number): boolean {
  if (considered === 0) return true;
  return (considered - unexpected) / considered >= mostly;
}

const keyOf = (value: unknown): string => JSON.stringify(value) ?? 'undefined';
const holdsNull = (value: unknown): boolean => value === null || (Array.isArray(value) && value.includes(null));

/**
 * GE's partial_unexpected_counts: counted over the partial list (not over every unexpected value:
 * the pandas metric returns only the first partial_unexpected_count values), most common first,
 * ties by value (Python's sorted(key=(-count, value))). Python raises TypeError sorting a tie of a
 * str and a number, or of None and anything: GE then leaves the key out, so this returns undefined.
 * `floatNulls`: the nulls are NaNs of a float column. Each is its own object, which Python's Counter
 * keeps apart (hash(nan) is by identity): a value holding one is an entry of its own, count 1; and
 * NaN compares false both ways instead of raising. In an object column None is one key.
 */
export function partialUnexpectedCounts(partial: readonly unknown[], floatNulls = false): { value: unknown; count: number }[] | undefined {
  const counts = new Map<string, { value: unknown; count: number }>();
  partial.forEach((value, i) => {
    const key = floatNulls && holdsNull(value) ? `nan${i}` : keyOf(value);
    const entry = counts.get(key);
    if (entry) entry.count++;
    else counts.set(key, { value, count: 1 });
  });
  const entries = [...counts.values()];
  let comparable = true;
  entries.sort((a, b) => {
    if (a.count !== b.count) return b.count - a.count;
    const c = pythonCompare(a.value as never, b.value as never, floatNulls);
    if (c === undefined) comparable = false;
    return c ?? 0;
  });
  return comparable ? entries : undefined;
}

/** The counts of a column-map check over a whole column. */
export interface MapCounts {
  /** Rows of the table (GE's element_count). */
  rows: number;
  /** Rows left out of the check: missing values (or, for column pairs, the rows ignore_row_if drops). */
  missing: number;
  unexpected: UnexpectedValues;
}

/**
 * The outcome of a column-map expectation whose missing values are left out (every one but the two
 * null checks): unexpected_percent is of the non-missing values, and the missing ones are reported.
 */
export function mapOutcome(counts: MapCounts, mostly: number, floatNulls = false): ExpectationOutcome {
  const { rows, missing, unexpected } = counts;
  const nonmissing = rows - missing;
  const percentOfRows = (n: number): number | null => (rows > 0 ? (n / rows) * 100 : null);
  const nonmissingPercent = rows > 0 && nonmissing > 0 ? (unexpected.count / nonmissing) * 100 : null;
  const result: ExpectationResultDetails = {
    element_count: rows,
    unexpected_count: unexpected.count,
    unexpected_percent: nonmissingPercent,
    partial_unexpected_list: [...unexpected.partial],
    missing_count: missing,
    missing_percent: percentOfRows(missing),
    unexpected_percent_total: percentOfRows(unexpected.count),
    unexpected_percent_nonmissing: nonmissingPercent,
  };
  withCounts(result, unexpected, floatNulls);
  return { success: mostlySuccess(nonmissing, unexpected.count, mostly), result };
}

/**
 * The outcome of expect_column_values_to_(not_)be_null: every row is considered, the nulls are the
 * unexpected values (or the only expected ones), and GE reports no missing_count: its _validate
 * passes nonnull_count=None, so unexpected_percent is of all rows and the missing keys are absent.
 */
export function nullCheckOutcome(rows: number, unexpected: UnexpectedValues, mostly: number, floatNulls = false): ExpectationOutcome {
  const result: ExpectationResultDetails = {
    element_count: rows,
    unexpected_count: unexpected.count,
    unexpected_percent: rows > 0 ? (unexpected.count / rows) * 100 : null,
    partial_unexpected_list: [...unexpected.partial],
  };
  withCounts(result, unexpected, floatNulls);
  return { success: mostlySuccess(rows, unexpected.count, mostly), result };
}

function withCounts(result: ExpectationResultDetails, unexpected: UnexpectedValues, floatNulls: boolean): void {
  if (unexpected.keep <= 0) return;
  const counts = partialUnexpectedCounts(unexpected.partial, floatNulls);
  if (counts) result.partial_unexpected_counts = counts;
}
