/**
 * A suite run over a table, in Great Expectations' validation-result shape (the JSON GE's own
 * tools read: Data Docs renderers, checkpoints' actions, dashboards), built from each entry's
 * outcome: success, the entry's configuration as written, its `result` trimmed to the entry's
 * result_format, and exception_info when the entry could not be evaluated.
 */
import { UserError } from '../errors.js';
import { ExpectationException } from './expectations/map-exception.js';
import { applyResultFormat, type ParsedSuite, type SuiteEntry } from './expectations/suite.js';
import type { ExpectationResultDetails, TableSummary } from './expectations/expectation.js';
import type { TableObserver } from './table-pass.js';
import type { ColumnInfo } from './table.js';

/** The GE version whose result shape this follows (in the result's meta, as GE writes its own). */
export const GE_RESULT_VERSION = '1.2.0';

export interface ExpectationValidationResult {
  success: boolean;
  expectation_config: Record<string, unknown>;
  result: ExpectationResultDetails;
  meta: Record<string, unknown>;
  exception_info: { raised_exception: boolean; exception_message: string | null; exception_traceback: string | null };
}

export interface SuiteValidationResult {
  success: boolean;
  results: ExpectationValidationResult[];
  suite_name: string;
  /** 1.x writes suite_parameters, the classic format evaluation_parameters: both, empty (none are supported). */
  suite_parameters: Record<string, never>;
  evaluation_parameters: Record<string, never>;
  statistics: {
    evaluated_expectations: number;
    successful_expectations: number;
    unsuccessful_expectations: number;
    success_percent: number | null;
  };
  meta: Record<string, unknown>;
}

/** An entry that is not evaluated (its column is absent, or its values cannot be): failed, with why. */
function raised(message: string): Pick<ExpectationValidationResult, 'success' | 'result' | 'exception_info'> {
  return { success: false, result: {}, exception_info: { raised_exception: true, exception_message: message, exception_traceback: null } };
}

/** The entry's configuration as GE echoes it: `type` (1.x) or `expectation_type` (classic). */
function configOf(suite: ParsedSuite, entry: SuiteEntry): Record<string, unknown> {
  const typeKey = suite.format === 'classic' ? 'expectation_type' : 'type';
  return { [typeKey]: entry.config.type, kwargs: entry.config.kwargs, meta: entry.config.meta };
}

function missingColumns(entry: SuiteEntry, present: ReadonlySet<string>): string[] {
  return entry.expectation.handlesMissingColumns ? [] : entry.expectation.columns.filter((c) => !present.has(c));
}

/** The observers that read the table for `suite`: one per entry whose columns are all there. */
export function suiteObservers(suite: ParsedSuite, columns: readonly ColumnInfo[]): TableObserver[] {
  const present = new Set(columns.map((c) => c.name));
  return suite.entries
    .filter((entry) => missingColumns(entry, present).length === 0)
    .map(({ expectation }) => ({
      columns: expectation.columns.filter((c) => present.has(c)),
      observe: (values, rows, pass) => expectation.observe({ values, rows, pass }),
      wantsAnotherPass: expectation.wantsAnotherPass && ((pass: number) => expectation.wantsAnotherPass!(pass)),
    }));
}

function entryResult(
  suite: ParsedSuite,
  entry: SuiteEntry,
  table: TableSummary,
  present: ReadonlySet<string>,
): ExpectationValidationResult {
  const base = { expectation_config: configOf(suite, entry), meta: {} };
  const missing = missingColumns(entry, present);
  if (missing.length > 0) {
    const names = missing.map((c) => `'${c}'`).join(', ');
    return {
      ...base,
      ...raised(`The column${missing.length > 1 ? 's' : ''} ${names} ${missing.length > 1 ? 'are' : 'is'} not in the table.`),
    };
  }
  try {
    const outcome = entry.expectation.finish(table);
    return {
      ...base,
      success: outcome.success,
      result: applyResultFormat(outcome.result, entry.resultFormat, entry.excludeUnexpectedValues),
      exception_info: { raised_exception: false, exception_message: null, exception_traceback: null },
    };
  } catch (e) {
    // values the expectation cannot evaluate (text against a numeric bound, in a mean): the entry
    // fails and says why, as GE's exception_info; the other entries still count
    if (e instanceof ExpectationException || e instanceof UserError) return { ...base, ...raised(e.message) };
    throw e;
  }
}

/** The suite's result, once the passes are over. */
export function suiteResult(suite: ParsedSuite, table: TableSummary, meta: Record<string, unknown>): SuiteValidationResult {
  const present = new Set(table.columns.map((c) => c.name));
  const results = suite.entries.map((entry) => entryResult(suite, entry, table, present));
  const successful = results.filter((r) => r.success).length;
  const evaluated = results.length;
  return {
    success: successful === evaluated,
    results,
    suite_name: suite.name,
    suite_parameters: {},
    evaluation_parameters: {},
    statistics: {
      evaluated_expectations: evaluated,
      successful_expectations: successful,
      unsuccessful_expectations: evaluated - successful,
      success_percent: evaluated === 0 ? null : (100 * successful) / evaluated,
    },
    meta: { great_expectations_version: GE_RESULT_VERSION, expectation_suite_name: suite.name, ...meta },
  };
}
