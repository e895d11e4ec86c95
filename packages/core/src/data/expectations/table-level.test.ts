/** The table-level expectations' kwargs and GE quirks (their results against the oracle: column-map.test.ts). */
import { describe, expect, it } from 'vitest';

import { Kwargs } from './kwargs.js';
import { TABLE_EXPECTATIONS } from './table-level.js';

describe('table-level kwargs', () => {
  const build = (type: string, kwargs: Record<string, unknown>) =>
    TABLE_EXPECTATIONS.find((d) => d.type === type)!.build(new Kwargs({ type, kwargs, meta: {}, index: 2 }, 'suite.json'), {
      partialUnexpectedCount: 20,
    });

  it('refuses a row count that is not a whole number, naming the entry and key', () => {
    expect(() => build('expect_table_row_count_to_equal', { value: 2.5 })).toThrow(
      'suite.json: expectation 3 (expect_table_row_count_to_equal), kwargs.value: expected a whole number >= 0, got 2.5.',
    );
    expect(() => build('expect_table_row_count_to_equal', {})).toThrow('kwargs.value: is required');
  });

  it('reads no column, so a table without the column still runs it', () => {
    const e = build('expect_column_to_exist', { column: 'x' });
    expect(e.columns).toEqual([]);
    expect(e.finish({ rows: 0, columns: [] })).toEqual({ success: false, result: {} });
  });

  it('column_set null is the empty set, as in GE (any column is then unexpected)', () => {
    const columns = [
      { name: 'b', dtype: 'int64' },
      { name: 'a', dtype: 'int64' },
    ];
    expect(build('expect_table_columns_to_match_set', { column_set: null }).finish({ rows: 1, columns })).toEqual({
      success: false,
      result: { observed_value: ['a', 'b'], details: { mismatched: { unexpected: ['a', 'b'] } } },
    });
    expect(build('expect_table_columns_to_match_set', { column_set: null, exact_match: false }).finish({ rows: 1, columns }).success).toBe(
      true,
    );
  });
});
