// validate-data's domain: tables read in batches (CSV, Parquet, .npy/.npz), Great Expectations
// suites run over them, drift against a reference and leakage against a training set.
export * from './table.js';
export * from './values.js';
export { openTable } from './sources/open-table.js';
export type { OpenTableOptions } from './sources/open-table.js';
export { parseSuite } from './expectations/suite.js';
export type { ParsedSuite, SuiteEntry, SuiteFormat } from './expectations/suite.js';
export { EXPECTATIONS, supportedExpectationTypes } from './expectations/registry.js';
export type * from './expectations/expectation.js';
export { runPasses } from './table-pass.js';
export type { TableObserver } from './table-pass.js';
export { suiteObservers, suiteResult, GE_RESULT_VERSION } from './suite-validation.js';
export type { SuiteValidationResult, ExpectationValidationResult } from './suite-validation.js';
export {
  DEFAULT_DRIFT_THRESHOLDS,
  DriftObserver,
  parseColumnDriftThresholds,
  parseDriftThresholds,
  profileReference,
} from './drift/drift.js';
export type { ColumnDrift, DriftResult, DriftSettings, DriftThresholds } from './drift/drift.js';
export { LeakageObserver, indexTrainingRows } from './leakage/leakage.js';
export type { LeakageResult, LeakageSettings } from './leakage/leakage.js';
export * from './data-report.js';
export { renderDataValidationMarkdown } from './data-markdown.js';
export { failedExpectationAnnotations } from './data-annotations.js';
export type { Annotation } from './data-annotations.js';
export { validateData } from './validate-data.js';
export type { DataValidationOptions, TableInput } from './validate-data.js';
