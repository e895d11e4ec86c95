/**
 * The contract between a Great Expectations suite's entries and the engine that runs them over a
 * table in one streaming pass (or a few, for an exact median). Each supported expectation type has
 * an ExpectationDefinition in the registry; the suite parser checks an entry's kwargs against it
 * and builds an Expectation, which observes batches of its columns and then reports its outcome in
 * Great Expectations' own result shape (the names are GE's, snake_case, so the JSON GE tools read).
 */
import type { ColumnInfo, ColumnValues } from '../table.js';

/** One entry of a suite, as written: `expectation_type` (classic) or `type` (1.x), kwargs, meta. */
export interface ExpectationConfig {
  type: string;
  kwargs: Readonly<Record<string, unknown>>;
  meta: Readonly<Record<string, unknown>>;
  /** Its position in the suite's `expectations` list, from 0 (messages say "expectation 1" for 0). */
  index: number;
}

/** The batch an expectation sees: its own columns' values, in the order of Expectation.columns. */
export interface ExpectationBatch {
  /** 1 for the first pass over the table, 2 for a second one an expectation asked for, ... */
  pass: number;
  rows: number;
  values: readonly ColumnValues[];
}

/** What is known of the whole table once the pass is over. */
export interface TableSummary {
  rows: number;
  /** Every column of the file, in file order, with its final dtype. */
  columns: readonly ColumnInfo[];
}

/** GE's `result` object; each expectation fills what GE fills for its kind. */
export interface ExpectationResultDetails {
  observed_value?: unknown;
  element_count?: number;
  missing_count?: number;
  missing_percent?: number | null;
  unexpected_count?: number;
  unexpected_percent?: number | null;
  unexpected_percent_total?: number | null;
  unexpected_percent_nonmissing?: number | null;
  /** The first unexpected values, in row order (at most `partialUnexpectedCount`, GE's 20). */
  partial_unexpected_list?: unknown[];
  /** How often each of the first unexpected values occurs among the unexpected ones, most first. */
  partial_unexpected_counts?: { value: unknown; count: number }[];
  details?: Record<string, unknown>;
}

export interface ExpectationOutcome {
  success: boolean;
  result: ExpectationResultDetails;
}

/** A built expectation. One instance per suite entry; it sees every batch of the table once per pass. */
export interface Expectation {
  /**
   * The columns it reads, by name. When one is not in the table, the engine does not call
   * observe/finish: the entry fails with GE's exception_info ("column 'x' not found"), unless
   * `handlesMissingColumns` is set (expect_column_to_exist, the table-level column checks).
   */
  readonly columns: readonly string[];
  readonly handlesMissingColumns?: boolean;
  observe(batch: ExpectationBatch): void;
  /** Called after each pass (1, 2, ...): true to be shown the table once more (exact quantiles). */
  wantsAnotherPass?(pass: number): boolean;
  finish(table: TableSummary): ExpectationOutcome;
}

/** How many unexpected values the partial lists keep (GE's `partial_unexpected_count`, 20). */
export interface BuildContext {
  partialUnexpectedCount: number;
}

/** One supported expectation type. */
export interface ExpectationDefinition {
  /** 'expect_column_values_to_be_between' */
  type: string;
  /**
   * The kwargs it reads (besides those every entry may carry: result_format, catch_exceptions,
   * include_config, meta). A key not listed is an error naming it, never ignored.
   */
  kwargs: readonly string[];
  build(kwargs: import('./kwargs.js').Kwargs, context: BuildContext): Expectation;
}
