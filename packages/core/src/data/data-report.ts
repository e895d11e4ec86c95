/**
 * The validate-data report: what was read, the suite's result (GE's shape), drift against the
 * reference, leakage against the training set, and the verdict. The JSON file, the job summary
 * and the annotations are renderings of it, written even when a file or the suite was bad.
 */
import type { ReportError } from '../errors.js';
import type { RunInfo } from '../util/run-info.js';
import type { DriftResult } from './drift/drift.js';
import type { LeakageResult } from './leakage/leakage.js';
import type { SuiteValidationResult } from './suite-validation.js';
import type { ColumnInfo, TableFormat } from './table.js';

export interface TableDescription {
  path: string;
  format: TableFormat;
  rows: number;
  columns: ColumnInfo[];
}

export interface DataValidationReport {
  schema: 'ml-gate/validate-data/v1';
  createdAt: string;
  status: 'passed' | 'failed' | 'error';
  passed: boolean;
  reason: string;
  data?: TableDescription;
  suite?: {
    path: string;
    name: string;
    format: 'classic' | 'gx1';
    expectations: number;
    /** Each entry's line in the suite file. */ lines: number[];
  };
  /** The suite's result, in Great Expectations' validation-result shape (also its own file). */
  validation?: SuiteValidationResult;
  drift?: DriftResult & { reference: TableDescription; failOnDrift: boolean };
  leakage?: LeakageResult & { train: TableDescription };
  timings?: { seconds: number; rowsPerSecond: number };
  error?: ReportError;
  run?: RunInfo;
}

export function newDataValidationReport(): DataValidationReport {
  return {
    schema: 'ml-gate/validate-data/v1',
    createdAt: new Date().toISOString(),
    status: 'error',
    passed: false,
    reason: 'The validation did not run.',
  };
}

/** Each part's verdict: the suite, drift, leakage; a part not asked for is left out. */
export function dataChecks(r: DataValidationReport): { name: string; passed: boolean; detail: string }[] {
  const checks: { name: string; passed: boolean; detail: string }[] = [];
  // GE passes every column expectation on no rows (and drift and leakage find nothing in them):
  // data without rows is a failure of its own, whatever the suite says
  if (r.data?.rows === 0) checks.push({ name: 'rows', passed: false, detail: `the data ${r.data.path} has no rows` });
  if (r.validation) {
    const s = r.validation.statistics;
    checks.push({
      name: 'expectations',
      passed: r.validation.success,
      detail: r.validation.success
        ? `all ${s.evaluated_expectations} expectations passed`
        : `${s.unsuccessful_expectations} of ${s.evaluated_expectations} expectations failed`,
    });
  }
  if (r.drift) {
    const { columns, drifted, notMeasured, failOnDrift } = r.drift;
    const measured = columns.length - notMeasured.length;
    checks.push(
      // every column skipped is drift not measured, not "no drift"
      measured === 0
        ? { name: 'drift', passed: !failOnDrift, detail: `drift measured on none of ${columns.length} columns: ${notMeasured.join(', ')}` }
        : {
            name: 'drift',
            passed: drifted.length === 0 || !failOnDrift,
            detail:
              (drifted.length === 0
                ? `no drift in ${measured} columns`
                : `${drifted.length} of ${measured} columns drifted: ${drifted.join(', ')}`) +
              (notMeasured.length > 0 ? ` (${notMeasured.length} not measured)` : ''),
          },
    );
  }
  if (r.leakage) checks.push({ name: 'leakage', passed: r.leakage.passed, detail: r.leakage.summary });
  return checks;
}

/** The verdict, from the parts. */
export function decideDataValidation(r: DataValidationReport): void {
  const checks = dataChecks(r);
  const failed = checks.filter((c) => !c.passed);
  r.passed = failed.length === 0;
  r.status = r.passed ? 'passed' : 'failed';
  r.reason = r.passed ? `Passed: ${checks.map((c) => c.detail).join('; ')}.` : `Failed: ${failed.map((c) => c.detail).join('; ')}.`;
}
