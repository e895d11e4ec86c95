/**
 * validate-data's work, outside any runner: open the data, the suite, the reference and the
 * training set; profile the reference and index the training rows; then ONE streaming pass over
 * the data feeds the suite's expectations, the drift and the leakage statistics together (more
 * passes only for the columns of an exact median or quantile). The report is filled as each step
 * ends, so a bad file later on still leaves what was found before it.
 */
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';

import { UserError, messageOf } from '../errors.js';
import { decideDataValidation, type DataValidationReport, type TableDescription } from './data-report.js';
import { DriftObserver, profileReference, type DriftSettings } from './drift/drift.js';
import { parseSuite } from './expectations/suite.js';
import { LeakageObserver, indexTrainingRows, type LeakageSettings } from './leakage/leakage.js';
import { openTable, type OpenTableOptions } from './sources/open-table.js';
import { suiteObservers, suiteResult } from './suite-validation.js';
import { runPasses, type TableObserver } from './table-pass.js';
import type { TableSource } from './table.js';

export interface TableInput {
  path: string;
  /** The action input that named it, for messages. */
  input: string;
  options: Omit<OpenTableOptions, 'input'>;
}

export interface DataValidationOptions {
  data: TableInput;
  suite?: { path: string; input: string };
  drift?: { reference: TableInput; settings: DriftSettings; failOnDrift: boolean };
  leakage?: { train: TableInput; settings: LeakageSettings };
}

function describe(source: TableSource, rows: number): TableDescription {
  return { path: source.path, format: source.format, rows, columns: source.columns.map((c) => ({ ...c })) };
}

async function open(t: TableInput): Promise<TableSource> {
  return openTable(t.path, { ...t.options, input: t.input });
}

async function readSuiteText(path: string, input: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    throw new UserError(`Input ${input}: the suite ${path} cannot be read: ${messageOf(e)}.`, { input, file: path });
  }
}

/** A reference or training set without rows: every comparison with it would pass. */
function emptyTable(t: TableInput, what: string, consequence: string): UserError {
  return new UserError(`Input ${t.input}: the ${what} ${t.path} has no rows, so ${consequence}.`, {
    input: t.input,
    file: t.path,
  });
}

/** Runs every check asked for and records it in `report`, which ends passed or failed. */
export async function validateData(o: DataValidationOptions, report: DataValidationReport): Promise<void> {
  const suite = o.suite ? parseSuite(await readSuiteText(o.suite.path, o.suite.input), o.suite.path) : undefined;
  if (suite && o.suite)
    report.suite = {
      path: o.suite.path,
      name: suite.name,
      format: suite.format,
      expectations: suite.entries.length,
      lines: suite.entries.map((e) => e.line),
    };
  // Great Expectations passes a suite without expectations on any data: as a gate, that is a
  // pass by accident (an emptied file, a wrong suite exported), so it is refused
  if (suite && o.suite && suite.entries.length === 0)
    throw new UserError(`Input ${o.suite.input}: the suite ${o.suite.path} has no expectations, so it would pass any data.`, {
      input: o.suite.input,
      file: o.suite.path,
      hint: 'Add expectations to the suite, or leave the input out to check only drift (reference) or leakage (train).',
    });
  const opened: TableSource[] = [];
  try {
    const data = await open(o.data);
    opened.push(data);
    const observers: TableObserver[] = suite ? suiteObservers(suite, data.columns) : [];
    let drift: DriftObserver | undefined;
    let reference: TableDescription | undefined;
    if (o.drift) {
      const source = await open(o.drift.reference);
      opened.push(source);
      const profile = await profileReference(source, { ...o.drift.settings, current: data.columns.map((c) => c.name) });
      reference = describe(source, profile.rows);
      if (profile.rows === 0) throw emptyTable(o.drift.reference, 'reference', 'no drift can be measured against it');
      drift = new DriftObserver(profile, data.columns, data.path);
      observers.push(drift);
    }
    let leakage: LeakageObserver | undefined;
    let train: TableDescription | undefined;
    if (o.leakage) {
      const source = await open(o.leakage.train);
      opened.push(source);
      const index = await indexTrainingRows(source, o.leakage.settings);
      train = describe(source, index.rows);
      if (index.rows === 0) throw emptyTable(o.leakage.train, 'training set', 'no row can be found in it');
      leakage = new LeakageObserver(index, data.columns, data.path);
      observers.push(leakage);
    }
    // a CSV column's dtype is known once each of its values was read (int64 until a 1.5): the
    // report lists every column's, so the first pass reads them all
    if (data.format === 'csv') observers.push({ columns: data.columns.map((c) => c.name), observe: () => {} });
    const started = performance.now();
    const rows = await runPasses(data, observers);
    const seconds = (performance.now() - started) / 1000;
    report.data = describe(data, rows);
    report.timings = { seconds, rowsPerSecond: seconds > 0 ? rows / seconds : 0 };
    if (suite)
      report.validation = suiteResult(suite, { rows, columns: data.columns }, { batch_spec: { path: data.path, format: data.format } });
    if (drift && reference && o.drift) report.drift = { ...drift.finish(), reference, failOnDrift: o.drift.failOnDrift };
    if (leakage && train) report.leakage = { ...leakage.finish(), train };
    decideDataValidation(report);
  } finally {
    await Promise.all(opened.map((s) => s.close()));
  }
}
