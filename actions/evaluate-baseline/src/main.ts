import { fileURLToPath } from 'node:url';
import * as core from '@actions/core';
import { UserError, numberOutput, sha256Files } from '@ml-gate/core';
import {
  evaluateModels,
  evaluateShard,
  mergePartials,
  missingBaselineWarning,
  newEvaluationReport,
  renderEvaluationMarkdown,
  type EvaluationReport,
  type Producer,
} from '@ml-gate/core/evaluation';
import { markErrored, runReportedAction, stringInput, upsertPullRequestComment } from '@ml-gate/core/github';

import { INPUTS } from './inputs.js';
import { checkMergeInputs, readConfig, readReportPath, type Config, type MergeConfig } from './config.js';
import { loadPartials, storePartial } from './partials.js';
import { resolveBaseline } from './baseline.js';

const TITLE = 'evaluate-baseline';

/** This build of the action: a partial written by any other is refused by the merge. */
async function producer(): Promise<Producer> {
  return { action: TITLE, build: await sha256Files(fileURLToPath(import.meta.url)) };
}

/** A run without a baseline says so out loud: a notice under missing-baseline pass, a warning under warn. */
function announceMissingBaseline(report: EvaluationReport): void {
  const missing = report.baselineMissing;
  const text = missing && missingBaselineWarning(missing);
  if (!text) return;
  if (missing.policy === 'warn') core.warning(text, { title: TITLE });
  else core.notice(text, { title: TITLE });
}

/** Scores (every row, or one shard's, whose partial is stored) and, unsharded, decides. */
async function evaluate(given: Config, report: EvaluationReport): Promise<void> {
  const log = (m: string) => core.info(m);
  try {
    const { path, source } = await resolveBaseline(given.baselineModel, { token: given.token, workflow: given.baselineWorkflow, log });
    const config = { ...given, baselineModel: path };
    const options = { log, baselineCache: config.baselineCache, baselineSource: source, producer: await producer() };
    if (!config.shard) await evaluateModels(config, report, options);
    else {
      const inputs = Object.fromEntries(INPUTS.filter((n) => n !== 'github-token').map((n) => [n, stringInput(n)]));
      const partial = await evaluateShard(config, report, { ...options, shard: config.shard, inputs });
      core.info(
        `Partial result of shard ${config.shard.index} of ${config.shard.count}: ${await storePartial(config.partials, config.shard, partial)}.`,
      );
    }
  } finally {
    // also when a later step failed: the policy was applied before it
    announceMissingBaseline(report);
  }
}

/** Reads every shard's partial and decides with the shards' settings, as one unsharded run. */
async function merge(config: MergeConfig, report: EvaluationReport): Promise<{ newModel: string; evalData: string }> {
  const partials = await loadPartials(config.partials);
  const settings = mergePartials(partials, report, await producer(), (shardInputs) => checkMergeInputs(shardInputs, INPUTS));
  core.info(`Merged ${partials.length} partial results.`);
  announceMissingBaseline(report);
  return settings;
}

/** Warnings the decision passed but had to say (a gain within noise) are annotations too. */
function annotateWarnings(report: EvaluationReport): void {
  const missing = report.baselineMissing && missingBaselineWarning(report.baselineMissing);
  for (const w of report.warnings) if (w !== missing) core.warning(w, { title: TITLE });
}

async function postComment(
  report: EvaluationReport,
  config: Config | MergeConfig,
  paths: { newModel: string; evalData: string },
): Promise<void> {
  if (!config.comment || report.status === 'partial') return;
  // one comment per workflow, job and evaluation (matrix jobs share GITHUB_JOB, not their inputs)
  const key = `${process.env.GITHUB_WORKFLOW ?? ''}/${process.env.GITHUB_JOB ?? ''}/${paths.newModel}/${paths.evalData}`;
  const marker = `<!-- ml-gate:evaluate-baseline ${key.replace(/--/g, '- -')} -->`;
  const result = await upsertPullRequestComment(config.token, marker, renderEvaluationMarkdown(report, { marker }));
  if (result.action === 'skipped') core.debug(`PR comment skipped: ${result.reason}`);
  else core.info(`PR comment ${result.action}: ${result.url ?? ''}`);
}

function outputs(r: EvaluationReport): Record<string, string> {
  const interval = r.comparisons?.find((c) => c.metric === r.primary.metric)?.interval;
  return {
    // a partial decides nothing
    passed: r.status === 'partial' ? '' : String(r.passed),
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
        if (!config.newModel) throw new UserError('Input new-model is required and was not given.', { input: 'new-model' });
        if (!config.evalData) throw new UserError('Input eval-data is required and was not given.', { input: 'eval-data' });
        paths = config;
        await evaluate(config, report);
      }
      annotateWarnings(report);
    },
    recordError: markErrored,
    outputs,
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
