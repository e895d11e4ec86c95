#!/usr/bin/env node
// The example pipeline, run on this machine: the stages examples/workflows/ml-pipeline.yml runs on
// GitHub, on the same files (examples/project), each action run from its COMMITTED bundle
// (actions/<name>/dist/index.js) the way the GitHub runner runs a `uses:` step: a fresh process,
// every `with:` value as INPUT_<NAME> (and action.yml's defaults for the others), the files
// GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_ENV, GITHUB_STATE and GITHUB_EVENT_PATH, the
// repository root as GITHUB_WORKSPACE and working directory.
//
//   npm run example                       (node examples/project/run-pipeline.mjs)
//   node examples/project/run-pipeline.mjs --out DIR --python PYTHON
//
// Stages: validate-data on the training set (suite, drift against the baseline's data) and on the
// held-out set (suite, leakage against the training set) -> prepare the arrays and train (PyTorch,
// CPU) -> check-training on the per-epoch metrics -> evaluate-baseline against the committed
// production baseline -> validate-onnx (ONNX vs PyTorch) -> deploy the baseline as version 1 and
// record it, then deploy the candidate as version 2 to "staging" (scripts/deploy.sh, the example
// model server on a free loopback port) -> smoke-test it -> record it -> rollback dry run (names
// version 1) -> a real rollback (the rollback action runs scripts/deploy.sh, `target: command`)
// -> smoke-test the restored version 1.
//
// Everything it writes goes to --out (default .example-run/ at the repository root): reports/
// (each stage's JSON report), summaries/ (each step's job summary), logs/ (stdout and stderr of
// every step), data/, model/, the model repository and the servers' logs; and summary.json, the
// stage table it prints at the end. It stops at the first stage that fails, exit code 1.
//
// Which Node runs the bundles: ML_GATE_ACTION_NODE when set (the runner's Node 24, as .ci/run sets
// it), else this Node. onnxruntime-node, which the bundles provision from the npm registry on a
// runner, comes from this repository's node_modules (ONNXRUNTIME_NODE_PATH), as in the tests.
//
// The rollback ledger: on GitHub it is the repository's Deployments API. Here it is a loopback
// stand-in that speaks that API (scripts/stand-in.mjs: the one the tests use), pointed to by
// GITHUB_API_URL; the rollback action cannot tell the difference, and nothing reaches GitHub.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';

import { loadStandIns } from './scripts/stand-in.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PROJECT = 'examples/project';
const MODEL_NAME = 'digits';
const PREVIOUS_VERSION = '1'; // the committed baseline, "in production before"
const CANDIDATE_VERSION = '2'; // the model this run trains
const ENVIRONMENT = 'staging';
const FAKE_TOKEN = 'example-run-token'; // what ${{ github.token }} is here (the stand-in accepts any)

const { values: args } = parseArgs({
  options: {
    out: { type: 'string', default: '.example-run' },
    python: { type: 'string', default: process.env.PYTHON || '/usr/bin/python3' },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log('usage: node examples/project/run-pipeline.mjs [--out DIR] [--python PYTHON]');
  process.exit(0);
}

const OUT = resolve(ROOT, args.out);
const NODE = process.env.ML_GATE_ACTION_NODE || process.execPath;
const ORT = process.env.ONNXRUNTIME_NODE_PATH || join(ROOT, 'node_modules', 'onnxruntime-node');
/** A path as an input gives it: relative to the workspace (the repository root) when inside it. */
const ws = (p) => {
  const r = relative(ROOT, resolve(ROOT, p));
  return r.startsWith('..') || isAbsolute(r) ? resolve(ROOT, p) : r;
};
const out = (...parts) => ws(join(OUT, ...parts));

// ------------------------------------------------------------------------------------------------
// The runner's side of one step
// ------------------------------------------------------------------------------------------------

const INHERITED = ['GITHUB_', 'RUNNER_', 'ACTIONS_', 'INPUT_'];
let stepNumber = 0;

/** INPUT_<NAME> as the runner spells it: upper case, spaces to underscores, hyphens kept. */
const inputVariable = (name) => `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;

async function actionInputs(action) {
  const meta = parseYaml(await readFile(join(ROOT, 'actions', action, 'action.yml'), 'utf8'));
  return { main: meta.runs.main, inputs: meta.inputs ?? {} };
}

/** Runs actions/<action>/dist (its action.yml's runs.main) as the runner runs a `uses:` step. */
async function runAction(step, action, inputs, { env = {}, apiUrl = 'http://127.0.0.1:9' } = {}) {
  const { main, inputs: declared } = await actionInputs(action);
  const files = join(OUT, 'runner', `${String(++stepNumber).padStart(2, '0')}-${step}`);
  await mkdir(files, { recursive: true });
  const file = (n) => join(files, n);
  for (const n of ['output', 'step_summary', 'env', 'path', 'state']) await writeFile(file(n), '');
  await writeFile(file('event.json'), JSON.stringify({ ref: 'refs/heads/main', repository: { full_name: 'example/ml-gate-project' } }));

  const childEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !INHERITED.some((p) => k.toUpperCase().startsWith(p))));
  Object.assign(childEnv, {
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_REPOSITORY: 'example/ml-gate-project',
    GITHUB_REPOSITORY_OWNER: 'example',
    GITHUB_WORKSPACE: ROOT,
    GITHUB_EVENT_NAME: 'push',
    GITHUB_EVENT_PATH: file('event.json'),
    GITHUB_OUTPUT: file('output'),
    GITHUB_STEP_SUMMARY: file('step_summary'),
    GITHUB_ENV: file('env'),
    GITHUB_PATH: file('path'),
    GITHUB_STATE: file('state'),
    GITHUB_API_URL: apiUrl,
    GITHUB_GRAPHQL_URL: `${apiUrl}/graphql`,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_SHA: commit,
    GITHUB_REF: 'refs/heads/main',
    GITHUB_WORKFLOW: 'example pipeline (local)',
    GITHUB_JOB: 'example',
    GITHUB_ACTION: step,
    GITHUB_ACTOR: 'example-user',
    GITHUB_RUN_ID: '1',
    GITHUB_RUN_NUMBER: '1',
    GITHUB_RUN_ATTEMPT: '1',
    RUNNER_OS: { linux: 'Linux', darwin: 'macOS', win32: 'Windows' }[process.platform] ?? process.platform,
    RUNNER_ARCH: process.arch.toUpperCase(),
    RUNNER_NAME: 'example-run',
    RUNNER_TEMP: join(OUT, 'runner', 'temp'),
    RUNNER_TOOL_CACHE: join(OUT, 'runner', 'tool-cache'),
    ONNXRUNTIME_NODE_PATH: ORT,
    ...env,
  });
  await mkdir(childEnv.RUNNER_TEMP, { recursive: true });
  for (const [name, spec] of Object.entries(declared)) {
    if (spec?.default !== undefined)
      childEnv[inputVariable(name)] = String(spec.default).replace(/\$\{\{\s*github\.token\s*\}\}/g, FAKE_TOKEN);
  }
  for (const [name, value] of Object.entries(inputs)) {
    // the runner passes undeclared inputs too (with a warning); a typo here is a bug of this script
    if (!(name in declared)) throw new Error(`actions/${action}/action.yml declares no input '${name}'`);
    childEnv[inputVariable(name)] = value;
  }
  const { code, output } = await run(NODE, [join(ROOT, 'actions', action, main)], { env: childEnv, log: step });
  const outputs = parseCommandFile(await readFile(file('output'), 'utf8'));
  const summary = await readFile(file('step_summary'), 'utf8');
  await writeFile(join(OUT, 'summaries', `${step}.md`), summary);
  const errors = output
    .split('\n')
    .filter((l) => l.startsWith('::error'))
    .map((l) => l.replace(/^::error[^:]*::/, '').replace(/%0A/g, ' '));
  return { ok: code === 0, code, outputs, errors };
}

/** GITHUB_OUTPUT's `name<<delimiter` blocks and `name=value` lines. */
function parseCommandFile(text) {
  const result = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const heredoc = /^([^=<]+)<<(.+)$/.exec(lines[i]);
    if (heredoc) {
      const value = [];
      for (i++; i < lines.length && lines[i] !== heredoc[2]; i++) value.push(lines[i]);
      result[heredoc[1]] = value.join('\n');
    } else if (lines[i].includes('=')) {
      const eq = lines[i].indexOf('=');
      result[lines[i].slice(0, eq)] = lines[i].slice(eq + 1);
    }
  }
  return result;
}

/** Runs a program, its output to logs/<log>.log; resolves with its exit code and output. */
function run(file, argv, { env = process.env, log }) {
  return new Promise((done, fail) => {
    const child = spawn(file, argv, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks = [];
    child.stdout.on('data', (b) => chunks.push(b));
    child.stderr.on('data', (b) => chunks.push(b));
    child.once('error', fail);
    child.once('close', (code, signal) => {
      const output = Buffer.concat(chunks).toString('utf8');
      writeFile(join(OUT, 'logs', `${log}.log`), output).then(() => done({ code: code ?? (signal ? 128 : 1), output }), fail);
    });
  });
}

// ------------------------------------------------------------------------------------------------
// The stages
// ------------------------------------------------------------------------------------------------

const stages = [];
const started = Date.now();

/** Runs one stage; `body` returns { ok, detail, report?, outputs? }. Stops the pipeline on a failure. */
async function stage(name, body) {
  const t0 = Date.now();
  process.stdout.write(`${name} ... `);
  let result;
  try {
    result = await body();
  } catch (e) {
    result = { ok: false, detail: e instanceof Error ? e.message : String(e) };
  }
  const seconds = (Date.now() - t0) / 1000;
  const status = result.ok ? 'passed' : 'failed';
  stages.push({ stage: name, status, seconds, detail: result.detail ?? '', report: result.report ?? null, outputs: result.outputs ?? {} });
  console.log(`${status} (${seconds.toFixed(1)} s)${result.detail ? `: ${result.detail}` : ''}`);
  if (status === 'failed') {
    for (const e of result.errors ?? []) console.log(`  error: ${e}`);
    throw new PipelineFailure(name);
  }
  return result;
}
class PipelineFailure extends Error {}

/** A stage that runs an action and passes when its step passes. */
const actionStage = (name, action, inputs, options) =>
  stage(name, async () => {
    const r = await runAction(name, action, inputs, options);
    return { ...r, report: r.outputs['report-path'] ?? null, detail: (options?.detail ?? (() => ''))(r.outputs) };
  });

const python = (name, script, argv) =>
  stage(name, async () => {
    const r = await run(args.python, [join(PROJECT, 'scripts', script), ...argv], { log: name });
    const last = r.output.trim().split('\n').pop();
    return { ok: r.code === 0, detail: r.code === 0 ? last : `exit code ${r.code}: ${last} (logs/${name}.log)` };
  });

const deploy = (name, argv, env) =>
  stage(name, async () => {
    const r = await run(join(ROOT, PROJECT, 'scripts', 'deploy.sh'), [ENVIRONMENT, ...argv], {
      env: { ...process.env, ...env },
      log: name,
    });
    return { ok: r.code === 0, detail: r.output.trim().split('\n').pop() };
  });

async function freePort() {
  const server = createServer();
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address();
  await new Promise((done) => server.close(done));
  return port;
}

const sha256 = async (file) =>
  createHash('sha256')
    .update(await readFile(file))
    .digest('hex');

let commit = '0000000000000000000000000000000000000000';

async function main() {
  commit = await new Promise((done) => {
    const git = spawn('git', ['rev-parse', 'HEAD'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] });
    let text = '';
    git.stdout.on('data', (b) => (text += b));
    git.once('error', () => done(commit));
    git.once('close', () => done(/^[0-9a-f]{40}$/.test(text.trim()) ? text.trim() : commit));
  });
  await rm(OUT, { recursive: true, force: true });
  for (const d of ['reports', 'summaries', 'logs']) await mkdir(join(OUT, d), { recursive: true });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const deployEnv = {
    MODEL_NAME,
    MODEL_REPOSITORY: join(OUT, 'model-repository'),
    DEPLOY_STATE_DIR: join(OUT, 'deploy', ENVIRONMENT),
    MODEL_SERVER_PORT: String(port),
    NODE: process.execPath,
    ONNXRUNTIME_NODE_PATH: ORT,
  };
  console.log(`example pipeline: ${PROJECT} -> ${ws(OUT)}/ (bundles under node ${await nodeVersion()}, python ${args.python})`);

  const standIns = await loadStandIns();
  const ledger = await standIns.GitHubDeploymentsStub.start();
  try {
    await pipeline({ url, deployEnv, ledger });
  } catch (e) {
    if (!(e instanceof PipelineFailure)) throw e;
  } finally {
    await run(join(ROOT, PROJECT, 'scripts', 'deploy.sh'), [ENVIRONMENT, '--stop'], {
      env: { ...process.env, ...deployEnv },
      log: 'stop-server',
    });
    await ledger.close();
    await standIns.dispose();
  }
  const seconds = (Date.now() - started) / 1000;
  const passed = stages.every((s) => s.status !== 'failed');
  await writeFile(join(OUT, 'summary.json'), `${JSON.stringify({ passed, seconds, modelName: MODEL_NAME, stages }, null, 2)}\n`);
  console.log(`\n| stage | result | time | detail |\n|---|---|---|---|`);
  for (const s of stages) console.log(`| ${s.stage} | ${s.status} | ${s.seconds.toFixed(1)} s | ${s.detail} |`);
  console.log(
    `\n${passed ? 'The example pipeline passed' : 'The example pipeline FAILED'} in ${seconds.toFixed(1)} s; reports in ${ws(OUT)}/reports, summary in ${ws(OUT)}/summary.json`,
  );
  process.exitCode = passed ? 0 : 1;
}

async function nodeVersion() {
  const r = await new Promise((done) => {
    const child = spawn(NODE, ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let text = '';
    child.stdout.on('data', (b) => (text += b));
    child.once('close', () => done(text.trim()));
  });
  return r;
}

async function pipeline({ url, deployEnv, ledger }) {
  const data = (f) => `${PROJECT}/data/${f}`;
  const report = (f) => out('reports', f);
  const passedDetail = (o) =>
    `${o['evaluated-expectations']} expectations, ${o['failed-expectations']} failed, drifted: ${o['drifted-columns'] || 'none'}${o['overlap-rows'] !== undefined && o['overlap-rows'] !== '' ? `, shared rows: ${o['overlap-rows']}` : ''}`;

  // 2. data validation
  await actionStage(
    'validate-train',
    'validate-data',
    {
      data: data('train.csv'),
      suite: data('expectations.json'),
      reference: data('reference.csv'),
      'drift-ignore': 'id',
      report: report('train_data_report.json'),
      result: report('train_data_result.json'),
    },
    { detail: passedDetail },
  );
  await actionStage(
    'validate-holdout',
    'validate-data',
    {
      data: data('holdout.csv'),
      suite: data('expectations.json'),
      train: data('train.csv'),
      'leakage-ignore': 'id',
      label: 'label',
      report: report('holdout_data_report.json'),
      result: report('holdout_data_result.json'),
    },
    { detail: passedDetail },
  );

  // 3. training
  await python('prepare-data', 'prepare_data.py', ['--data', `${PROJECT}/data`, '--out', out('data')]);
  await python('train', 'train.py', ['--data', out('data'), '--out', out('model')]);
  await actionStage(
    'check-training',
    'check-training',
    { log: out('model', 'metrics.csv'), report: report('training_report.json') },
    { detail: (o) => `${o.epochs} epochs, loss ${o['first-loss']} -> ${o['final-loss']}, validation loss ${o['final-val-loss']}` },
  );

  // 4. evaluation against the committed production baseline
  await actionStage(
    'evaluate-baseline',
    'evaluate-baseline',
    {
      'new-model': out('model', 'model.onnx'),
      'baseline-model': `${PROJECT}/baseline/model.onnx`,
      'eval-data': out('data', 'holdout'),
      'min-improvement': '0.01',
      confidence: '0.95',
      thresholds: 'log-loss regression <= 0.01',
      'max-class-regression': '0.05',
      'missing-baseline': 'fail',
      report: report('eval_report.json'),
      comment: 'false',
    },
    {
      detail: (o) =>
        `${o.metric} ${o['baseline-metric']} -> ${o['new-metric']}, improvement ${o.improvement} (95% lower bound ${o['improvement-lower']})`,
    },
  );

  // 5. packaging: the export computes what PyTorch computed
  await actionStage(
    'validate-onnx',
    'validate-onnx',
    {
      model: out('model', 'model.onnx'),
      'reference-inputs': out('model', 'reference_inputs.npy'),
      'reference-outputs': out('model', 'reference_outputs.npy'),
      atol: '1e-5',
      rtol: '1e-3',
      report: report('onnx_validation_report.json'),
    },
    { detail: (o) => `max abs error ${o['max-abs-error'] ?? '?'}` },
  );

  // 6. staging: what was serving before (the baseline, version 1, recorded as good), then the candidate
  const githubLedger = { apiUrl: ledger.url };
  const record = (name, version, model) =>
    actionStage(
      'record-' + name,
      'rollback',
      { mode: 'record', environment: ENVIRONMENT, version, model, report: report(`record_${name}.json`) },
      {
        ...githubLedger,
        detail: (o) => `${o.status}: ${ENVIRONMENT} ${o.version}`,
      },
    );
  await deploy('deploy-previous', [PREVIOUS_VERSION, `${PROJECT}/baseline/model.onnx`], deployEnv);
  await record('previous', PREVIOUS_VERSION, `${PROJECT}/baseline/model.onnx`);
  await deploy('deploy-candidate', [CANDIDATE_VERSION, out('model', 'model.onnx')], deployEnv);
  const smoke = (name, version, model) =>
    actionStage(
      name,
      'smoke-test',
      {
        url,
        protocol: 'open-inference',
        'model-name': MODEL_NAME,
        'expected-model-version': version,
        sample: `${PROJECT}/smoke/sample_request.json`,
        model,
        'latency-p95-ms': '500',
        timeout: '60s',
        report: report(`${name.replace(/-/g, '_')}_report.json`),
      },
      { detail: (o) => `${o.status}: version ${version} serves, after ${o.attempts} attempt(s)` },
    );
  await smoke('smoke-test', CANDIDATE_VERSION, out('model', 'model.onnx'));
  await record('candidate', CANDIDATE_VERSION, out('model', 'model.onnx'));

  // 8. rollback: first a dry run (what would happen), then for real, then smoke-test what it restored
  const rollback = (name, extra) =>
    actionStage(
      name,
      'rollback',
      {
        mode: 'rollback',
        environment: ENVIRONMENT,
        'expected-current': CANDIDATE_VERSION,
        reason: 'example run: going back to the previous version',
        target: 'command',
        // run without a shell, with ML_GATE_VERSION in its environment: the same script that deployed
        command: `${PROJECT}/scripts/deploy.sh ${ENVIRONMENT}`,
        report: report(`${name.replace(/-/g, '_')}_report.json`),
        ...extra,
      },
      { ...githubLedger, env: deployEnv, detail: (o) => `${o.status}: ${o['from-version']} -> ${o['to-version']}` },
    );
  await rollback('rollback-dry-run', { 'dry-run': 'true' });
  await rollback('rollback', {});
  await smoke('smoke-test-restored', PREVIOUS_VERSION, `${PROJECT}/baseline/model.onnx`);
  const entries = ledger.deployments.filter((d) => d.task === 'deploy:ml-gate').length;
  console.log(
    `ledger stand-in: ${entries} deployments of ${ENVIRONMENT} (task deploy:ml-gate); baseline sha256 ${(await sha256(join(ROOT, PROJECT, 'baseline', 'model.onnx'))).slice(0, 12)}...`,
  );
}

await main();
