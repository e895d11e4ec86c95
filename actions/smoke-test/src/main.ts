import * as core from '@actions/core';
import { UserError } from '@ml-gate/core';
import { markErrored, runReportedAction } from '@ml-gate/core/github';
import { newSmokeTestReport, renderSmokeTestMarkdown, runSmokeGate, smokeTestOutputs } from '@ml-gate/core/smoke';

import { INPUTS } from './inputs.js';
import { readConfig, readReportPath } from './config.js';

export async function run(): Promise<void> {
  const report = newSmokeTestReport();
  await runReportedAction({
    title: 'smoke-test',
    reportPath: readReportPath(),
    inputs: INPUTS,
    report,
    body: async () => runSmokeGate(await readConfig(), report, (m) => core.info(m)),
    recordError: markErrored,
    outputs: smokeTestOutputs,
    markdown: renderSmokeTestMarkdown,
    verdict: (r) => {
      core.info(`${r.passed ? 'PASSED' : 'FAILED'}: ${r.reason}`);
      if (!r.passed) throw new UserError(`Smoke test failed: ${r.reason}`);
    },
  });
}
