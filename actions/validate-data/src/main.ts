import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import * as core from '@actions/core';
import { UserError, messageOf, numberOutput } from '@ml-gate/core';
import {
  failedExpectationAnnotations,
  newDataValidationReport,
  renderDataValidationMarkdown,
  validateData,
  type DataValidationReport,
} from '@ml-gate/core/data';
import { annotationFile, markErrored, reportJson, runReportedAction } from '@ml-gate/core/github';

import { readConfig, readReportPath, readResultPath, type Config } from './config.js';
import { INPUTS } from './inputs.js';

const TITLE = 'validate-data';

/** The suite's result in Great Expectations' own JSON, beside the report. */
async function writeResult(path: string, report: DataValidationReport): Promise<void> {
  if (!report.validation) return;
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, reportJson(report.validation));
  } catch (e) {
    throw new UserError(`The result cannot be written to ${path}: ${messageOf(e)}.`, { input: 'result' });
  }
}

export async function run(): Promise<void> {
  const report = newDataValidationReport();
  const resultPath = readResultPath();
  let config: Config | undefined;
  await runReportedAction({
    title: TITLE,
    reportPath: readReportPath(),
    inputs: INPUTS,
    report,
    body: async () => {
      config = readConfig();
      await validateData(config, report);
      await writeResult(resultPath, report);
    },
    recordError: markErrored,
    outputs: (r) => ({
      passed: String(r.passed),
      'evaluated-expectations': r.validation ? String(r.validation.statistics.evaluated_expectations) : '',
      'failed-expectations': r.validation ? String(r.validation.statistics.unsuccessful_expectations) : '',
      'success-percent': numberOutput(r.validation?.statistics.success_percent),
      'drifted-columns': r.drift ? r.drift.drifted.join(',') : '',
      'overlap-rows': r.leakage ? String(r.leakage.overlap.rows) : '',
      'result-path': r.validation ? resultPath : '',
    }),
    markdown: renderDataValidationMarkdown,
    verdict: (r) => {
      // one annotation per failed expectation, on its line of the suite file
      for (const a of failedExpectationAnnotations(r)) {
        core.error(a.message, { title: `${TITLE}: ${a.title}`, file: annotationFile(a.file), startLine: a.line });
      }
      if (r.drift && r.drift.drifted.length > 0 && !r.drift.failOnDrift)
        core.warning(`Drift in ${r.drift.drifted.join(', ')} (fail-on-drift is false).`, { title: TITLE });
      if (!r.passed) process.exitCode = 1;
      core.info(`${r.passed ? 'PASSED' : 'FAILED'}: ${r.reason}`);
    },
  });
}
