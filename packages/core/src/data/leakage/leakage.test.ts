import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { UserError } from '../../errors.js';
import { memoryTable, observeAll, type Representation } from '../drift/memory-table.test-helper.js';
import type { Cell } from '../table.js';
import { indexTrainingRows, LeakageObserver, type LeakageSettings } from './leakage.js';

/** pandas/scipy's values (fixtures/make_leakage_fixtures.py). */
const fixture = JSON.parse(readFileSync(new URL('./fixtures/leakage.json', import.meta.url), 'utf8')) as {
  dtypes: { train: Record<string, string>; eval: Record<string, string> };
  tables: { train: Record<string, Cell[]>; eval: Record<string, Cell[]> };
  expected: {
    overlap: { rows: number; examples: { evalRow: number; trainRow: number }[] };
    duplicates: { train: number; eval: number };
    label: { classes: string[]; train: number[]; eval: number[]; js: number; chi2: { statistic: number; dof: number; pValue: number } };
  };
};

async function leakage(settings: LeakageSettings, representation: Representation = 'alternate', batchRows = 64) {
  const train = memoryTable('train.parquet', fixture.tables.train, fixture.dtypes.train, representation);
  const evalSet = memoryTable('eval.csv', fixture.tables.eval, fixture.dtypes.eval, representation);
  const index = await indexTrainingRows(train, { batchRows, ...settings });
  const observer = new LeakageObserver(index, evalSet.columns, evalSet.path);
  await observeAll(evalSet, observer, batchRows);
  return observer.finish();
}

describe('leakage against pandas (normalised rows: 3 = 3.0, float32 = its decimal, text trimmed, missing equal)', () => {
  it.each(['float64', 'cells', 'alternate'] as const)(
    'overlap, its first rows, duplicates per set (%s batches)',
    async (representation) => {
      const r = await leakage({ ignore: ['id'], label: 'label' }, representation);
      const e = fixture.expected;
      expect(r.columns).toEqual(['f_int', 'f_float', 'f_text', 'label']);
      expect(r.ignored).toEqual(['id']);
      expect(r.rows).toEqual({ train: 400, eval: 150 });
      expect(r.overlap.rows).toBe(e.overlap.rows);
      expect(r.overlap.fraction).toBeCloseTo(e.overlap.rows / 150, 15);
      expect(r.overlap.examples).toEqual(e.overlap.examples);
      expect(r.duplicates.train.rows).toBe(e.duplicates.train);
      expect(r.duplicates.eval.rows).toBe(e.duplicates.eval);
    },
  );

  it('label shift: classes, counts, JS distance and chi-square as scipy', async () => {
    const l = (await leakage({ ignore: ['id'], label: 'label' })).labelShift!;
    const e = fixture.expected.label;
    expect(l.classes).toEqual(e.classes);
    expect(l.train).toEqual(e.train);
    expect(l.eval).toEqual(e.eval);
    expect(l.js).toBeCloseTo(e.js, 12);
    expect(l.chiSquare!.statistic).toBeCloseTo(e.chi2.statistic, 10);
    expect(l.chiSquare!.dof).toBe(e.chi2.dof);
    expect(Math.abs(l.chiSquare!.pValue - e.chi2.pValue)).toBeLessThanOrEqual(1e-9 * e.chi2.pValue);
    expect(l.threshold).toBe(0.1);
    expect(l.exceeded).toBe(e.js > 0.1);
  });

  it('thresholds: overlap above max-overlap-rows fails; duplicates reported only by default, a limit when set', async () => {
    const e = fixture.expected;
    const strict = await leakage({ ignore: ['id'], label: 'label' });
    expect(strict.overlap).toMatchObject({ threshold: 0, exceeded: true });
    expect(strict.duplicates.train).toMatchObject({ threshold: null, exceeded: false });
    expect(strict.passed).toBe(false);
    expect(strict.summary).toContain(`${e.overlap.rows} evaluation rows`);
    const lax = await leakage({ ignore: ['id'], label: 'label', maxOverlapRows: 100, maxDuplicateFraction: 0.01, maxLabelShift: null });
    expect(lax.overlap.exceeded).toBe(false);
    expect(lax.duplicates.train).toMatchObject({ threshold: 0.01, exceeded: e.duplicates.train / 400 > 0.01 });
    expect(lax.labelShift).toMatchObject({ threshold: null, exceeded: false });
    expect(lax.passed).toBe(!lax.duplicates.train.exceeded && !lax.duplicates.eval.exceeded);
  });

  it('without ignoring the id nothing overlaps (every id differs); the hash is 64-bit with its false-match rate', async () => {
    const r = await leakage({});
    expect(r.overlap.rows).toBe(0);
    expect(r.duplicates.train.rows).toBe(0);
    expect(r.labelShift).toBeUndefined();
    expect(r.hash.bits).toBe(64);
    expect(r.hash.expectedFalseMatches).toBeLessThan(1e-12);
  });
});

describe('columns', () => {
  it('a column in one set only, not ignored: UserError naming it and the set', async () => {
    const train = memoryTable('t.csv', { a: [1, 2], b: [3, 4] }, { a: 'int64', b: 'int64' });
    const index = await indexTrainingRows(train, {});
    expect(
      () =>
        new LeakageObserver(
          index,
          [
            { name: 'a', dtype: 'int64' },
            { name: 'c', dtype: 'int64' },
          ],
          'e.csv',
        ),
    ).toThrow("The training and evaluation sets must have the same columns to compare rows: 'b' is in t.csv only, 'c' is in e.csv only.");
    const ignoring = await indexTrainingRows(train, { ignore: ['b', 'c'] });
    expect(
      new LeakageObserver(ignoring, [
        { name: 'a', dtype: 'int64' },
        { name: 'c', dtype: 'int64' },
      ]).columns,
    ).toEqual(['a']);
  });

  it('a label column missing: UserError', async () => {
    const train = memoryTable('t.csv', { a: [1, 2] }, { a: 'int64' });
    await expect(indexTrainingRows(train, { label: 'y' })).rejects.toThrow(UserError);
    await expect(indexTrainingRows(train, { label: 'y' })).rejects.toThrow("The label column 'y' is not in t.csv.");
  });
});
