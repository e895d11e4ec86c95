import * as core from '@actions/core';
import { UserError } from '@ml-gate/core';
import {
  evaluationCommentMarker,
  evaluationOutputs,
  newEvaluationReport,
  renderEvaluationMarkdown,
  warningAnnotations,
  type EvaluationReport,
} from '@ml-gate/core/evaluation';
import { markErrored, runReportedAction, upsertPullRequestComment } from '@ml-gate/core/github';

import { INPUTS } from './inputs.js';
import { readConfig, readReportPath, type Config, type MergeConfig } from './config.js';
import { TITLE, annotate, evaluate, merge } from './modes.js';

async function postComment(
  report: EvaluationReport,
  config: Config | MergeConfig,
  paths: { newModel: string; evalData: string },
): Promise<void> {
  if (!config.comment || report.status === 'partial') return;
  const marker = evaluationCommentMarker(paths);
  const result = await upsertPullRequestComment(config.token, marker, renderEvaluationMarkdown(report, { marker }));
  if (result.action === 'skipped') core.debug(`PR comment skipped: ${result.reason}`);
  else core.info(`PR comment ${result.action}: ${result.url ?? ''}`);
}

export async function run(): Promise<void> {
  const report = newEvaluationReport();
  let config: Config | MergeConfig | undefined;
  let paths: { newModel: string; evalData: string } | undefined;
  await runReportedAction({
    title: TITLE,
    reportPath: readReportPath(),
    inputs: INPUTS,
    report,
    body: async () => {
      config = readConfig();
      if (config.mode === 'merge') paths = await merge(config, report);
      else {
        paths = config;
        await evaluate(config, report);
      }
      annotate(warningAnnotations(report.warnings, report.baselineMissing));
    },
    recordError: markErrored,
    outputs: evaluationOutputs,
    markdown: (r) => renderEvaluationMarkdown(r),
    afterPublish: async (r) => {
      if (config && paths) await postComment(r, config, paths);
    },
    verdict: (r) => {
      if (r.status === 'partial') return core.info(r.reason);
      core.info(`${r.passed ? 'PASSED' : 'FAILED'}: ${r.reason}`);
      if (!r.passed) throw new UserError(`Gate failed: ${r.reason}`, { file: paths?.newModel });
    },
  });
}
