/**
 * Great Expectations' distinct-value expectations, over pandas' value_counts() of the column's
 * non-missing values (ValueCounts: memory grows with the number of distinct values, not rows),
 * and the two uniqueness map expectations (distinct-unique.ts).
 *
 * Observed values as GE writes them: the sorted list of distinct values for the set expectations,
 * with details.value_counts [{value, count}] sorted by value; the count or proportion for the
 * between ones; the list of modes for most_common_value.
 */
import type { Cell } from '../table.js';
import { jsonValue, suiteValueAsCell, valueKey } from '../values.js';
import type { Expectation, ExpectationBatch, ExpectationDefinition, ExpectationOutcome } from './expectation.js';
import type { Kwargs } from './kwargs.js';
import { betweenOutcome, readBounds } from './aggregate-numeric.js';
import { ValueCounts } from './distinct-counts.js';
import { compoundUnique, valuesUnique } from './distinct-unique.js';

/** value_set's members as valueKeys; an empty set when absent and `optional`. */
function readValueSet(kwargs: Kwargs, optional: boolean): Set<string> {
  if (optional && !kwargs.has('value_set')) return new Set();
  return new Set(
    kwargs.list('value_set').map((v, i) => {
      const cell = suiteValueAsCell(v);
      if (cell === undefined) throw kwargs.error(`value_set[${i}]`, `expected a number, text or boolean, got ${JSON.stringify(v)}`);
      return valueKey(cell);
    }),
  );
}

/** An expectation on the column's value counts, decided once the pass is over. */
function countsExpectation(column: string, decide: (counts: ValueCounts, rows: number) => ExpectationOutcome): Expectation {
  const counts = new ValueCounts();
  let rows = 0;
  return {
    columns: [column],
    observe(batch: ExpectationBatch) {
      rows += batch.rows;
      counts.add(batch.values[0], batch.rows);
    },
    finish: () => decide(counts, rows),
  };
}

type SetRule = (observed: ReadonlySet<string>, expected: ReadonlySet<string>) => boolean;

function setDefinition(type: string, optional: boolean, rule: SetRule): ExpectationDefinition {
  return {
    type,
    kwargs: ['column', 'value_set'],
    build(kwargs: Kwargs): Expectation {
      const expected = readValueSet(kwargs, optional);
      return countsExpectation(kwargs.column(), (counts) => {
        const entries = counts.entries();
        const observed = new Set(entries.map((e) => valueKey(e.value)));
        return {
          success: rule(observed, expected),
          result: {
            observed_value: entries.map((e) => jsonValue(e.value)),
            details: { value_counts: entries.map((e) => ({ value: jsonValue(e.value), count: e.count })) },
          },
        };
      });
    },
  };
}

const subset = (a: ReadonlySet<string>, b: ReadonlySet<string>): boolean => [...a].every((k) => b.has(k));

function betweenDefinition(type: string, statistic: (counts: ValueCounts, rows: number) => number): ExpectationDefinition {
  return {
    type,
    kwargs: ['column', 'min_value', 'max_value', 'strict_min', 'strict_max'],
    build(kwargs: Kwargs): Expectation {
      const bounds = readBounds(kwargs);
      return countsExpectation(kwargs.column(), (counts, rows) => betweenOutcome(statistic(counts, rows), bounds));
    },
  };
}

/** GE's unique_proportion: distinct / non-missing, 0 when there is no non-missing value. */
function uniqueProportion(counts: ValueCounts, rows: number): number {
  return rows > 0 && counts.nonMissing > 0 ? counts.distinct / counts.nonMissing : 0;
}

const mostCommonDefinition: ExpectationDefinition = {
  type: 'expect_column_most_common_value_to_be_in_set',
  kwargs: ['column', 'value_set', 'ties_okay'],
  build(kwargs: Kwargs): Expectation {
    const expected = readValueSet(kwargs, true);
    const tiesOkay = kwargs.boolean('ties_okay', false);
    return countsExpectation(kwargs.column(), (counts) => {
      const entries = counts.entries();
      const top = entries.reduce((m, e) => Math.max(m, e.count), 0);
      // pandas' mode(): every value of the highest count, sorted
      const modes: Exclude<Cell, null>[] = entries.filter((e) => e.count === top).map((e) => e.value);
      const hits = modes.filter((v) => expected.has(valueKey(v))).length;
      const success = tiesOkay ? hits > 0 : modes.length === 1 && hits === 1;
      return { success, result: { observed_value: modes.map((v) => jsonValue(v)) } };
    });
  },
};

export const DISTINCT_EXPECTATIONS: readonly ExpectationDefinition[] = [
  setDefinition(
    'expect_column_distinct_values_to_be_in_set',
    true,
    (observed, expected) => expected.size === 0 || subset(observed, expected),
  ),
  setDefinition('expect_column_distinct_values_to_contain_set', false, (observed, expected) => subset(expected, observed)),
  setDefinition(
    'expect_column_distinct_values_to_equal_set',
    false,
    (observed, expected) => subset(observed, expected) && subset(expected, observed),
  ),
  betweenDefinition('expect_column_unique_value_count_to_be_between', (counts) => counts.distinct),
  betweenDefinition('expect_column_proportion_of_unique_values_to_be_between', uniqueProportion),
  mostCommonDefinition,
  { type: 'expect_column_values_to_be_unique', kwargs: ['column', 'mostly'], build: valuesUnique },
  { type: 'expect_compound_columns_to_be_unique', kwargs: ['column_list', 'ignore_row_if', 'mostly'], build: compoundUnique },
];
