import * as core from '@actions/core';
import { UserError, numberOutput } from '@ml-gate/core';
import {
  evaluateModels,
  missingBaselineWarning,
  newEvaluationReport,
  renderEvaluationMarkdown,
  type EvaluationReport,
} from '@ml-gate/core/evaluation';
import { markErrored, runReportedAction, upsertPullRequestComment } from '@ml-gate/core/github';

import { INPUTS } from './inputs.js';
import { readConfig, readReportPath, type Config } from './config.js';

const TITLE = 'evaluate-baseline';

/** A run without a baseline says so out loud: a notice under missing-baseline pass, a warning under warn. */
function announceMissingBaseline(report: EvaluationReport): void {
  const missing = report.baselineMissing;
  const text = missing && missingBaselineWarning(missing);
  if (!text) return;
  if (missing.policy === 'warn') core.warning(text, { title: TITLE });
  else core.notice(text, { title: TITLE });
}

async function evaluate(config: Config, report: EvaluationReport): Promise<void> {
  try {
    await evaluateModels(config, report, { log: (m) => core.info(m) });
  } finally {
    // also when a later step failed: the policy was applied before it
    announceMissingBaseline(report);
  }
  // what the decision passed but had to say (a gain within noise) is an annotation too
  const missing = report.baselineMissing && missingBaselineWarning(report.baselineMissing);
  for (const w of report.warnings) if (w !== missing) core.warning(w, { title: TITLE });
}

async function postComment(report: EvaluationReport, config: Config): Promise<void> {
  if (!config.comment) return;
  // one comment per workflow, job and evaluation (matrix jobs share GITHUB_JOB, not their inputs)
  const key = `${process.env.GITHUB_WORKFLOW ?? ''}/${process.env.GITHUB_JOB ?? ''}/${config.newModel}/${config.evalData}`;
  const marker = `<!-- ml-gate:evaluate-baseline ${key.replace(/--/g, '- -')} -->`;
  const result = await upsertPullRequestComment(config.token, marker, renderEvaluationMarkdown(report, { marker }));
  if (result.action === 'skipped') core.debug(`PR comment skipped: ${result.reason}`);
  else core.info(`PR comment ${result.action}: ${result.url ?? ''}`);
}

function outputs(r: EvaluationReport): Record<string, string> {
  const interval = r.comparisons?.find((c) => c.metric === r.primary.metric)?.interval;
  return {
    passed: String(r.passed),
    metric: r.primary.metric,
    'new-metric': numberOutput(r.primary.new),
    'baseline-metric': numberOutput(r.primary.baseline),
    improvement: numberOutput(r.primary.improvement),
    'improvement-lower': numberOutput(interval?.lower),
    'improvement-upper': numberOutput(interval?.upper),
    'p-value': numberOutput(r.significance?.pValue),
  };
}

export async function run(): Promise<void> {
  const report = newEvaluationReport();
  let config: Config | undefined;
  await runReportedAction({
    title: TITLE,
    reportPath: readReportPath(),
    inputs: INPUTS,
    report,
    body: async () => {
      config = readConfig();
      await evaluate(config, report);
    },
    recordError: markErrored,
    outputs,
    markdown: (r) => renderEvaluationMarkdown(r),
    afterPublish: async (r) => {
      if (config) await postComment(r, config);
    },
    verdict: (r) => {
      core.info(`${r.passed ? 'PASSED' : 'FAILED'}: ${r.reason}`);
      if (!r.passed) throw new UserError(`Gate failed: ${r.reason}`, { file: config?.newModel });
    },
  });
}
