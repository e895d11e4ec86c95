import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { UserError } from '../../errors.js';
import type { Cell } from '../table.js';
import { DriftObserver, ksFromGrid, profileReference, type DriftSettings } from './drift.js';
import { ksStatisticSorted } from './ks.js';
import { memoryTable, observeAll, type Representation } from './memory-table.test-helper.js';

/** numpy/scipy's values (fixtures/make_drift_fixtures.py). */
interface NumericExpected {
  edges: number[];
  reference: number[];
  current: number[];
  psi: number;
  js: number;
  ks: { statistic: number; pValue: number };
  values: { reference: number; current: number };
}
interface CategoricalExpected {
  categories: (string | number)[];
  reference: number[];
  current: number[];
  unseen: number;
  psi: number;
  js: number;
  chi2: { statistic: number; dof: number; pValue: number };
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/drift.json', import.meta.url), 'utf8')) as {
  dtypes: Record<string, string>;
  tables: { reference: Record<string, Cell[]>; current: Record<string, Cell[]> };
  expected: { num: NumericExpected; count: NumericExpected; code: CategoricalExpected; color: CategoricalExpected };
};

async function drift(settings: DriftSettings = {}, representation: Representation = 'alternate') {
  const reference = memoryTable('ref.csv', fixture.tables.reference, fixture.dtypes, representation);
  const current = memoryTable('cur.csv', fixture.tables.current, fixture.dtypes, representation);
  const profile = await profileReference(reference, settings);
  const observer = new DriftObserver(profile, current.columns, current.path);
  await observeAll(current, observer, 100);
  return observer.finish();
}

const near = (actual: number | undefined, expected: number, tolerance = 1e-12): void => {
  expect(Math.abs(actual! - expected)).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(expected)));
};

describe('drift against numpy/scipy (exact path: every value kept)', () => {
  it.each(['float64', 'cells', 'alternate'] as const)(
    'numeric columns (%s batches): edges, bin counts, PSI, JS, KS',
    async (representation) => {
      const result = await drift({}, representation);
      for (const name of ['num', 'count'] as const) {
        const e = fixture.expected[name];
        const c = result.columns.find((x) => x.column === name)!;
        expect(c.kind).toBe('numeric');
        expect(c.bins!.edges).toEqual(e.edges);
        expect(c.bins!.edgesMethod).toBe('exact');
        expect(c.bins!.reference).toEqual(e.reference);
        expect(c.bins!.current).toEqual(e.current);
        expect(c.counts.reference.values).toBe(e.values.reference);
        expect(c.counts.current.values).toBe(e.values.current);
        near(c.psi!.value, e.psi);
        near(c.js!.value, e.js);
        near(c.ks!.statistic, e.ks.statistic);
        near(c.ks!.pValue, e.ks.pValue, 1e-9);
        expect(c.ks!).toMatchObject({ method: 'exact', exact: true });
      }
      const num = result.columns.find((x) => x.column === 'num')!;
      expect(num.counts.reference.missing).toBe(40);
      expect(num.counts.current.missing).toBe(25);
    },
  );

  it('categorical columns: an int code of <= 20 values and text; unseen categories in a bin of their own; chi-square 2 x K', async () => {
    const result = await drift();
    for (const name of ['code', 'color'] as const) {
      const e = fixture.expected[name];
      const c = result.columns.find((x) => x.column === name)!;
      expect(c.kind).toBe('categorical');
      expect(c.bins!.categories).toEqual(e.categories);
      expect(c.bins!.reference).toEqual(e.reference);
      expect(c.bins!.current).toEqual(e.current);
      expect(c.unseen?.rows ?? 0).toBe(e.unseen);
      near(c.psi!.value, e.psi);
      near(c.js!.value, e.js);
      near(c.chiSquare!.statistic, e.chi2.statistic);
      expect(c.chiSquare!.dof).toBe(e.chi2.dof);
      near(c.chiSquare!.pValue, e.chi2.pValue, 1e-9);
    }
    const color = result.columns.find((x) => x.column === 'color')!;
    expect(color.unseen).toMatchObject({ distinct: 1, distinctAtLeast: false, examples: ['violet'] });
    expect(color.counts.current.missing).toBe(30);
  });

  it('the default thresholds decide (psi 0.2, js 0.1; ks-p and chi2-p reported, off) and the raw values are there either way', async () => {
    const result = await drift();
    for (const c of result.columns) {
      expect(c.psi!.threshold).toBe(0.2);
      expect(c.js!.threshold).toBe(0.1);
      expect(c.drifted).toBe(c.psi!.value > 0.2 || c.js!.value > 0.1);
    }
    expect(result.columns.find((c) => c.column === 'num')!.ks!.threshold).toBeNull();
    expect(result.drifted).toEqual(result.columns.filter((c) => c.drifted).map((c) => c.column));
  });

  it('per-statistic and per-column thresholds: ks-p on for all, psi off for one column', async () => {
    const result = await drift({ thresholds: { ksP: 0.05, chi2P: 0.05 }, columnThresholds: { num: { psi: null, js: null } } });
    const num = result.columns.find((c) => c.column === 'num')!;
    expect(num.psi!.threshold).toBeNull();
    expect(num.ks!.threshold).toBe(0.05);
    // N(50, 10) against N(53, 12) over ~1,200 values: scipy's p is far below 0.05
    expect(fixture.expected.num.ks.pValue).toBeLessThan(0.05);
    expect(num.drifted).toBe(true);
    expect(result.settings.thresholds).toEqual({ psi: 0.2, ksP: 0.05, chi2P: 0.05, js: 0.1 });
  });
});

describe('drift beyond the exact cap (t-digest edges, KS from the grid)', () => {
  it('same bins counts as numpy for the digest edges it chose; D bracketed around the exact one', async () => {
    const result = await drift({ exactCap: 500 });
    const num = result.columns.find((c) => c.column === 'num')!;
    expect(num.bins!.edgesMethod).toBe('t-digest');
    expect(num.ks!.exact).toBe(false);
    const d = fixture.expected.num.ks.statistic;
    expect(num.ks!.statistic).toBeLessThanOrEqual(d + 1e-12);
    expect(num.ks!.statistic + num.ks!.errorBound!).toBeGreaterThanOrEqual(d - 1e-12);
    // the counts are exact whatever the edges: every value is in some bin
    expect(num.bins!.reference.reduce((a, b) => a + b)).toBe(fixture.expected.num.values.reference);
    expect(num.bins!.current.reduce((a, b) => a + b)).toBe(fixture.expected.num.values.current);
  });

  it('1,000,000 values a side: grid D within 0.002 of the exact D, and the bracket holds', async () => {
    const n = 1_000_000;
    let seed = 12345;
    const uniform = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) + 0.5) / 2 ** 32;
    const normal = (): number => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
    const a = Float64Array.from({ length: n }, normal);
    const b = Float64Array.from({ length: n }, () => 0.05 + 1.1 * normal());
    const exactD = ksStatisticSorted(a.slice().sort(), b.slice().sort());
    const ref = memoryTable('ref.npy', { x: Array.from(a) }, { x: 'float64' }, 'float64');
    const cur = memoryTable('cur.npy', { x: Array.from(b) }, { x: 'float64' }, 'float64');
    const profile = await profileReference(ref, { batchRows: 65536 });
    const observer = new DriftObserver(profile, cur.columns);
    await observeAll(cur, observer, 65536);
    const ks = observer.finish().columns[0].ks!;
    expect(ks.exact).toBe(false);
    expect(ks.method).toBe('asymp');
    expect(ks.statistic).toBeLessThanOrEqual(exactD);
    expect(ks.statistic + ks.errorBound!).toBeGreaterThanOrEqual(exactD);
    expect(ks.errorBound!).toBeLessThan(0.002);
    expect(exactD - ks.statistic).toBeLessThan(0.001);
  }, 60_000);

  it('ksFromGrid by hand: two cells each side', () => {
    // reference 2 | 2 (edge at the median), current 3 | 1: F at the edge 0.5 vs 0.75
    const { lower, upper } = ksFromGrid(Float64Array.of(2, 2), Float64Array.of(3, 1), 4, 4);
    expect(lower).toBeCloseTo(0.25, 15);
    // inside the first cell the current may reach 0.75 while the reference is still at 0
    expect(upper).toBeCloseTo(0.75, 15);
  });
});

describe('columns', () => {
  const ref = memoryTable(
    'ref.csv',
    { a: [1.5, 2.5, 3.5], id: ['x', 'y', 'z'], only_ref: [1, 2, 3] },
    { a: 'float64', id: 'object', only_ref: 'int64' },
  );
  const cur = memoryTable(
    'cur.csv',
    { a: [1.5, 9], id: ['p', 'q'], only_cur: ['u', 'v'] },
    { a: 'float64', id: 'object', only_cur: 'object' },
  );

  it('by default every shared column minus exclude; the others listed as not compared', async () => {
    const profile = await profileReference(ref, { exclude: ['id'] });
    const observer = new DriftObserver(profile, cur.columns);
    expect(observer.columns).toEqual(['a']);
    await observeAll(cur, observer);
    const result = observer.finish();
    expect(result.referenceOnly).toEqual(['only_ref']);
    expect(result.currentOnly).toEqual(['only_cur']);
  });

  it('a named column missing from the reference or from the data: UserError naming it', async () => {
    await expect(profileReference(ref, { columns: ['a', 'nope'] })).rejects.toThrow(UserError);
    await expect(profileReference(ref, { columns: ['a', 'nope'] })).rejects.toThrow(/'nope' not in the reference ref\.csv/);
    const profile = await profileReference(ref, { columns: ['a', 'only_ref'] });
    expect(() => new DriftObserver(profile, cur.columns, 'cur.csv')).toThrow(/Drift column 'only_ref' not in the data cur\.csv/);
  });

  it('a column of too many distinct categories is skipped with the reason, not drifted', async () => {
    const ids = Array.from({ length: 10_050 }, (_, i) => `id-${i}`);
    const r = memoryTable('r.csv', { id: ids }, { id: 'object' });
    const profile = await profileReference(r);
    const observer = new DriftObserver(profile, r.columns);
    await observeAll(r, observer);
    const c = observer.finish().columns[0];
    expect(c.skipped).toMatch(/more than 10,000 distinct values/);
    expect(c.drifted).toBe(false);
  });

  it('no values in the current data: skipped, counts reported', async () => {
    const profile = await profileReference(ref);
    const empty = memoryTable(
      'e.csv',
      { a: [null, null], id: [null, null], only_ref: [null, null] },
      { a: 'float64', id: 'object', only_ref: 'int64' },
    );
    const observer = new DriftObserver(profile, empty.columns);
    await observeAll(empty, observer);
    const a = observer.finish().columns[0];
    expect(a).toMatchObject({ column: 'a', skipped: 'no values in the current data', drifted: false });
    expect(a.counts.current).toMatchObject({ rows: 2, values: 0, missing: 2 });
  });
});
