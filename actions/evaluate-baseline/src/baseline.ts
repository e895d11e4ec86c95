// baseline-model as a release asset or an artifact of another run: fetched before the evaluation
// into the runner's temp folder (packages/core/src/github/baseline-source.ts).
import { inputValue } from '@ml-gate/core';
import type { EvaluateOptions } from '@ml-gate/core/evaluation';
import { fetchBaseline, parseBaselineLocation, runnerTempDir } from '@ml-gate/core/github';

/** Where the baseline is, fetched if it is on GitHub: the path to evaluate, and its origin or why there is none. */
export async function resolveBaseline(
  value: string,
  options: { token: string; workflow: string; log: (m: string) => void },
): Promise<{ path: string; source?: EvaluateOptions['baselineSource'] }> {
  const location = inputValue('baseline-model', parseBaselineLocation(value), { shown: value });
  if (location.kind === 'path') return { path: location.path };
  const dir = await runnerTempDir('ml-gate-baseline-');
  const fetched = await fetchBaseline(location, { token: options.token, workflow: options.workflow, dir });
  if ('missing' in fetched) return { path: '', source: { missing: `baseline-model ${value}: ${fetched.missing}` } };
  options.log(`Baseline ${value}: ${fetched.path} (SHA-256 ${fetched.sha256}).`);
  return { path: fetched.path, source: { origin: fetched.origin } };
}
