/**
 * expect_column_values_to_be_unique and expect_compound_columns_to_be_unique: GE's map
 * expectations over pandas' `duplicated(keep=False)` — every row whose value (or tuple of values)
 * occurs more than once is unexpected, the first occurrence included.
 *
 * Pass 1 counts each value (tuple); the unexpected count is then the sum of the counts above 1.
 * When there are duplicates, pass 2 lists the first `partialUnexpectedCount` duplicated values in
 * row order (GE's partial_unexpected_list), and stops looking once the list is full.
 *
 * A column's numbers are counted by NumberDuplicates, in bounded memory whatever the number of
 * distinct values (past ~730,000 it spills to temporary files: distinct-duplicates.ts); its text
 * by ValueCounts, whose memory grows with the distinct texts. A compound key is one string per distinct tuple (its cells' valueKeys with their
 * lengths, ~40-80 bytes with the Map entry), so 10M distinct rows cost ~0.5-1 GB. A V8 Map holds
 * at most 2^24 (16.7M) keys.
 */
import type { Cell, ColumnValues } from '../table.js';
import { cellAt } from '../table.js';
import { jsonValue, valueKey } from '../values.js';
import type { BuildContext, Expectation, ExpectationBatch, ExpectationOutcome, ExpectationResultDetails } from './expectation.js';
import type { Kwargs } from './kwargs.js';
import { ValueCounts, compareCells } from './distinct-counts.js';
import { NumberDuplicates, type DuplicateLimits } from './distinct-duplicates.js';

interface MapCounts {
  rows: number;
  /** Rows considered (non-missing, or not ignored): GE's nonnull / filtered row count. */
  considered: number;
  unexpected: number;
  partial: unknown[];
}

/** Python's order of the partial values for partial_unexpected_counts (tuples element-wise; None first). */
function compareJson(a: unknown, b: unknown): number {
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const c = compareJson(a[i], b[i]);
      if (c !== 0) return c;
    }
    return a.length - b.length;
  }
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  return compareCells(a as Exclude<Cell, null>, b as Exclude<Cell, null>);
}

/** GE's _format_map_output (SUMMARY), and _mostly_success; vacuously true with no rows considered. */
export function mapOutcome(c: MapCounts, mostly: number, partialCount: number): ExpectationOutcome {
  const missing = c.rows - c.considered;
  const success = c.rows === 0 || c.considered === 0 ? true : (c.considered - c.unexpected) / c.considered >= mostly;
  const nonmissing = c.rows > 0 && c.considered > 0 ? (c.unexpected / c.considered) * 100 : null;
  const partial = c.partial.slice(0, partialCount);
  const tally = new Map<string, { value: unknown; count: number }>();
  for (const v of partial) {
    const key = JSON.stringify(v);
    const entry = tally.get(key);
    if (entry) entry.count++;
    else tally.set(key, { value: v, count: 1 });
  }
  const counts = [...tally.values()].sort((a, b) => b.count - a.count || compareJson(a.value, b.value));
  const result: ExpectationResultDetails = {
    element_count: c.rows,
    unexpected_count: c.unexpected,
    unexpected_percent: nonmissing,
    partial_unexpected_list: partial,
    missing_count: missing,
    missing_percent: c.rows > 0 ? (missing / c.rows) * 100 : null,
    unexpected_percent_total: c.rows > 0 ? (c.unexpected / c.rows) * 100 : null,
    unexpected_percent_nonmissing: nonmissing,
    partial_unexpected_counts: counts,
  };
  return { success, result };
}

export function valuesUnique(kwargs: Kwargs, context: BuildContext, limits: Partial<DuplicateLimits> = {}): Expectation {
  const column = kwargs.column();
  const mostly = kwargs.mostly();
  // numbers (and integral bigints) by NumberDuplicates, in bounded memory; text and the rest by value
  const numbers = new NumberDuplicates(context.partialUnexpectedCount, limits);
  const others = new ValueCounts();
  let earliest = new Set<number>();
  const partial: unknown[] = [];
  let rows = 0;
  let considered = 0;
  let unexpected = 0;
  const numberOf = (cell: Exclude<Cell, null>): number | undefined =>
    typeof cell === 'number' ? cell : typeof cell === 'bigint' && BigInt(Number(cell)) === cell ? Number(cell) : undefined;
  return {
    columns: [column],
    observe(batch: ExpectationBatch) {
      const values = batch.values[0];
      if (batch.pass === 1 && values instanceof Float64Array) {
        for (let i = 0; i < batch.rows; i++) {
          const x = values[i];
          if (x !== x) continue; // NaN: missing
          considered++;
          numbers.add(x, rows + i);
        }
        rows += batch.rows;
        return;
      }
      if (batch.pass === 1) {
        for (let i = 0; i < batch.rows; i++) {
          const cell = cellAt(values, i);
          if (cell === null) continue;
          considered++;
          const x = numberOf(cell);
          if (x !== undefined) numbers.add(x, rows + i);
          else others.add([cell], 1);
        }
        rows += batch.rows;
        return;
      }
      for (let i = 0; i < batch.rows && partial.length < context.partialUnexpectedCount; i++) {
        const cell = cellAt(values, i);
        if (cell === null) continue;
        const x = numberOf(cell);
        if (x !== undefined ? earliest.has(x === 0 ? 0 : x) : others.countOf(cell) > 1) partial.push(jsonValue(cell));
      }
    },
    wantsAnotherPass(pass: number) {
      if (pass !== 1) return false;
      const found = numbers.finish();
      earliest = found.earliest;
      unexpected = found.unexpected + others.duplicated();
      return unexpected > 0 && context.partialUnexpectedCount > 0;
    },
    finish: () => mapOutcome({ rows, considered, unexpected, partial }, mostly, context.partialUnexpectedCount),
  };
}

type IgnoreRowIf = 'all_values_are_missing' | 'any_value_is_missing' | 'never';
const IGNORE_ROW_IF: readonly IgnoreRowIf[] = ['all_values_are_missing', 'any_value_is_missing', 'never'];

/**
 * A row's tuple as one string key (each cell's valueKey prefixed by its length, '_' for missing),
 * or undefined when ignore_row_if drops the row.
 */
function rowKey(values: readonly ColumnValues[], i: number, ignore: IgnoreRowIf): string | undefined {
  let key = '';
  let missing = 0;
  for (const column of values) {
    const cell = cellAt(column, i);
    if (cell === null) {
      missing++;
      key += '_;';
    } else {
      const k = valueKey(cell);
      key += `${k.length}:${k}`;
    }
  }
  if (ignore === 'any_value_is_missing' && missing > 0) return undefined;
  if (ignore === 'all_values_are_missing' && missing === values.length) return undefined;
  return key;
}

export function compoundUnique(kwargs: Kwargs, context: BuildContext): Expectation {
  const columns = kwargs.stringList('column_list');
  if (columns.length === 0) throw kwargs.error('column_list', 'expected at least one column');
  const ignore = (kwargs.optionalString('ignore_row_if') ?? 'all_values_are_missing') as IgnoreRowIf;
  if (!IGNORE_ROW_IF.includes(ignore)) throw kwargs.error('ignore_row_if', `expected one of ${IGNORE_ROW_IF.join(', ')}`);
  const mostly = kwargs.mostly();
  const counts = new Map<string, number>();
  const partial: unknown[] = [];
  let rows = 0;
  let considered = 0;
  let unexpected = 0;
  return {
    columns,
    observe(batch: ExpectationBatch) {
      if (batch.pass === 1) rows += batch.rows;
      for (let i = 0; i < batch.rows; i++) {
        if (batch.pass !== 1 && partial.length >= context.partialUnexpectedCount) return;
        const key = rowKey(batch.values, i, ignore);
        if (key === undefined) continue;
        if (batch.pass === 1) {
          considered++;
          counts.set(key, (counts.get(key) ?? 0) + 1);
        } else if (counts.get(key)! > 1) {
          partial.push(Object.fromEntries(columns.map((c, j) => [c, jsonValue(cellAt(batch.values[j], i))])));
        }
      }
    },
    wantsAnotherPass(pass: number) {
      if (pass !== 1) return false;
      for (const count of counts.values()) if (count > 1) unexpected += count;
      return unexpected > 0 && context.partialUnexpectedCount > 0;
    },
    finish() {
      const outcome = mapOutcome({ rows, considered, unexpected, partial }, mostly, context.partialUnexpectedCount);
      // GE counts the partial rows as tuples of their values
      const tuples = partial
        .slice(0, context.partialUnexpectedCount)
        .map((row): unknown[] => Object.values(row as Record<string, unknown>));
      outcome.result.partial_unexpected_counts = mapOutcome(
        { rows, considered, unexpected, partial: tuples },
        mostly,
        context.partialUnexpectedCount,
      ).result.partial_unexpected_counts;
      return outcome;
    },
  };
}
