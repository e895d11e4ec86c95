// The two ways evaluate-baseline runs besides reading its inputs and publishing: scoring (every row,
// or one shard's, whose partial is stored) and merging the shards' partials. The runner's side of
// it — the baseline fetched from GitHub, partials written and uploaded — is here; what is decided is
// in core (evaluateModels, evaluateShard, mergePartials).
import { fileURLToPath } from 'node:url';
import * as core from '@actions/core';
import { sha256Files } from '@ml-gate/core';
import {
  evaluateModels,
  evaluateShard,
  mergePartials,
  missingBaselineAnnotation,
  type EvaluationReport,
  type Producer,
  type ReportAnnotation,
} from '@ml-gate/core/evaluation';

import { INPUTS } from './inputs.js';
import { checkMergeInputs, shardInputs, type Config, type MergeConfig } from './config.js';
import { loadPartials, storePartial } from './partials.js';
import { resolveBaseline } from './baseline.js';

export const TITLE = 'evaluate-baseline';

/** This build of the action: a partial written by any other is refused by the merge. */
async function producer(): Promise<Producer> {
  return { action: TITLE, build: await sha256Files(fileURLToPath(import.meta.url)) };
}

/** Shows annotations the way their level says. */
export function annotate(annotations: (ReportAnnotation | undefined)[]): void {
  for (const a of annotations) if (a) core[a.level](a.text, { title: TITLE });
}

/** Scores (every row, or one shard's, whose partial is stored) and, unsharded, decides. */
export async function evaluate(given: Config, report: EvaluationReport): Promise<void> {
  const log = (m: string) => core.info(m);
  try {
    const { path, source } = await resolveBaseline(given.baselineModel, { token: given.token, workflow: given.baselineWorkflow, log });
    const config = { ...given, baselineModel: path };
    const options = { log, baselineCache: config.baselineCache, baselineSource: source, producer: await producer() };
    if (!config.shard) await evaluateModels(config, report, options);
    else {
      const partial = await evaluateShard(config, report, { ...options, shard: config.shard, inputs: shardInputs() });
      core.info(
        `Partial result of shard ${config.shard.index} of ${config.shard.count}: ${await storePartial(config.partials, config.shard, partial)}.`,
      );
    }
  } finally {
    // also when a later step failed: the policy was applied before it
    annotate([missingBaselineAnnotation(report.baselineMissing)]);
  }
}

/** Reads every shard's partial and decides with the shards' settings, as one unsharded run. */
export async function merge(config: MergeConfig, report: EvaluationReport): Promise<{ newModel: string; evalData: string }> {
  const partials = await loadPartials(config.partials);
  const settings = mergePartials(partials, report, await producer(), (shardInputs) => checkMergeInputs(shardInputs, INPUTS));
  core.info(`Merged ${partials.length} partial results.`);
  annotate([missingBaselineAnnotation(report.baselineMissing)]);
  return settings;
}
