// Runs the committed evaluate-baseline bundle on the bundled example the way the GitHub runner
// does (INPUT_* environment, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files) and prints the verdict.
// Needs no `npm install`: the bundle provisions onnxruntime-node itself (downloaded once from the
// npm registry into ~/.cache/ml-gate/tool-cache, or RUNNER_TOOL_CACHE).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const example = join('examples', 'demo'); // relative to the repository root, the step's working directory
const work = mkdtempSync(join(tmpdir(), 'ml-gate-demo-'));
const outputs = join(work, 'outputs');
const summary = join(work, 'summary.md');
writeFileSync(outputs, '');
writeFileSync(summary, '');

const inputs = {
  'new-model': join(example, 'models', 'candidate.onnx'),
  'baseline-model': join(example, 'models', 'production.onnx'),
  'eval-data': join(example, 'data', 'holdout.npz'),
  'min-improvement': '0.01',
  report: join(work, 'eval_report.json'),
  comment: 'false',
};
const env = { ...process.env, GITHUB_OUTPUT: outputs, GITHUB_STEP_SUMMARY: summary, RUNNER_TEMP: work };
for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;

const run = spawnSync(process.execPath, [join(root, 'actions', 'evaluate-baseline', 'dist', 'index.js')], {
  cwd: root,
  env,
  encoding: 'utf8',
});
// the runner hides ::debug:: lines; so does the demo
process.stdout.write(
  run.stdout
    .split('\n')
    .filter((l) => !l.startsWith('::debug::'))
    .join('\n'),
);
process.stderr.write(run.stderr);
console.log('\n--- job summary ---\n' + readFileSync(summary, 'utf8'));
console.log(`Report: ${inputs.report}`);
console.log(`Exit code ${run.status}: the gate ${run.status === 0 ? 'PASSED' : 'FAILED'}.`);
process.exit(run.status ?? 1);
