/**
 * A table read in batches: what every data source (CSV, Parquet, .npy/.npz) yields and what every
 * check (an expectation, the drift and leakage statistics) reads. Values stream through; nothing
 * holds the whole table.
 */

/** One value of a table, null when missing (an empty CSV field, a Parquet null, NaN). */
export type Cell = number | string | boolean | bigint | null;

/**
 * One column's values in one batch. A Float64Array holds numbers, with NaN for a missing value;
 * an array holds any cells, with null for a missing value (never NaN: sources turn NaN into null).
 * A column may come as a Float64Array in one batch and as an array in the next (a CSV column whose
 * first rows are numbers and a later one is text): readers of values must accept both.
 */
export type ColumnValues = Float64Array | readonly Cell[];

/** The cell at row i of a batch's column: NaN in a Float64Array reads as null. */
export function cellAt(values: ColumnValues, i: number): Cell {
  const v = values[i];
  return typeof v === 'number' && Number.isNaN(v) ? null : v;
}

/** Whether the cell at row i is missing (null, or NaN in a Float64Array). */
export function isMissingAt(values: ColumnValues, i: number): boolean {
  const v = values[i];
  return v === null || (typeof v === 'number' && Number.isNaN(v));
}

/**
 * A column as pandas would type it after reading the whole file, the names Great Expectations
 * compares `type_` against: 'int64', 'int32', 'float64', 'float32', 'bool', 'object' (text or
 * mixed), 'datetime64[ns]'... For CSV the type is known only after the last row (a column is
 * int64 until one row says 1.5): read it from TableSource.columns after a full pass.
 */
export interface ColumnInfo {
  name: string;
  dtype: string;
}

export interface TableBatch {
  rows: number;
  /** The values, in the order of the columns asked for (TableSource.batches' `columns`, or all). */
  columns: readonly ColumnValues[];
}

export type TableFormat = 'csv' | 'parquet' | 'npy' | 'npz';

export interface BatchOptions {
  /** The columns to read, by name (default all, in file order). Parquet reads only these. */
  columns?: readonly string[];
  /** Rows per batch (default 65,536; a Parquet batch is at most one row group's page run). */
  batchRows?: number;
}

/**
 * A table file opened for reading. `batches()` reads from the first row each time it is called,
 * so a check that needs a second pass (an exact median) can have one.
 */
export interface TableSource {
  /** The file as the user named it. */
  readonly path: string;
  readonly format: TableFormat;
  /** The columns, in file order; for CSV the dtypes are final only after a full pass. */
  readonly columns: readonly ColumnInfo[];
  /** The number of rows when the file says it up front (Parquet, .npy), else undefined. */
  readonly rows?: number;
  batches(options?: BatchOptions): AsyncIterable<TableBatch>;
  close(): Promise<void>;
}
