import * as core from '@actions/core';
import { runInfoFromEnv } from '@ml-gate/core';
import { maskSecret, runnerTemp, runReportedAction } from '@ml-gate/core/github';
import {
  markRollbackErrored,
  newRollbackReport,
  renderRollbackMarkdown,
  runRelease,
  type ReleaseRunner,
  type RollbackReport,
} from '@ml-gate/core/release';

import { INPUTS } from './inputs.js';
import { readConfig, readReportPath } from './config.js';

const TITLE = 'rollback';

/** The runner's side of a release run: its log, annotations, secret masking and environment. */
function runner(env = process.env): ReleaseRunner {
  return {
    info: (line) => core.info(line),
    warning: (message) => core.warning(message, { title: TITLE }),
    setSecret: maskSecret,
    repository: env.GITHUB_REPOSITORY ?? '',
    apiUrl: env.GITHUB_API_URL || undefined,
    tempDir: runnerTemp(env),
    run: runInfoFromEnv(env),
  };
}

function outputs(r: RollbackReport): Record<string, string> {
  return {
    status: r.status,
    'from-version': r.fromVersion ?? '',
    'to-version': r.toVersion ?? '',
    'rolled-back': String(r.rolledBack),
    version: r.version ?? '',
  };
}

export async function run(): Promise<void> {
  const report = newRollbackReport();
  await runReportedAction({
    title: TITLE,
    reportPath: readReportPath(),
    inputs: INPUTS,
    report,
    body: async () => runRelease(await readConfig(), report, runner()),
    recordError: markRollbackErrored,
    outputs,
    markdown: renderRollbackMarkdown,
    verdict: (r) => core.info(`${r.status.toUpperCase()}: ${r.explanation}`),
  });
}
