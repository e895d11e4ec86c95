// The distinct-value and uniqueness expectations (distinct.ts) against what GE 1.2 computes with
// pandas on the same columns: fixtures/aggregate/make.py wrote data.json and expected.json.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../errors.js';
import type { Cell, ColumnValues } from '../table.js';
import type { Expectation, ExpectationConfig, ExpectationOutcome } from './expectation.js';
import { Kwargs } from './kwargs.js';
import { DISTINCT_EXPECTATIONS } from './distinct.js';
import { NumberCounts, compareCodePoints } from './distinct-counts.js';
import { valuesUnique } from './distinct-unique.js';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`./fixtures/aggregate/${name}`, import.meta.url), 'utf8'));
const data = fixture('data.json') as Record<string, Cell[]>;
interface Case {
  name: string;
  type: string;
  kwargs: Record<string, unknown>;
  success: boolean;
  result: Record<string, unknown>;
}
const expected = fixture('expected.json') as { partial_unexpected_count: number; cases: Case[] };
const definitions = new Map(DISTINCT_EXPECTATIONS.map((d) => [d.type, d]));

function build(type: string, kwargs: Record<string, unknown>, partialUnexpectedCount = 20): Expectation {
  const config: ExpectationConfig = { type, kwargs, meta: {}, index: 2 };
  return definitions.get(type)!.build(new Kwargs(config, 'suite.json'), { partialUnexpectedCount });
}

/** A batch's column: a Float64Array (NaN for missing) when asked and every cell is a number, else the cells. */
function columnValues(cells: Cell[], typed: boolean): ColumnValues {
  if (typed && cells.every((c) => c === null || typeof c === 'number')) return Float64Array.from(cells, (c) => (c === null ? NaN : c));
  return cells;
}

/** Runs an expectation over columns in batches of `size` rows, alternating the two representations. */
function run(
  e: Expectation,
  columns: Record<string, Cell[]>,
  size: number,
  typedFirst: boolean,
): { outcome: ExpectationOutcome; passes: number } {
  const cols = e.columns.map((c) => columns[c]);
  const rows = cols[0].length;
  let pass = 1;
  for (;;) {
    for (let s = 0, b = 0; s < rows; s += size, b++) {
      const typed = b % 2 === 0 ? typedFirst : !typedFirst;
      e.observe({ pass, rows: Math.min(size, rows - s), values: cols.map((col) => columnValues(col.slice(s, s + size), typed)) });
    }
    if (!e.wantsAnotherPass?.(pass)) break;
    pass++;
  }
  return { outcome: e.finish({ rows, columns: [] }), passes: pass };
}

/** Expected ⊆ actual, numbers to 1e-12 relative. */
function expectClose(actual: unknown, wanted: unknown, path = 'result'): void {
  if (typeof wanted === 'number' && typeof actual === 'number') {
    if (!(Math.abs(actual - wanted) <= 1e-12 * Math.abs(wanted))) expect.fail(`${path}: ${actual} is not ${wanted}`);
    return;
  }
  if (Array.isArray(wanted)) {
    expect((actual as unknown[]).length, `${path}.length`).toBe(wanted.length);
    wanted.forEach((w, i) => expectClose((actual as unknown[])[i], w, `${path}[${i}]`));
    return;
  }
  if (wanted !== null && typeof wanted === 'object') {
    for (const [k, w] of Object.entries(wanted)) expectClose((actual as Record<string, unknown>)[k], w, `${path}.${k}`);
    return;
  }
  expect(actual, path).toEqual(wanted);
}

const cases = expected.cases.filter((c) => definitions.has(c.type));

describe('distinct-value expectations against pandas (fixtures/aggregate/make.py)', () => {
  it('covers every distinct expectation, passing and failing', () => {
    expect(expected.partial_unexpected_count).toBe(20);
    for (const type of definitions.keys()) {
      expect(
        cases.some((c) => c.type === type && c.success),
        `${type} passes somewhere`,
      ).toBe(true);
      expect(
        cases.some((c) => c.type === type && !c.success),
        `${type} fails somewhere`,
      ).toBe(true);
    }
  });

  for (const [size, typedFirst] of [
    [3, true],
    [16, false],
    [1000, true],
  ] as const) {
    it.each(cases)(`$name (batches of ${size}, ${typedFirst ? 'Float64Array' : 'array'} first)`, (c) => {
      const { outcome } = run(build(c.type, c.kwargs), data, size, typedFirst);
      expect(outcome.success).toBe(c.success);
      expectClose(outcome.result, c.result);
    });
  }
});

describe("values_to_be_unique spilled to disk (a table of 8 slots) gives pandas' results too", () => {
  const uniqueCases = cases.filter((c) => c.type === 'expect_column_values_to_be_unique');
  it('has the cases', () => expect(uniqueCases.length).toBeGreaterThan(2));
  it.each(uniqueCases)('$name', (c) => {
    const config: ExpectationConfig = { type: c.type, kwargs: c.kwargs, meta: {}, index: 2 };
    const e = valuesUnique(new Kwargs(config, 'suite.json'), { partialUnexpectedCount: 20 }, { maxSlots: 8, partitions: 4 });
    const { outcome } = run(e, data, 5, false);
    expect(outcome.success).toBe(c.success);
    expectClose(outcome.result, c.result);
  });
});

describe('value identity (valueKey)', () => {
  it('1 and 1.0 are one value, -0 is 0, "1" and true are others (hand count)', () => {
    const column = { v: [1, 1.0, -0, 0, '1', true, null, 1] as Cell[] };
    const { outcome } = run(
      build('expect_column_distinct_values_to_equal_set', { column: 'v', value_set: [0, 1, '1', true] }),
      column,
      3,
      false,
    );
    expect(outcome.success).toBe(true);
    expect(outcome.result.details).toEqual({
      value_counts: [
        { value: 0, count: 2 },
        { value: 1, count: 3 },
        { value: true, count: 1 },
        { value: '1', count: 1 },
      ],
    });
  });

  it('sorts text by code point, as Python does (an astral character after U+FFFF-less text)', () => {
    expect(['\u{1F600}', '\uFFFD', 'a'].sort(compareCodePoints)).toEqual(['a', '\uFFFD', '\u{1F600}']);
  });
});

describe('NumberCounts (the hash table numbers are counted in)', () => {
  it('agrees with a Map through many growths, with -0 as 0 and extreme doubles', () => {
    const counts = new NumberCounts();
    const map = new Map<number, number>();
    const specials = [0, -0, Infinity, -Infinity, Number.MIN_VALUE, -Number.MAX_VALUE, 2 ** 53, 0.1 + 0.2];
    for (let i = 0; i < 200_000; i++) {
      const x = i < specials.length ? specials[i] : ((i * 7919) % 65_521) * (i % 2 === 0 ? 1 : -0.5);
      counts.add(x);
      map.set(x, (map.get(x) ?? 0) + 1);
    }
    expect(counts.size).toBe(map.size);
    for (const [x, c] of map) expect(counts.get(x)).toBe(c);
    expect(counts.get(-0)).toBe(map.get(0));
    expect(counts.get(12.25)).toBe(0);
    expect([...counts.entries()].length).toBe(map.size);
    expect(counts.duplicated()).toBe([...map.values()].filter((c) => c > 1).reduce((s, c) => s + c, 0));
  });
});

describe('values_to_be_unique and compound_columns_to_be_unique', () => {
  it('needs no second pass when every value is unique, and one to list the duplicates in row order', () => {
    expect(run(build('expect_column_values_to_be_unique', { column: 'uid' }), data, 7, true).passes).toBe(1);
    const { outcome, passes } = run(
      build('expect_column_values_to_be_unique', { column: 'v' }, 3),
      { v: [4, 1, 2, 1, 3, 4, 1, 5] },
      2,
      true,
    );
    expect(passes).toBe(2);
    // hand: 4 and 1 occur more than once; the first three such rows are 4, 1, 1; 5 of 8 rows are unexpected
    expect(outcome.result.partial_unexpected_list).toEqual([4, 1, 1]);
    expect(outcome.result.unexpected_count).toBe(5);
    expect(outcome.result.partial_unexpected_counts).toEqual([
      { value: 1, count: 2 },
      { value: 4, count: 1 },
    ]);
  });

  it('an empty table is vacuously unique', () => {
    const { outcome } = run(build('expect_compound_columns_to_be_unique', { column_list: ['a', 'b'] }), { a: [], b: [] }, 5, true);
    expect(outcome.success).toBe(true);
    expect(outcome.result.unexpected_percent).toBeNull();
  });

  it('compound keys do not collide across column boundaries (hand: ("ab","c") vs ("a","bc"))', () => {
    const { outcome } = run(
      build('expect_compound_columns_to_be_unique', { column_list: ['a', 'b'] }),
      { a: ['ab', 'a'], b: ['c', 'bc'] },
      5,
      false,
    );
    expect(outcome.success).toBe(true);
  });
});

describe('kwargs errors name the suite, the entry and the key', () => {
  const bad: [string, Record<string, unknown>, RegExp][] = [
    ['expect_column_distinct_values_to_contain_set', { column: 'x' }, /kwargs\.value_set: expected a list/],
    [
      'expect_column_distinct_values_to_be_in_set',
      { column: 'x', value_set: [1, { a: 1 }] },
      /kwargs\.value_set\[1\]: expected a number, text or boolean/,
    ],
    ['expect_column_values_to_be_unique', { column: 'x', mostly: 2 }, /kwargs\.mostly: expected a number from 0 to 1/],
    ['expect_compound_columns_to_be_unique', { column_list: ['a'], ignore_row_if: 'sometimes' }, /kwargs\.ignore_row_if: expected one of/],
    ['expect_compound_columns_to_be_unique', { column_list: 'a' }, /kwargs\.column_list: expected a list/],
    [
      'expect_column_most_common_value_to_be_in_set',
      { column: 'x', value_set: ['a'], ties_okay: 'yes' },
      /kwargs\.ties_okay: expected true or false/,
    ],
  ];
  it.each(bad)('%s %j', (type, kwargs, message) => {
    expect(() => build(type, kwargs)).toThrow(UserError);
    expect(() => build(type, kwargs)).toThrow(message);
    expect(() => build(type, kwargs)).toThrow(/^suite\.json: expectation 3 \(/);
  });
});
