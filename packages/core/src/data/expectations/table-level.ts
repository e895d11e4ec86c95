/**
 * The table-level expectations: the row count, the column count and names, a column's presence.
 * They read no values (the rows come from TableSummary at the end of the pass), so they run
 * whatever columns the table lacks. Results follow Great Expectations 1.2 (expectations/core/).
 */
import type { ColumnInfo } from '../table.js';
import type { Expectation, ExpectationDefinition, ExpectationOutcome, TableSummary } from './expectation.js';
import type { Kwargs } from './kwargs.js';

/** An expectation decided from the table's shape alone. */
function tableCheck(decide: (table: TableSummary) => ExpectationOutcome): Expectation {
  return { columns: [], handlesMissingColumns: true, observe: () => undefined, finish: decide };
}

const names = (columns: readonly ColumnInfo[]): string[] => columns.map((c) => c.name);

/** A count the suite gives (row or column count): a whole number, >= 0. */
function count(kw: Kwargs, key: string, required: boolean): number | undefined {
  const v = required ? kw.number(key) : kw.optionalNumber(key);
  if (v !== undefined && (!Number.isInteger(v) || v < 0)) throw kw.error(key, `expected a whole number >= 0, got ${v}`);
  return v;
}

function rowCountBetween(kw: Kwargs): Expectation {
  const min = count(kw, 'min_value', false);
  const max = count(kw, 'max_value', false);
  return tableCheck(({ rows }) => ({
    success: (min === undefined || rows >= min) && (max === undefined || rows <= max),
    result: { observed_value: rows },
  }));
}

function equalTo(kw: Kwargs, of: (table: TableSummary) => number): Expectation {
  const value = count(kw, 'value', true);
  return tableCheck((table) => ({ success: of(table) === value, result: { observed_value: of(table) } }));
}

/** GE: the columns in order; when they differ, every position whose expected and found names differ. */
function orderedList(kw: Kwargs): Expectation {
  const expected = kw.has('column_list') ? kw.stringList('column_list') : undefined;
  return tableCheck((table) => {
    const actual = names(table.columns);
    if (expected === undefined || (expected.length === actual.length && expected.every((c, i) => c === actual[i]))) {
      return { success: true, result: { observed_value: actual } };
    }
    const mismatched = [];
    for (let i = 0; i < Math.max(expected.length, actual.length); i++) {
      const e = expected[i] ?? null;
      const f = actual[i] ?? null;
      if (e !== f) mismatched.push({ 'Expected Column Position': i, Expected: e, Found: f });
    }
    return { success: false, result: { observed_value: actual, details: { mismatched } } };
  });
}

const sorted = (xs: Iterable<string>): string[] => [...xs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

/**
 * GE: the column names as a set. exact_match (default true, GE's classic default) fails on extra
 * columns too; without it only missing ones fail. A null column_set is GE's empty set (so with
 * exact_match any column is unexpected). On a mismatch observed_value is sorted, as GE does.
 */
function matchSet(kw: Kwargs): Expectation {
  const expected = new Set(kw.has('column_set') ? kw.stringList('column_set') : []);
  const exact = kw.boolean('exact_match', true);
  return tableCheck((table) => {
    const actualList = names(table.columns);
    const actual = new Set(actualList);
    const unexpected = sorted([...actual].filter((c) => !expected.has(c)));
    const missing = sorted([...expected].filter((c) => !actual.has(c)));
    if (unexpected.length === 0 && missing.length === 0) return { success: true, result: { observed_value: actualList } };
    const mismatched: Record<string, string[]> = {};
    if (unexpected.length > 0) mismatched.unexpected = unexpected;
    if (missing.length > 0) mismatched.missing = missing;
    const success = !exact && missing.length === 0;
    return { success, result: { observed_value: sorted(actualList), details: { mismatched } } };
  });
}

/**
 * GE: with a column_index, the column at that position (Python indexing: -1 is the last; out of
 * range fails); without one — or with 0, which GE's `if column_index:` takes as none — anywhere.
 * The result has no observed_value (GE returns only success).
 */
function columnToExist(kw: Kwargs): Expectation {
  const column = kw.column();
  const index = kw.optionalNumber('column_index');
  if (index !== undefined && !Number.isInteger(index)) throw kw.error('column_index', `expected a whole number, got ${index}`);
  return tableCheck((table) => {
    const actual = names(table.columns);
    if (!index) return { success: actual.includes(column), result: {} };
    const at = index < 0 ? actual.length + index : index;
    return { success: at >= 0 && at < actual.length && actual[at] === column, result: {} };
  });
}

export const TABLE_EXPECTATIONS: readonly ExpectationDefinition[] = [
  { type: 'expect_table_row_count_to_be_between', kwargs: ['min_value', 'max_value'], build: rowCountBetween },
  { type: 'expect_table_row_count_to_equal', kwargs: ['value'], build: (kw) => equalTo(kw, (t) => t.rows) },
  { type: 'expect_table_column_count_to_equal', kwargs: ['value'], build: (kw) => equalTo(kw, (t) => t.columns.length) },
  { type: 'expect_table_columns_to_match_ordered_list', kwargs: ['column_list'], build: orderedList },
  { type: 'expect_table_columns_to_match_set', kwargs: ['column_set', 'exact_match'], build: matchSet },
  { type: 'expect_column_to_exist', kwargs: ['column', 'column_index'], build: columnToExist },
];
