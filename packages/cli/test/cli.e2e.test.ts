// End-to-end tests of the BUILT command line (packages/cli/dist/index.js, `npm run bundle -w
// packages/cli`) against the COMMITTED action bundles on the same inputs (test/run-action.ts): the
// same JSON report (except when and where it ran, and timings), the same outputs and exit codes.
// The CLI runs as a user runs it: a child `node dist/index.js`, in an empty folder, with none of
// the runner's variables, ONNXRUNTIME_NODE_PATH unset and HOME a new folder, so that its first run
// provisions onnxruntime-node from the npm registry into ~/.cache/ml-gate/tool-cache.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { fixture } from '../../../test/fixtures.js';
import { committedAction, readReport, type ActionRun, type CommittedAction } from '../../../test/run-action.js';

const CLI = fileURLToPath(new URL('../dist/index.js', import.meta.url));

interface CliRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  cwd: string;
  /** The outputs printed under "Outputs:". */
  outputs: Record<string, string>;
}

let scratch: string;
let home: string;
const actions: Record<string, CommittedAction> = {};

/**
 * Builds the CLI when it is not built (a fresh clone's `npm ci && npm test`; CI's check-dist has
 * built it already): the actions' lib/ it loads, then its own bundle.
 */
function buildCli(): void {
  if (existsSync(CLI)) return;
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
  execFileSync('npm', ['run', 'bundle', '-w', 'packages/cli'], { cwd: root, stdio: 'inherit' });
}

beforeAll(async () => {
  buildCli();
  scratch = await mkdtemp(join(tmpdir(), 'cli-e2e-'));
  home = join(scratch, 'home');
  await mkdir(home);
  actions['evaluate-baseline'] = await committedAction('evaluate-baseline');
  actions['validate-onnx'] = await committedAction('validate-onnx');
  actions['check-training'] = await committedAction('check-training');
});
afterAll(async () => {
  await Promise.all(Object.values(actions).map((a) => a.dispose()));
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

/** The outputs block the CLI prints: "Outputs:" then "  name: value" lines. */
function printedOutputs(stdout: string): Record<string, string> {
  const block = stdout.split('\nOutputs:\n')[1] ?? '';
  const outputs: Record<string, string> = {};
  for (const line of block.split('\n')) {
    const m = /^ {2}([a-z0-9-]+): ?(.*)$/.exec(line);
    if (!m) break;
    outputs[m[1]] = m[2];
  }
  return outputs;
}

/** Runs `node dist/index.js ...args` in a new empty folder, without the runner's or the tests' variables. */
async function cli(args: string[]): Promise<CliRun> {
  const cwd = await mkdtemp(join(scratch, 'run-'));
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !/^(GITHUB_|RUNNER_|ACTIONS_|INPUT_|ONNXRUNTIME_NODE_)/.test(k)) env[k] = v;
  }
  env.HOME = home;
  const child = spawn(process.execPath, [CLI, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (b: Buffer) => out.push(b));
  child.stderr.on('data', (b: Buffer) => err.push(b));
  const exitCode = await new Promise<number | null>((done, fail) => {
    child.once('error', fail);
    child.once('close', done);
  });
  const stdout = Buffer.concat(out).toString('utf8');
  return { exitCode, stdout, stderr: Buffer.concat(err).toString('utf8'), cwd, outputs: printedOutputs(stdout) };
}

/** `--name value` for every input. */
const options = (inputs: Record<string, string>) => Object.entries(inputs).flatMap(([k, v]) => [`--${k}`, v]);

/**
 * A report without what differs between two runs of the same gate: when and where it ran, timings,
 * and whether this run downloaded onnxruntime or found it in the tool cache (settings.onnxruntime.source).
 */
function comparable(report: unknown): unknown {
  const drop = (value: unknown, key = ''): unknown => {
    if (Array.isArray(value)) return value.map((v) => drop(v));
    if (!value || typeof value !== 'object') return value;
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => !['createdAt', 'run', 'timing', 'timings', 'durationMs'].includes(k) && !(key === 'onnxruntime' && k === 'source'))
        .map(([k, v]) => [k, drop(v, k)]),
    );
  };
  return drop(report);
}

/** Runs the CLI and the committed action on the same inputs; checks exit codes, outputs and reports agree. */
async function sameAsAction(command: string, action: string, inputs: Record<string, string>): Promise<[CliRun, ActionRun]> {
  const mine = await cli([command, ...options(inputs), '--summary', 'summary.md']);
  // the action finds onnxruntime where the CLI's first run put it (one download per test run)
  const theirs = await actions[action].run(inputs, { toolCache: join(home, '.cache', 'ml-gate', 'tool-cache') });
  expect(mine.exitCode, mine.stdout + mine.stderr).toBe(theirs.exitCode);
  expect(mine.outputs).toEqual(theirs.outputs);
  const report = JSON.parse(await readFile(join(mine.cwd, mine.outputs['report-path']), 'utf8'));
  expect(comparable(report)).toEqual(comparable(await readReport(theirs)));
  const summary = await readFile(join(mine.cwd, 'summary.md'), 'utf8');
  expect(summary.split('\n')[0]).toBe(theirs.summary.split('\n')[0]);
  expect(mine.stdout + mine.stderr).not.toMatch(/^::/m);
  expect(mine.stderr).not.toMatch(/^\s+at .+/m);
  return [mine, theirs];
}

const evaluation = {
  'new-model': fixture('shards', 'classification', 'new.onnx'),
  'baseline-model': fixture('shards', 'classification', 'baseline.onnx'),
  'eval-data': fixture('shards', 'classification'),
  'batch-size': '200',
  'min-improvement': '0.005',
  slices: 'region',
  'max-slice-regression': '0.05',
  'min-slice-rows': '100',
  thresholds: 'roc-auc >= 0.7',
};

describe('ml-gate evaluate = evaluate-baseline', () => {
  it('the same report, outputs and exit code; onnxruntime provisioned into ~/.cache/ml-gate/tool-cache on first use', async () => {
    const [mine] = await sameAsAction('evaluate', 'evaluate-baseline', evaluation);
    expect(mine.exitCode).toBe(0);
    expect(mine.outputs.passed).toBe('true');
    expect(mine.stdout).toContain('Downloading onnxruntime-node@1.30.0');
    expect(await readdir(join(home, '.cache', 'ml-gate', 'tool-cache'))).not.toEqual([]);
    const again = await cli(['evaluate', ...options(evaluation)]);
    expect(again.stdout).not.toContain('Downloading onnxruntime-node');
    expect(again.exitCode).toBe(mine.exitCode);
    // the summary goes to the terminal by default
    expect(again.stdout).toMatch(/^## .*Model evaluation/m);
  });

  it('a failed gate: exit 1 for both, the annotation as a readable line', async () => {
    const [mine, theirs] = await sameAsAction('evaluate', 'evaluate-baseline', { ...evaluation, 'min-improvement': '0.5' });
    expect(mine.exitCode).toBe(1);
    expect(theirs.errors).toHaveLength(1);
    expect(mine.stderr).toContain(`error: ${theirs.errors[0].message} (`);
  });

  it('a file that is not there: exit 1, "error: ... (file)", no stack trace', async () => {
    const [mine] = await sameAsAction('evaluate', 'evaluate-baseline', { ...evaluation, 'new-model': 'missing.onnx' });
    expect(mine.stderr).toMatch(/^error: .*missing\.onnx.* \(missing\.onnx\)$/m);
  });
});

describe('ml-gate validate = validate-onnx', () => {
  const onnx = (name: string) => fixture('onnx', name);
  it.each([
    ['a sound export', 'outputs.npz', 0],
    ['drifting references', 'outputs_drift.npz', 1],
  ])('%s: the same report, outputs and exit code', async (_what, outputs, exitCode) => {
    const [mine] = await sameAsAction('validate', 'validate-onnx', {
      model: onnx('two_heads_dynamic.onnx'),
      'reference-inputs': onnx('inputs.npz'),
      'reference-outputs': onnx(outputs),
    });
    expect(mine.exitCode).toBe(exitCode);
  });
});

describe('ml-gate training = check-training', () => {
  const log = (name: string) => fileURLToPath(new URL(`../../../actions/check-training/test/fixtures/${name}`, import.meta.url));
  it.each([
    ['a run that converged (Lightning metrics.csv)', { log: log('converging_lightning.csv') }, 0],
    ['a run that blew up to NaN, with a bound', { log: log('nan.csv'), bounds: 'val_loss <= 5' }, 1],
    ['overfitting as a failure', { log: log('overfitting.jsonl'), 'val-loss-rising': 'fail' }, 1],
  ])('%s: the same report, outputs and exit code', async (_what, inputs: Record<string, string>, exitCode) => {
    const [mine] = await sameAsAction('training', 'check-training', inputs);
    expect(mine.exitCode).toBe(exitCode);
  });
});

describe('usage errors', () => {
  it.each([
    [['evaluate', '--new-modle', 'x.onnx'], /^ml-gate: Unknown option --new-modle for ml-gate evaluate; did you mean --new-model\?/],
    [['valdate', '--model', 'x.onnx'], /^ml-gate: Unknown command 'valdate'; did you mean validate\?/],
    [['smoke', '--url'], /^ml-gate: Option --url needs a value\./],
  ])('%j: exit 2 and a message naming it', async (args, message) => {
    const r = await cli(args);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it('--help and <command> --help exit 0 and come from action.yml', async () => {
    const general = await cli(['--help']);
    expect(general.exitCode).toBe(0);
    expect(general.stdout).toContain('evaluate  evaluate-baseline: ');
    const validate = await cli(['validate', '--help']);
    expect(validate.exitCode).toBe(0);
    expect(validate.stdout).toContain('--tolerance-mode <value> (default: numpy)');
  });
});
