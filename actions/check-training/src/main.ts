import * as core from '@actions/core';
import { numberOutput } from '@ml-gate/core';
import { annotationFile, markErrored, runReportedAction } from '@ml-gate/core/github';
import { checkTraining, newTrainingReport, renderTrainingMarkdown, trainingAnnotations, type TrainingReport } from '@ml-gate/core/training';

import { readConfig, readReportPath } from './config.js';
import { INPUTS } from './inputs.js';

const TITLE = 'check-training';

function outputs(r: TrainingReport): Record<string, string> {
  const s = r.summary;
  return {
    passed: String(r.passed),
    'failed-checks': r.failedChecks.join(','),
    'warning-checks': r.warningChecks.join(','),
    epochs: r.log?.epochs === undefined ? '' : String(r.log.epochs),
    'first-loss': numberOutput(s?.loss.first?.value),
    'final-loss': numberOutput(s?.loss.final?.value),
    'min-loss': numberOutput(s?.loss.min?.value),
    'final-val-loss': numberOutput(s?.valLoss?.final?.value),
  };
}

export async function run(): Promise<void> {
  const report = newTrainingReport();
  await runReportedAction({
    title: TITLE,
    reportPath: readReportPath(),
    inputs: INPUTS,
    report,
    body: async () => {
      await checkTraining(readConfig(), report);
    },
    recordError: markErrored,
    outputs,
    markdown: renderTrainingMarkdown,
    verdict: (r) => {
      // one annotation per failed check (and per warning), on the log at the line it points at
      for (const a of trainingAnnotations(r)) {
        const properties = { title: `${TITLE}: ${a.title}`, file: annotationFile(a.file), startLine: a.line };
        if (a.level === 'error') core.error(a.message, properties);
        else core.warning(a.message, properties);
      }
      if (!r.passed) process.exitCode = 1;
      core.info(`${r.passed ? 'PASSED' : 'FAILED'}: ${r.reason}`);
    },
  });
}
