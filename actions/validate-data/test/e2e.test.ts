// End-to-end tests of the COMMITTED bundle actions/validate-data/dist/index.js, run the way the
// GitHub runner runs it (test/run-action.ts), on tables written by pandas and DuckDB
// (test/fixtures/make_tables.py, write_parquet.mjs). Expected values: pandas, numpy and scipy in
// test/fixtures/expected.py (expected.json) — GE's documented semantics for the suite entries,
// numpy's quantiles and PSI, scipy's ks_2samp, chi2_contingency and jensenshannon for drift, a
// pandas merge for the rows shared with the training set.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  committedAction,
  expectErrorAnnotation,
  expectNoStackTrace,
  readReport,
  type ActionRun,
  type CommittedAction,
} from '../../../test/run-action.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const fixture = (name: string) => join(FIXTURES, name);
const expected = JSON.parse(await readFile(fixture('expected.json'), 'utf8'));

let action: CommittedAction;
beforeAll(async () => {
  action = await committedAction('validate-data');
});
afterAll(async () => {
  await action?.dispose();
});

/** A classic suite of `expectations` written to the run's scratch folder; its path. */
async function writeSuite(name: string, expectations: unknown[]): Promise<string> {
  const path = join(action.root, name);
  await writeFile(path, JSON.stringify({ expectation_suite_name: 's', expectations }));
  return path;
}

/** The header line of a CSV fixture. */
async function headerOf(name: string): Promise<string> {
  return (await readFile(fixture(name), 'utf8')).split('\n')[0];
}

async function geResult(r: ActionRun): Promise<any> {
  return JSON.parse(await readFile(join(r.workspace, r.outputs['result-path']), 'utf8'));
}

describe('validate-data, committed bundle: a Great Expectations suite', () => {
  it('passes a classic suite on a CSV, writing the GE validation result, report and summary', async () => {
    const r = await action.run({ data: fixture('holdout.csv'), suite: fixture('suite.json') });
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(r.errors).toEqual([]);
    expect(r.outputs).toMatchObject({
      passed: 'true',
      'evaluated-expectations': '11',
      'failed-expectations': '0',
      'success-percent': '100',
    });
    const ge = await geResult(r);
    expect(ge.success).toBe(true);
    expect(ge.statistics).toEqual({
      evaluated_expectations: 11,
      successful_expectations: 11,
      unsuccessful_expectations: 0,
      success_percent: 100,
    });
    expect(ge.results[3].expectation_config).toEqual({
      expectation_type: 'expect_column_values_to_not_be_null',
      kwargs: { column: 'age', mostly: 0.95 },
      meta: {},
    });
    expect(ge.results[3].result).toMatchObject({ element_count: 500, unexpected_count: 5, unexpected_percent: 1 });
    const rep = await readReport(r);
    expect(rep.status).toBe('passed');
    expect(rep.data).toMatchObject({ format: 'csv', rows: 500 });
    expect(rep.data.columns.map((c: any) => c.dtype)).toEqual(['int64', 'float64', 'float64', 'object', 'float64', 'int64', 'int64']);
    expect(r.summary).toMatch(/^## ✅ Data validation passed/);
  });

  it('fails a suite with pandas’ counts and values, one annotation per failed entry on its line of the suite', async () => {
    const suite = fixture('suite-failing.json');
    const r = await action.run({ data: fixture('holdout.csv'), suite });
    expect(r.exitCode).toBe(1);
    expectNoStackTrace(r);
    expect(r.outputs).toMatchObject({ passed: 'false', 'evaluated-expectations': '6', 'failed-expectations': '5' });
    const ge = await geResult(r);
    const want = expected.results;
    expect(ge.results.map((x: any) => x.success)).toEqual(want.map((x: any) => x.success));
    for (const i of [0, 1, 4]) {
      expect(ge.results[i].result).toMatchObject({
        element_count: want[i].element_count,
        missing_count: want[i].missing_count,
        unexpected_count: want[i].unexpected_count,
        partial_unexpected_list: want[i].partial_unexpected_list,
      });
      expect(ge.results[i].result.unexpected_percent).toBeCloseTo(want[i].unexpected_percent, 10);
    }
    expect(ge.results[2].result).toMatchObject({ unexpected_count: want[2].unexpected_count });
    expect(ge.results[3].result.observed_value).toBeCloseTo(want[3].observed_value, 12);
    expect(ge.results[5].exception_info).toMatchObject({ raised_exception: true });
    expect(ge.results[5].exception_info.exception_message).toContain("'phone'");
    // one annotation per failed entry, at the line of its opening brace
    const lines = (await readFile(suite, 'utf8')).split('\n');
    const entryLines = lines.flatMap((l, i) => (/^ {4}\{$/.test(l) ? [i + 1] : []));
    expect(r.errors.map((e) => Number(e.properties.line))).toEqual([0, 1, 2, 3, 5].map((i) => entryLines[i]));
    expect(r.errors[1].properties.title).toBe('validate-data: expect_column_values_to_be_in_set');
    expect(r.errors[1].message).toContain('110 of 500 unexpected');
    expect(r.errors[1].message).toContain('"Lille"');
    const rep = await readReport(r);
    expect(rep.status).toBe('failed');
    expect(r.summary).toMatch(/^## ❌ Data validation failed/);
    // failed entries first in the summary
    expect(r.summary.indexOf('expect_column_values_to_be_in_set')).toBeLessThan(r.summary.indexOf('tenure'));
  });

  it('reads the same suite in the 1.x format and the same rows from Parquet (zstd) and from .npy', async () => {
    const classic = JSON.parse(await readFile(fixture('suite-failing.json'), 'utf8'));
    const gx1 = {
      name: classic.expectation_suite_name,
      expectations: classic.expectations.map((e: any) => ({ type: e.expectation_type, kwargs: e.kwargs, meta: e.meta })),
      meta: {},
    };
    const gx1Path = join(action.root, 'suite-gx1.json');
    await writeFile(gx1Path, JSON.stringify(gx1, null, 2));
    const csv = await geResult(await action.run({ data: fixture('holdout.csv'), suite: fixture('suite-failing.json') }));
    const parquetRun = await action.run({ data: fixture('holdout.parquet'), suite: gx1Path });
    expect(parquetRun.exitCode).toBe(1);
    const parquet = await geResult(parquetRun);
    expect(parquet.results.map((x: any) => x.result)).toEqual(csv.results.map((x: any) => x.result));
    expect(parquet.results[0].expectation_config.type).toBe('expect_column_values_to_be_between');
    // .npy: the numeric columns, named by holdout.columns.json
    const npyRun = await action.run({ data: fixture('holdout.npy'), suite: fixture('suite-failing.json') });
    const npy = await geResult(npyRun);
    expect(npy.results[0].result).toEqual(csv.results[0].result);
    expect(npy.results[3].result).toEqual(csv.results[3].result);
    expect(npy.results[1].exception_info.exception_message).toContain("'city'");
  });
});

describe('validate-data, committed bundle: drift and leakage', () => {
  it('finds the drifted columns with numpy’s PSI and scipy’s KS, chi-square and JS, every value reported', async () => {
    const r = await action.run({ data: fixture('drifted.csv'), reference: fixture('reference.csv'), 'drift-ignore': 'id' });
    expect(r.exitCode).toBe(1);
    expect(r.outputs['drifted-columns']).toBe(expected.drifted.join(','));
    const rep = await readReport(r);
    for (const c of rep.drift.columns) {
      const want = expected.drift[c.column];
      expect(c.kind, c.column).toBe(want.kind);
      expect(c.psi.value, c.column).toBeCloseTo(want.psi, 10);
      expect(c.js.value, c.column).toBeCloseTo(want.js, 10);
      if (want.kind === 'numeric') {
        expect(c.ks.statistic, c.column).toBeCloseTo(want.ks, 12);
        expect(c.ks.pValue / want.ks_p, c.column).toBeCloseTo(1, 6);
      } else {
        expect(c.chiSquare.statistic, c.column).toBeCloseTo(want.chi2, 9);
        expect(c.chiSquare.dof).toBe(want.dof);
      }
    }
    expect(rep.drift.columns.map((c: any) => c.column).sort()).toEqual(Object.keys(expected.drift).sort());
    expect(r.errors.map((e) => e.properties.title).sort()).toEqual(['validate-data: drift in city', 'validate-data: drift in income']);
    // fail-on-drift false: the same figures, a warning, exit 0
    const soft = await action.run({
      data: fixture('drifted.csv'),
      reference: fixture('reference.csv'),
      'drift-ignore': 'id',
      'fail-on-drift': 'false',
    });
    expect(soft.exitCode).toBe(0);
    expect(soft.warnings.map((w) => w.message).join()).toContain('income');
  });

  it('does not see drift between two samples of one distribution (Parquet reference, CSV data)', async () => {
    const r = await action.run({ data: fixture('holdout.csv'), reference: fixture('reference.parquet'), 'drift-ignore': 'id' });
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.outputs['drifted-columns']).toBe('');
  });

  it('counts the holdout rows found in the training set, as a pandas merge does', async () => {
    const r = await action.run({ data: fixture('holdout.csv'), train: fixture('train.csv'), 'leakage-ignore': 'id', label: 'label' });
    expect(r.exitCode).toBe(1);
    expect(r.outputs['overlap-rows']).toBe(String(expected.leakage.overlap_rows));
    const rep = await readReport(r);
    expect(rep.leakage.overlap.examples.map((x: any) => x.evalRow)).toEqual(expected.leakage.overlap_eval_rows);
    expect(rep.leakage.duplicates.eval.rows).toBe(expected.leakage.eval_duplicates);
    expect(rep.leakage.duplicates.train.rows).toBe(expected.leakage.train_duplicates);
    expect(rep.leakage.labelShift.js).toBeCloseTo(expected.leakage.label_js, 12);
    expect(r.errors.map((e) => e.properties.title)).toEqual(['validate-data: leakage']);
    const allowed = await action.run({
      data: fixture('holdout.csv'),
      train: fixture('train.csv'),
      'leakage-ignore': 'id',
      'max-overlap-rows': '3',
    });
    expect(allowed.exitCode, allowed.stdout).toBe(0);
  });
});

describe('validate-data, committed bundle: bad input', () => {
  it('refuses an expectation type it does not run, listing those it does, and still writes the report', async () => {
    const suite = await writeSuite('unsupported.json', [
      { expectation_type: 'expect_column_values_to_be_dateutil_parseable', kwargs: { column: 'city' } },
    ]);
    const r = await action.run({ data: fixture('holdout.csv'), suite });
    const error = expectErrorAnnotation(
      r,
      'validate-data',
      'expect_column_values_to_be_dateutil_parseable',
      'expect_column_values_to_be_between',
    );
    expect(error.properties.file).toBe(suite);
    const rep = await readReport(r);
    expect(rep.status).toBe('error');
    expect(rep.error.message).toContain('expect_column_values_to_be_dateutil_parseable');
  });

  it('names the suite, the entry and the key of a malformed kwarg', async () => {
    const suite = await writeSuite('bad-kwarg.json', [
      { expectation_type: 'expect_column_values_to_be_between', kwargs: { column: 'age', min_value: 18, mostly: 'most' } },
    ]);
    const r = await action.run({ data: fixture('holdout.csv'), suite });
    expectErrorAnnotation(r, 'validate-data', 'expectation 1 (expect_column_values_to_be_between)', 'mostly');
  });

  it('names a missing data file and a truncated Parquet file', async () => {
    const missing = await action.run({ data: join(action.root, 'nope.csv'), suite: fixture('suite.json') });
    expectErrorAnnotation(missing, 'validate-data', 'nope.csv');
    const truncated = join(action.root, 'truncated.parquet');
    await writeFile(truncated, (await readFile(fixture('holdout.parquet'))).subarray(0, 3000));
    const cut = await action.run({ data: truncated, suite: fixture('suite.json') });
    expectErrorAnnotation(cut, 'validate-data', 'truncated.parquet');
  });

  it('fails data without rows although Great Expectations passes every column expectation on it', async () => {
    // the fixture's header alone: suite.json's entries on its columns all hold on no rows in GE
    // (its row-count entry aside), so the emptied file must fail on its own
    const header = await headerOf('holdout.csv');
    const empty = join(action.root, 'emptied.csv');
    await writeFile(empty, `${header}\n`);
    const suite = await writeSuite('columns-only.json', [
      { expectation_type: 'expect_column_values_to_not_be_null', kwargs: { column: 'age' } },
      { expectation_type: 'expect_column_values_to_be_between', kwargs: { column: 'age', min_value: 18, max_value: 99 } },
    ]);
    const r = await action.run({ data: empty, suite });
    expect(r.exitCode, r.stdout + r.stderr).toBe(1);
    expect(r.outputs).toMatchObject({ passed: 'false', 'evaluated-expectations': '2', 'failed-expectations': '0' });
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0].properties).toMatchObject({ title: 'validate-data: no rows', file: empty });
    expect((await geResult(r)).success).toBe(true);
    const rep = await readReport(r);
    expect(rep).toMatchObject({ status: 'failed', passed: false, data: { rows: 0 } });
    expect(rep.reason).toBe(`Failed: the data ${empty} has no rows.`);
    expectNoStackTrace(r);
  });

  it('refuses a suite without expectations, and an empty reference or training set, naming the file', async () => {
    const suite = join(action.root, 'no-expectations.json');
    await writeFile(suite, JSON.stringify({ name: 'emptied', expectations: [] }));
    const noSuite = await action.run({ data: fixture('holdout.csv'), suite });
    expect(expectErrorAnnotation(noSuite, 'validate-data', `the suite ${suite} has no expectations`).properties.file).toBe(suite);
    expect((await readReport(noSuite)).status).toBe('error');

    const header = await headerOf('reference.csv');
    const empty = join(action.root, 'header-only.csv');
    await writeFile(empty, `${header}\n`);
    const noReference = await action.run({ data: fixture('holdout.csv'), reference: empty });
    expectErrorAnnotation(noReference, 'validate-data', 'Input reference:', `${empty} has no rows`);
    const noTrain = await action.run({ data: fixture('holdout.csv'), train: empty });
    expectErrorAnnotation(noTrain, 'validate-data', 'Input train:', `${empty} has no rows`);
    expect((await readReport(noTrain)).status).toBe('error');
  });

  it('refuses a drift with no column to compare: every column ignored, or none shared with the data', async () => {
    const header = await headerOf('reference.csv');
    const allIgnored = await action.run({ data: fixture('holdout.csv'), reference: fixture('reference.csv'), 'drift-ignore': header });
    expectErrorAnnotation(allIgnored, 'validate-data', 'No column of the reference', 'every one is in drift-ignore');
    const renamed = join(action.root, 'renamed-reference.csv');
    const lines = (await readFile(fixture('reference.csv'), 'utf8')).split('\n');
    lines[0] = lines[0]
      .split(',')
      .map((c) => `${c}_v2`)
      .join(',');
    await writeFile(renamed, lines.join('\n'));
    const noneShared = await action.run({ data: fixture('holdout.csv'), reference: renamed });
    expectErrorAnnotation(noneShared, 'validate-data', `No column of the reference ${renamed}`, 'it shares none with the data');
  });

  it('fails a drift that could be measured on no column (a reference of empty fields), with an annotation on it', async () => {
    const header = await headerOf('reference.csv');
    const blank = join(action.root, 'blank-reference.csv');
    const width = header.split(',').length;
    await writeFile(blank, `${header}\n${`${','.repeat(width - 1)}\n`.repeat(50)}`);
    const r = await action.run({ data: fixture('holdout.csv'), reference: blank });
    expect(r.exitCode, r.stdout + r.stderr).toBe(1);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0].properties).toMatchObject({ title: 'validate-data: drift not measured', file: blank });
    const rep = await readReport(r);
    expect(rep.status).toBe('failed');
    expect(rep.drift.drifted).toEqual([]);
    expect(rep.drift.columns.every((c: any) => c.skipped === 'no values in the reference')).toBe(true);
    expect(rep.drift.notMeasured).toHaveLength(width);
    expect(rep.drift.notMeasured[0]).toBe('id (no values in the reference)');
    expect(rep.reason).toMatch(new RegExp(`^Failed: drift measured on none of ${width} columns: id \\(no values in the reference\\)`));
    expect(r.summary).toContain('### Drift: measured on none of');
  });

  it('asks for something to check', async () => {
    const r = await action.run({ data: fixture('holdout.csv') });
    expectErrorAnnotation(r, 'validate-data', 'Nothing to check');
  });
});
