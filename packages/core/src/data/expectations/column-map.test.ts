/**
 * Every table-level and column-map expectation against the oracle in fixtures/map/expected.json: Great Expectations'
 * semantics ported onto pandas by fixtures/map/make.py (run with Debian's pandas 1.5), over the
 * table that script wrote and read back with pandas. The batches are built here as the CSV reader
 * gives them (numbers as numbers, text as strings, missing as null), split over several batches,
 * numeric columns alternately as Float64Array (NaN for missing) and as arrays.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import type { Cell, ColumnValues } from '../table.js';
import { COLUMN_MAP_EXPECTATIONS } from './column-map.js';
import type { ExpectationDefinition, ExpectationOutcome } from './expectation.js';
import { Kwargs } from './kwargs.js';
import { ExpectationException } from './map-exception.js';
import { TABLE_EXPECTATIONS } from './table-level.js';

interface FixtureColumn {
  name: string;
  dtype: string;
  cells: Cell[];
}
interface FixtureCase {
  id: string;
  type: string;
  kwargs: Record<string, unknown>;
  expected: ExpectationOutcome | { exception: string };
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/map/expected.json', import.meta.url), 'utf8')) as {
  rows: number;
  columns: FixtureColumn[];
  cases: FixtureCase[];
};

const DEFINITIONS = new Map<string, ExpectationDefinition>([...TABLE_EXPECTATIONS, ...COLUMN_MAP_EXPECTATIONS].map((d) => [d.type, d]));
const numeric = (c: FixtureColumn): boolean => /^(int|float)/.test(c.dtype);

function values(column: FixtureColumn, from: number, to: number, asFloat64: boolean): ColumnValues {
  const cells = column.cells.slice(from, to);
  return asFloat64 && numeric(column) ? Float64Array.from(cells, (c) => (c === null ? NaN : (c as number))) : cells;
}

/** Runs one case over the fixture table split at `cuts`; batch i is Float64Array when `float64(i)`. */
function runCase(c: FixtureCase, cuts: number[], float64: (batch: number) => boolean): ExpectationOutcome {
  const definition = DEFINITIONS.get(c.type);
  if (!definition) throw new Error(`no definition for ${c.type}`);
  const expectation = definition.build(new Kwargs({ type: c.type, kwargs: c.kwargs, meta: {}, index: 0 }, 'suite.json'), {
    partialUnexpectedCount: 20,
  });
  const byName = new Map(fixture.columns.map((col) => [col.name, col]));
  const bounds = [0, ...cuts, fixture.rows];
  for (let b = 0; b + 1 < bounds.length; b++) {
    const [from, to] = [bounds[b], bounds[b + 1]];
    const batchValues = expectation.columns.map((name) => values(byName.get(name)!, from, to, float64(b)));
    expectation.observe({ pass: 1, rows: to - from, values: batchValues });
  }
  return expectation.finish({ rows: fixture.rows, columns: fixture.columns.map(({ name, dtype }) => ({ name, dtype })) });
}

const SPLITS: [string, number[], (b: number) => boolean][] = [
  ['one array batch', [], () => false],
  ['one Float64Array batch', [], () => true],
  ['batches of 5, 7, 1, 11 rows, mixed kinds', [5, 12, 13], (b) => b % 2 === 0],
];

function checkCases(cases: FixtureCase[]): void {
  for (const c of cases) {
    describe(`${c.type}: ${c.id}`, () => {
      for (const [label, cuts, float64] of SPLITS) {
        it(label, () => {
          if ('exception' in c.expected) {
            expect(() => runCase(c, cuts, float64)).toThrow(ExpectationException);
          } else {
            expect(runCase(c, cuts, float64)).toEqual(c.expected);
          }
        });
      }
    });
  }
}

checkCases(fixture.cases);

it('the oracle covers every table-level and column-map expectation', () => {
  const covered = new Set(fixture.cases.map((c) => c.type));
  expect([...DEFINITIONS.keys()].filter((t) => !covered.has(t))).toEqual([]);
});
