// End-to-end tests of the COMMITTED bundle actions/evaluate-baseline/dist/index.js, run the way the
// GitHub runner runs it (test/run-action.ts): a child `node dist/index.js` with INPUT_* variables,
// GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files and an event payload.
//
// The bundle runs from a copy of action.yml + dist/ in a temp folder with no node_modules above it
// (as in the runner's checkout of the action), ONNXRUNTIME_NODE_PATH unset, and a tool cache that
// starts empty: the first run downloads onnxruntime-node from the npm registry (once per test run,
// in beforeAll), every later run finds it in that shared tool cache.
//
// Expected values come from test/fixtures/*/expected.json (scikit-learn and scipy on PyTorch's own
// outputs, written by test/fixtures/generate.py), never from the code under test.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, readdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { fixture, readJson } from '../../../test/fixtures.js';
import { BOT_LOGIN, gitHubApiStubs, pullRequestEvent, seedOthersComments, type GitHubApiStub } from '../../../test/github-api-stub.js';
import {
  committedAction,
  expectErrorAnnotation,
  expectNoStackTrace,
  FAKE_TOKEN,
  readReport,
  type ActionRun,
  type CommittedAction,
  type RunActionOptions,
} from '../../../test/run-action.js';
import { expectMissingBaselineFails } from './expect-gate.js';

const ACTION_SOURCE = fileURLToPath(new URL('..', import.meta.url));
const ORT_VERSION = '1.30.0';
const TARGET = `${process.platform}-${process.arch}`;

interface ClassificationExpected {
  accuracy: number;
  'balanced-accuracy': number;
  'f1-macro': number;
  'precision-macro': number;
  'recall-macro': number;
  'log-loss': number;
  'roc-auc'?: number;
  confusion: number[][];
  per_class: { precision: number[]; recall: number[]; f1: number[]; support: number[] };
}
interface ClassificationSet {
  rows: number;
  new: ClassificationExpected;
  baseline: ClassificationExpected;
  mcnemar: { new_only: number; baseline_only: number; p_value: number };
}
const multiclass = readJson<ClassificationSet>('multiclass', 'expected.json');
const binary = readJson<ClassificationSet>('binary', 'expected.json');
const oneColumn = readJson<ClassificationSet & { new_probabilities_rmse: number }>('binary_one_column', 'expected.json');
const regression = readJson<{ rows: number; new: Record<'rmse' | 'mae' | 'r2', number>; baseline: Record<'rmse' | 'mae' | 'r2', number> }>(
  'regression',
  'expected.json',
);

const MULTI = {
  new: fixture('multiclass', 'new.onnx'),
  baseline: fixture('multiclass', 'baseline.onnx'),
  data: fixture('multiclass').replace(/\/$/, ''),
};

/** The inputs of a fixture set: its new.onnx, baseline.onnx and its folder as eval-data. */
const fixtureSet = (set: string) => ({
  'new-model': fixture(set, 'new.onnx'),
  'baseline-model': fixture(set, 'baseline.onnx'),
  'eval-data': fixture(set),
});

/** The metric as the report renders it (4 decimals in this range). */
const f4 = (v: number) => v.toFixed(4);

function sha256(...buffers: Buffer[]): string {
  const h = createHash('sha256');
  for (const b of buffers) h.update(b);
  return h.digest('hex');
}
const sha256File = async (...paths: string[]) => sha256(...(await Promise.all(paths.map((p) => readFile(p)))));

function expectRelClose(actual: number, expected: number, rel: number, what = ''): void {
  expect(Math.abs(actual - expected) / Math.abs(expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(rel);
}

const CLASSIFICATION_EXACT = ['accuracy', 'balanced-accuracy', 'f1-macro', 'precision-macro', 'recall-macro'] as const;

/** One model's classification metrics in the report (models.<side> and perClass) against scikit-learn's. */
function expectClassificationReport(report: any, side: 'new' | 'baseline', want: ClassificationExpected, role: string): void {
  const model = report.models[side];
  for (const k of CLASSIFICATION_EXACT) expect(model.metrics[k], `${role} ${k}`).toBeCloseTo(want[k], 9);
  // onnxruntime's float32 softmax vs PyTorch's: agreement to ~1e-5
  expect(model.metrics['log-loss'], `${role} log-loss`).toBeCloseTo(want['log-loss'], 5);
  // several classes: one-vs-rest macro (checked against scikit-learn in metrics/rank.test.ts)
  if (want['roc-auc'] !== undefined) expect(model.metrics['roc-auc'], `${role} roc-auc`).toBeCloseTo(want['roc-auc'], 6);
  else expect(model.metrics['roc-auc'], `${role} roc-auc (one-vs-rest)`).toBeGreaterThan(0.5);
  expect(model.confusion, `${role} confusion`).toEqual(want.confusion);
  for (const k of ['precision', 'recall', 'f1'] as const) {
    expect(report.perClass).toHaveLength(want.per_class[k].length);
    want.per_class[k].forEach((v, c) => expect(report.perClass[c][k][side], `${role} ${k}[${c}]`).toBeCloseTo(v, 9));
  }
  expect(report.perClass.map((c: { support: number }) => c.support)).toEqual(want.per_class.support);
}

/** A run that passed: exit 0, no annotation, output passed true, and output metric `metric` when given. */
function expectPassed(r: ActionRun, metric?: string): void {
  expect(r.exitCode, r.stdout + r.stderr).toBe(0);
  expect(r.annotations).toEqual([]);
  expect(r.outputs.passed).toBe('true');
  if (metric !== undefined) expect(r.outputs.metric).toBe(metric);
}

/** Every error path: one error annotation, no stack trace anywhere, a report with status error. */
async function expectUserError(run: ActionRun, ...keywords: (string | RegExp)[]): Promise<{ report: any; message: string }> {
  const error = expectErrorAnnotation(run, 'evaluate-baseline', ...keywords);
  expect(run.outputs.passed).toBe('false');
  const report = await readReport(run);
  expect(report.status).toBe('error');
  expect(report.passed).toBe(false);
  expect(report.error.message).toBe(error.message);
  expect(run.summary.startsWith('## ⚠️ Model evaluation could not run')).toBe(true);
  return { report, message: error.message };
}

/** Folders from `dir` up to the root that hold a node_modules. */
function nodeModulesAbove(dir: string): string[] {
  const found: string[] = [];
  for (let d = resolve(dir); ; d = dirname(d)) {
    if (existsSync(join(d, 'node_modules'))) found.push(join(d, 'node_modules'));
    if (dirname(d) === d) return found;
  }
}

/** The committed action, copied to a temp folder (test/run-action.ts: committedAction). */
let committed: CommittedAction;
let root: string;
/** The copy of action.yml + dist/ the runs execute. */
let action: string;
/** Shared by every run in this file: provisioned by the first run. */
let toolCache: string;
/** The first run ever, with an empty tool cache. */
let firstRun: ActionRun;

function run(inputs: Record<string, string>, options: Partial<RunActionOptions> = {}): Promise<ActionRun> {
  return committed.run(inputs, options);
}

beforeAll(async () => {
  committed = await committedAction('evaluate-baseline');
  ({ root, action, toolCache } = committed);
  firstRun = await run({ 'new-model': MULTI.new, 'baseline-model': MULTI.baseline, 'eval-data': MULTI.data });
});

afterAll(async () => {
  await committed?.dispose();
});

describe('runtime provisioning (a real download from the npm registry)', () => {
  it('runs from a folder with no node_modules above it, the committed bundle byte for byte', async () => {
    expect(nodeModulesAbove(action)).toEqual([]);
    expect(await sha256File(join(action, 'dist', 'index.js'))).toBe(await sha256File(join(ACTION_SOURCE, 'dist', 'index.js')));
  });

  it('downloads the pinned onnxruntime-node into the empty tool cache and passes', async () => {
    // the in-process tests' override (test/setup.ts) is not passed on
    expect(process.env.ONNXRUNTIME_NODE_PATH).toBeTruthy();
    expect(firstRun.env.ONNXRUNTIME_NODE_PATH).toBeUndefined();
    expect(firstRun.env['INPUT_ONNXRUNTIME-PATH']).toBe('');
    expect(firstRun.exitCode, firstRun.stdout + firstRun.stderr).toBe(0);
    expect(firstRun.errors).toEqual([]);
    expect(firstRun.stdout).toContain(`Downloading onnxruntime-node@${ORT_VERSION}`);
    expect(firstRun.stdout).toContain(`Downloading onnxruntime-common@${ORT_VERSION}`);
    expect(firstRun.outputs.passed).toBe('true');
    expect(Number(firstRun.outputs['new-metric'])).toBeCloseTo(multiclass.new.accuracy, 9);
    const report = await readReport(firstRun);
    expect(report.settings.onnxruntime).toEqual({ version: ORT_VERSION, source: 'download' });
  });

  it('keeps only the running platform in the tool cache, with the .complete marker', async () => {
    expect(await readdir(toolCache)).toEqual(['onnxruntime-node']);
    expect(await readdir(join(toolCache, 'onnxruntime-node'))).toEqual([ORT_VERSION]);
    const versionDir = join(toolCache, 'onnxruntime-node', ORT_VERSION);
    // no staging folder or tarball left behind
    expect((await readdir(versionDir)).sort()).toEqual([TARGET, `${TARGET}.complete`]);
    const modules = join(versionDir, TARGET, 'node_modules');
    expect((await readdir(modules)).sort()).toEqual(['onnxruntime-common', 'onnxruntime-node']);
    for (const name of ['onnxruntime-common', 'onnxruntime-node']) {
      const pkg = JSON.parse(await readFile(join(modules, name, 'package.json'), 'utf8'));
      expect(pkg.version).toBe(ORT_VERSION);
    }
    const ortDir = join(modules, 'onnxruntime-node');
    expect(await readdir(join(ortDir, 'bin'))).toEqual(['napi-v6']);
    expect(await readdir(join(ortDir, 'bin', 'napi-v6'))).toEqual([process.platform]);
    expect(await readdir(join(ortDir, 'bin', 'napi-v6', process.platform))).toEqual([process.arch]);
    expect(await readdir(join(ortDir, 'bin', 'napi-v6', process.platform, process.arch))).toContain('onnxruntime_binding.node');
    // only what runs (runtime.ts: "the compiled JavaScript, the manifest and this platform's
    // binaries"): not the TypeScript sources nor the install scripts
    const top = await readdir(ortDir);
    expect(top).toContain('dist');
    expect(top).not.toContain('lib');
    expect(top).not.toContain('script');
  });

  it('does not download again with the same tool cache', async () => {
    const again = await run({ 'new-model': MULTI.new, 'baseline-model': MULTI.baseline, 'eval-data': MULTI.data });
    expect(again.exitCode, again.stdout + again.stderr).toBe(0);
    expect(again.stdout).not.toContain('Downloading');
    expect(again.outputs.passed).toBe('true');
    const report = await readReport(again);
    expect(report.settings.onnxruntime).toEqual({ version: ORT_VERSION, source: 'cache' });
  });
});

describe('classification gate', () => {
  it('multiclass: the new model passes, every metric equals scikit-learn', async () => {
    // the inputs as a workflow writes them: paths relative to the workspace
    const workspace = await mkdtemp(join(root, 'ws-'));
    await mkdir(join(workspace, 'models'));
    await mkdir(join(workspace, 'data', 'eval'), { recursive: true });
    await copyFile(MULTI.new, join(workspace, 'models', 'new.onnx'));
    await copyFile(MULTI.baseline, join(workspace, 'models', 'baseline.onnx'));
    for (const f of ['features.npy', 'labels.npy']) await copyFile(join(MULTI.data, f), join(workspace, 'data', 'eval', f));

    const r = await run(
      { 'new-model': 'models/new.onnx', 'baseline-model': 'models/baseline.onnx', 'eval-data': 'data/eval', report: 'out/eval.json' },
      { workspace },
    );
    expectPassed(r, 'accuracy');
    expectNoStackTrace(r);

    const want = multiclass;
    expect(Number(r.outputs['new-metric'])).toBeCloseTo(want.new.accuracy, 9);
    expect(Number(r.outputs['baseline-metric'])).toBeCloseTo(want.baseline.accuracy, 9);
    expect(Number(r.outputs.improvement)).toBeCloseTo(want.new.accuracy - want.baseline.accuracy, 9);
    expectRelClose(Number(r.outputs['p-value']), want.mcnemar.p_value, 1e-6, 'p-value output');
    expect(r.outputs['report-path']).toBe('out/eval.json');

    const report = await readReport(r);
    expect(report.schema).toBe('ml-gate/evaluate-baseline/v1');
    expect(report.status).toBe('passed');
    expect(report.passed).toBe(true);
    expect(report.task).toBe('classification');
    expect(report.classes).toBe(3);
    expect(report.primary.metric).toBe('accuracy');
    expect(report.primary.higherIsBetter).toBe(true);
    expect(report.primary.new).toBeCloseTo(want.new.accuracy, 9);
    expect(report.primary.baseline).toBeCloseTo(want.baseline.accuracy, 9);
    expect(report.primary.minImprovement).toBe(0.01);
    expect(report.primary.required).toBeCloseTo(want.baseline.accuracy + 0.01, 9);
    expectClassificationReport(report, 'new', want.new, 'new');
    expectClassificationReport(report, 'baseline', want.baseline, 'baseline');

    expect(report.models.new.path).toBe('models/new.onnx');
    expect(report.models.new.sha256).toBe(await sha256File(MULTI.new));
    expect(report.models.baseline.sha256).toBe(await sha256File(MULTI.baseline));
    expect(report.models.new.input).toMatchObject({ name: 'features', type: 'float32', shape: ['batch', 8] });
    expect(report.models.new.output).toMatchObject({ name: 'scores', type: 'float32', shape: ['batch', 3] });

    const features = join(MULTI.data, 'features.npy');
    const labels = join(MULTI.data, 'labels.npy');
    expect(report.evalSet.rows).toBe(want.rows);
    expect(report.evalSet.features.shape).toEqual([want.rows, 8]);
    expect(report.evalSet.features.dtype).toMatch(/float64/);
    expect(report.evalSet.labels.shape).toEqual([want.rows]);
    expect(report.evalSet.labels.dtype).toMatch(/int64/);
    expect(report.evalSet.files.map((f: any) => f.sha256)).toEqual([await sha256File(features), await sha256File(labels)]);
    // the SHA-256 of the files' digests, a line each (sha256sum features.npy labels.npy | cut -d' ' -f1 | sha256sum)
    expect(report.evalSet.sha256).toBe(sha256(Buffer.from(`${await sha256File(features)}\n${await sha256File(labels)}\n`)));

    expect(report.significance.test).toBe('mcnemar-exact');
    expect(report.significance.newOnlyCorrect).toBe(want.mcnemar.new_only);
    expect(report.significance.baselineOnlyCorrect).toBe(want.mcnemar.baseline_only);
    expectRelClose(report.significance.pValue, want.mcnemar.p_value, 1e-6, 'McNemar p');
    expect(report.settings.onnxruntime).toEqual({ version: ORT_VERSION, source: 'cache' });

    // the summary: verdict first, then the numbers
    expect(r.summary.startsWith('## ✅ Model evaluation passed: accuracy')).toBe(true);
    expect(r.summary).toContain(f4(want.new.accuracy));
    expect(r.summary).toContain(f4(want.baseline.accuracy));
    expect(r.summary).not.toContain('<!-- ml-gate'); // the marker belongs to the PR comment only
  });

  it('reads the same set from a deflated .npz (float32 features, int32 labels) with the same metrics', async () => {
    const npz = fixture('multiclass', 'eval.npz');
    const r = await run({ 'new-model': MULTI.new, 'baseline-model': MULTI.baseline, 'eval-data': npz });
    expectPassed(r);
    expect(Number(r.outputs['new-metric'])).toBeCloseTo(multiclass.new.accuracy, 9);
    expect(Number(r.outputs['baseline-metric'])).toBeCloseTo(multiclass.baseline.accuracy, 9);
    const report = await readReport(r);
    expectClassificationReport(report, 'new', multiclass.new, 'new');
    expectClassificationReport(report, 'baseline', multiclass.baseline, 'baseline');
    expectRelClose(report.significance.pValue, multiclass.mcnemar.p_value, 1e-6, 'McNemar p');
    expect(report.evalSet.rows).toBe(multiclass.rows);
    expect(report.evalSet.features.dtype).toMatch(/float32/);
    expect(report.evalSet.labels.dtype).toMatch(/int32/);
    expect(report.evalSet.files).toEqual([{ path: npz, sha256: await sha256File(npz) }]);
  });

  it('streams in batches of 64 rows (the last one short) from the compressed .npz: the same metrics', async () => {
    const r = await run({
      'new-model': MULTI.new,
      'baseline-model': MULTI.baseline,
      'eval-data': fixture('multiclass', 'eval.npz'),
      'batch-size': '64',
    });
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(r.annotations).toEqual([]);
    const report = await readReport(r);
    expect(report.settings.batchSize).toBe(64);
    expectClassificationReport(report, 'new', multiclass.new, 'new');
    expectClassificationReport(report, 'baseline', multiclass.baseline, 'baseline');
    expect(report.significance.newOnlyCorrect).toBe(multiclass.mcnemar.new_only);
    expect(report.significance.baselineOnlyCorrect).toBe(multiclass.mcnemar.baseline_only);
  });

  it("significance-level: a gain that clears the margin but not McNemar's test fails", async () => {
    const binaryInputs = fixtureSet('binary');
    // the gate tests "the new model is better", one-sided: scipy's p is about 0.0044 (the two-sided
    // p-value output about 0.0088): significant at 0.005, not at 0.004
    const oneSided = readJson<{ fixtures: { binary: { greater: number } } }>('significance', 'mcnemar.json').fixtures.binary.greater;
    expect(oneSided).toBeGreaterThan(0.004);
    expect(oneSided).toBeLessThan(0.005);
    const strict = await run({ ...binaryInputs, 'significance-level': '0.004' });
    expect(strict.exitCode).toBe(1);
    expect(strict.errors).toHaveLength(1);
    for (const part of ['McNemar', '0.004', f4(oneSided)]) expect(strict.errors[0].message).toContain(part);
    expectNoStackTrace(strict);
    expect(strict.outputs.passed).toBe('false');
    expectRelClose(Number(strict.outputs['p-value']), binary.mcnemar.p_value, 1e-6, 'p-value output');
    const report = await readReport(strict);
    expect(report.status).toBe('failed');
    expect(report.significance.level).toBe(0.004);

    const lenient = await run({ ...binaryInputs, 'significance-level': '0.005' });
    expect(lenient.exitCode, lenient.stdout + lenient.stderr).toBe(0);
    expect(lenient.outputs.passed).toBe('true');
  });

  it('fails the gate when the baseline is better: exit 1, one error naming metric, values and threshold', async () => {
    // swapped: the weaker model is the candidate
    const r = await run({ 'new-model': MULTI.baseline, 'baseline-model': MULTI.new, 'eval-data': MULTI.data });
    expect(r.exitCode).toBe(1);
    expect(r.errors).toHaveLength(1);
    const [error] = r.errors;
    const newValue = multiclass.baseline.accuracy;
    const baseValue = multiclass.new.accuracy;
    for (const part of ['accuracy', f4(newValue), f4(baseValue), f4(baseValue + 0.01), '0.01']) expect(error.message).toContain(part);
    expect(error.properties.file).toBe(MULTI.baseline);
    expectNoStackTrace(r);

    expect(r.outputs.passed).toBe('false');
    expect(Number(r.outputs['new-metric'])).toBeCloseTo(newValue, 9);
    expect(Number(r.outputs['baseline-metric'])).toBeCloseTo(baseValue, 9);
    expect(Number(r.outputs.improvement)).toBeCloseTo(newValue - baseValue, 9);
    const report = await readReport(r);
    expect(report.status).toBe('failed');
    expect(report.passed).toBe(false);
    expect(report.primary.required).toBeCloseTo(baseValue + 0.01, 9);
    expect(report.error).toBeUndefined();
    expectClassificationReport(report, 'new', multiclass.baseline, 'new (the weaker model)');
    expect(r.summary.startsWith('## ❌ Model evaluation failed: accuracy')).toBe(true);
  });

  it('fails on log-loss (lower is better) when the new model is worse', async () => {
    const r = await run({ 'new-model': MULTI.new, 'baseline-model': MULTI.baseline, 'eval-data': MULTI.data, metric: 'log-loss' });
    const want = multiclass;
    expect(want.new['log-loss']).toBeGreaterThan(want.baseline['log-loss']); // the premise
    expect(r.exitCode).toBe(1);
    expect(r.errors).toHaveLength(1);
    const [error] = r.errors;
    for (const part of ['log-loss', f4(want.new['log-loss']), f4(want.baseline['log-loss']), f4(want.baseline['log-loss'] - 0.01)]) {
      expect(error.message).toContain(part);
    }
    expectNoStackTrace(r);
    expect(r.outputs.passed).toBe('false');
    expect(r.outputs.metric).toBe('log-loss');
    expect(Number(r.outputs['new-metric'])).toBeCloseTo(want.new['log-loss'], 5);
    expect(Number(r.outputs['baseline-metric'])).toBeCloseTo(want.baseline['log-loss'], 5);
    // improvement is positive when better, whatever the direction: here it is worse
    expect(Number(r.outputs.improvement)).toBeCloseTo(want.baseline['log-loss'] - want.new['log-loss'], 5);
    const report = await readReport(r);
    expect(report.status).toBe('failed');
    expect(report.primary.higherIsBetter).toBe(false);
    expect(report.primary.required).toBeCloseTo(want.baseline['log-loss'] - 0.01, 5);
    expect(r.summary.startsWith('## ❌ Model evaluation failed: log-loss')).toBe(true);
  });

  it('binary: gates on roc-auc equal to scikit-learn', async () => {
    const r = await run({ ...fixtureSet('binary'), metric: 'roc-auc' });
    expectPassed(r, 'roc-auc');
    expect(Number(r.outputs['new-metric'])).toBeCloseTo(binary.new['roc-auc']!, 6);
    expect(Number(r.outputs['baseline-metric'])).toBeCloseTo(binary.baseline['roc-auc']!, 6);
    expect(Number(r.outputs.improvement)).toBeCloseTo(binary.new['roc-auc']! - binary.baseline['roc-auc']!, 6);
    expectRelClose(Number(r.outputs['p-value']), binary.mcnemar.p_value, 1e-6, 'p-value output');
    const report = await readReport(r);
    expect(report.task).toBe('classification');
    expect(report.classes).toBe(2);
    expectClassificationReport(report, 'new', binary.new, 'new');
    expectClassificationReport(report, 'baseline', binary.baseline, 'baseline');
    expect(report.significance.newOnlyCorrect).toBe(binary.mcnemar.new_only);
    expect(report.significance.baselineOnlyCorrect).toBe(binary.mcnemar.baseline_only);
    expect(r.summary.startsWith('## ✅ Model evaluation passed: roc-auc')).toBe(true);
  });
});

describe('regression gate', () => {
  it('task auto finds a regression (float labels, one output); rmse, mae and r2 equal scikit-learn', async () => {
    const r = await run({ ...fixtureSet('regression'), task: 'auto' });
    expectPassed(r, 'rmse');
    expectRelClose(Number(r.outputs['new-metric']), regression.new.rmse, 1e-4, 'new rmse');
    expectRelClose(Number(r.outputs['baseline-metric']), regression.baseline.rmse, 1e-4, 'baseline rmse');
    expectRelClose(Number(r.outputs.improvement), regression.baseline.rmse - regression.new.rmse, 1e-4, 'improvement');
    expect(r.outputs['p-value']).toBe('');
    const report = await readReport(r);
    expect(report.task).toBe('regression');
    expect(report.status).toBe('passed');
    expect(report.primary.higherIsBetter).toBe(false);
    for (const role of ['new', 'baseline'] as const) {
      for (const m of ['rmse', 'mae', 'r2'] as const)
        expectRelClose(report.models[role].metrics[m], regression[role][m], 1e-4, `${role} ${m}`);
      expect(report.models[role].outputKind).toBe('values');
    }
    expect(report.significance).toBeUndefined();
    expect(report.evalSet.rows).toBe(regression.rows);
    expect(r.summary.startsWith('## ✅ Model evaluation passed: rmse')).toBe(true);
  });
});

describe('missing baseline', () => {
  const cases = [
    { what: 'empty baseline-model', baseline: '', detail: 'no baseline-model was given' },
    { what: 'a baseline-model that does not exist', baseline: fixture('multiclass', 'no-such-baseline.onnx'), detail: 'does not exist' },
  ];
  for (const c of cases) {
    for (const policy of ['pass', 'warn'] as const) {
      it(`${c.what}, missing-baseline ${policy}: passes with a ${policy === 'pass' ? 'notice' : 'warning'}`, async () => {
        const r = await run({ 'new-model': MULTI.new, 'baseline-model': c.baseline, 'eval-data': MULTI.data, 'missing-baseline': policy });
        expect(r.exitCode, r.stdout + r.stderr).toBe(0);
        expect(r.errors).toEqual([]);
        // pass: the very first model, said loudly as a notice; warn: a warning annotation
        const [said, quiet] = policy === 'pass' ? [r.notices, r.warnings] : [r.warnings, r.notices];
        expect(quiet).toEqual([]);
        expect(said).toHaveLength(1);
        expect(said[0].message).toContain(c.detail);
        expect(said[0].message).toContain(`missing-baseline: ${policy}`);
        expect(r.outputs.passed).toBe('true');
        expect(Number(r.outputs['new-metric'])).toBeCloseTo(multiclass.new.accuracy, 9);
        expect(r.outputs['baseline-metric']).toBe('');
        expect(r.outputs.improvement).toBe('');
        expect(r.outputs['p-value']).toBe('');
        const report = await readReport(r);
        expect(report.status).toBe('passed');
        expect(report.baselineMissing.policy).toBe(policy);
        expect(report.models.baseline).toBeUndefined();
        expectClassificationReport(report, 'new', multiclass.new, 'new');
        expect(report.warnings).toEqual([said[0].message]);
        expect(r.summary.startsWith('## ✅ Model evaluation passed: accuracy')).toBe(true);
        expect(r.summary).toContain('[!WARNING]');
      });
    }
    it(`${c.what}, missing-baseline fail (the default): fails`, async () => {
      const r = await run({ 'new-model': MULTI.new, 'baseline-model': c.baseline, 'eval-data': MULTI.data });
      await expectMissingBaselineFails(r, c.detail, 'missing-baseline');
    });
  }
});

describe('bad inputs: one error annotation with a specific message, no stack trace, a report', () => {
  const base = () => ({ 'new-model': MULTI.new, 'baseline-model': MULTI.baseline, 'eval-data': MULTI.data });

  /** An eval-data folder with `features` as features.npy and the multiclass labels. */
  async function evalDirWithFeatures(features: string): Promise<string> {
    const dir = await mkdtemp(join(root, 'data-'));
    await copyFile(features, join(dir, 'features.npy'));
    await copyFile(join(MULTI.data, 'labels.npy'), join(dir, 'labels.npy'));
    return dir;
  }

  it('new-model that does not exist', async () => {
    const missing = join(root, 'nowhere', 'new.onnx');
    const r = await run({ ...base(), 'new-model': missing });
    const { report } = await expectUserError(r, missing, 'does not exist', 'new-model');
    expect(r.errors[0].properties.file).toBe(missing);
    expect(report.error).toMatchObject({ file: missing, input: 'new-model' });
  });

  it('corrupt ONNX file', async () => {
    const corrupt = fixture('models', 'corrupt.onnx');
    const r = await run({ ...base(), 'new-model': corrupt });
    const { report } = await expectUserError(r, corrupt, 'cannot be loaded', 'ONNX');
    expect(r.errors[0].properties.file).toBe(corrupt);
    expect(report.error.file).toBe(corrupt);
  });

  it('features that are not an .npy file', async () => {
    const dir = await evalDirWithFeatures(fixture('npy', 'not_npy.npy'));
    const r = await run({ ...base(), 'eval-data': dir });
    const { report } = await expectUserError(r, join(dir, 'features.npy'), /not a valid \.npy/);
    expect(report.error.file).toBe(join(dir, 'features.npy'));
    expect(report.error.input).toBe('features');
  });

  it('truncated features .npy', async () => {
    const dir = await evalDirWithFeatures(fixture('npy', 'truncated.npy'));
    const r = await run({ ...base(), 'eval-data': dir });
    const { report } = await expectUserError(r, join(dir, 'features.npy'), 'truncated');
    expect(report.error.file).toBe(join(dir, 'features.npy'));
  });

  it('features whose width does not fit the model input', async () => {
    const r = await run({ ...base(), features: 'features_wrong_width' });
    const { report } = await expectUserError(r, 'features_wrong_width.npy', `[${multiclass.rows}, 7]`, "'features'", '[rows, 8]');
    expect(report.evalSet.features.shape).toEqual([multiclass.rows, 7]);
  });

  it('fewer labels than feature rows', async () => {
    const r = await run({ ...base(), labels: 'labels_short' });
    const { report } = await expectUserError(r, 'labels_short.npy', `${multiclass.rows - 1} rows`, `${multiclass.rows}`);
    expect(report.error.input).toBe('labels');
  });

  it('a label outside the classes the model scores', async () => {
    const r = await run({ ...base(), labels: 'labels_out_of_range' });
    // generate.py: bad[17] = n_classes + 2
    const { report } = await expectUserError(r, 'labels_out_of_range.npy', 'hold 5', 'row 17', '0 to 2', '3 classes');
    expect(report.error.input).toBe('labels');
  });

  it('a model that outputs NaN', async () => {
    const nan = fixture('models', 'nan_output.onnx');
    const r = await run({ 'new-model': nan, 'baseline-model': '', 'missing-baseline': 'pass', 'eval-data': MULTI.data });
    const { report } = await expectUserError(r, nan, 'NaN', 'row 0');
    expect(r.errors[0].properties.file).toBe(nan);
    expect(report.error.file).toBe(nan);
  });

  it('a model with two inputs and no input-name lists its inputs', async () => {
    const two = fixture('models', 'two_inputs.onnx');
    const r = await run({ 'new-model': two, 'baseline-model': '', 'missing-baseline': 'pass', 'eval-data': MULTI.data });
    const { report } = await expectUserError(r, two, '2 inputs', 'features', 'mask', 'input-name');
    expect(report.error.input).toBe('input-name');
  });

  it('unknown metric', async () => {
    const r = await run({ ...base(), metric: 'accurcy' });
    const { report } = await expectUserError(r, 'metric', "'accurcy'", 'accuracy', 'log-loss', 'rmse');
    expect(report.error.input).toBe('metric');
  });

  it('a regression metric on a classification set', async () => {
    const r = await run({ ...base(), metric: 'rmse' });
    const { report } = await expectUserError(r, 'rmse', 'regression', 'classification');
    expect(report.error.input).toBe('metric');
  });

  it('a threshold on a class the task does not have', async () => {
    const r = await run({ ...base(), thresholds: 'accuracy >= 0.5\nrecall[7] >= 0.9' });
    const { report } = await expectUserError(r, 'line 2', 'recall[7]', '3 classes');
    expect(report.error.input).toBe('thresholds');
  });

  it('batch-size 0', async () => {
    const r = await run({ ...base(), 'batch-size': '0' });
    const { report } = await expectUserError(r, 'batch-size', "'0'", 'integer', '>= 1');
    expect(report.error.input).toBe('batch-size');
  });

  it('a file in the workspace is annotated by its repository-relative path', async () => {
    const workspace = await mkdtemp(join(root, 'ws-'));
    await mkdir(join(workspace, 'models'));
    await copyFile(fixture('models', 'corrupt.onnx'), join(workspace, 'models', 'new.onnx'));
    const r = await run({ ...base(), 'new-model': join(workspace, 'models', 'new.onnx') }, { workspace });
    await expectUserError(r, 'new.onnx', 'cannot be loaded');
    expect(r.errors[0].properties.file).toBe('models/new.onnx');
  });

  it('an .npz member of the wrong shape: the annotation points at the archive', async () => {
    const npz = fixture('multiclass', 'eval.npz');
    const r = await run({ ...base(), 'eval-data': npz, labels: 'features' });
    const { report } = await expectUserError(r, 'eval.npz', `[${multiclass.rows}, 8]`, '[rows]');
    expect(r.errors[0].properties.file).toBe(npz);
    expect(report.error.input).toBe('labels');
  });

  it('min-improvement that is not a number', async () => {
    const r = await run({ ...base(), 'min-improvement': 'abc' });
    const { report } = await expectUserError(r, 'min-improvement', "'abc'", 'number');
    expect(report.error.input).toBe('min-improvement');
  });
});

describe('fail closed: what the runner sees', () => {
  const ONE_COLUMN = fixtureSet('binary_one_column');
  const reason = 'labels are all 0/1 and the model has one output column: binary classification';

  it('a one-column sigmoid classifier with float32 0/1 labels is gated on accuracy, equal to scikit-learn', async () => {
    const r = await run(ONE_COLUMN);
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(r.annotations).toEqual([]);
    expect(r.outputs.metric).toBe('accuracy');
    expect(Number(r.outputs['new-metric'])).toBeCloseTo(oneColumn.new.accuracy, 9);
    expect(Number(r.outputs['baseline-metric'])).toBeCloseTo(oneColumn.baseline.accuracy, 9);
    const report = await readReport(r);
    expect(report).toMatchObject({ task: 'classification', taskReason: reason, classes: 2 });
    expectClassificationReport(report, 'new', oneColumn.new, 'new');
    expectClassificationReport(report, 'baseline', oneColumn.baseline, 'baseline');
    expect(r.summary).toContain(`**Task:** ${reason}.`);
  });

  it('labels that could be either task: one error naming input task, the report written', async () => {
    const r = await run({ ...ONE_COLUMN, labels: 'labels_counts' });
    const { report } = await expectUserError(r, 'Input task:', 'auto cannot tell the task', 'Set input task');
    expect(report.error.input).toBe('task');
  });

  it('a FIFO as eval-data finishes at once with a clear error, no hang', async () => {
    const fifo = join(await mkdtemp(join(root, 'fifo-')), 'holdout.npz');
    execFileSync('mkfifo', [fifo]);
    const t0 = performance.now();
    const r = await run({ ...ONE_COLUMN, 'eval-data': fifo }, { timeoutMs: 30_000 });
    expect(performance.now() - t0).toBeLessThan(20_000);
    const { report } = await expectUserError(r, `Input eval-data: ${fifo} is a FIFO (named pipe)`);
    expect(report.error).toMatchObject({ input: 'eval-data', file: fifo });
  });
});

describe('sticky PR comment', () => {
  const PR = 7;
  // The marker the action puts in its comment: workflow/job/new-model/eval-data (GITHUB_WORKFLOW=e2e and
  // GITHUB_JOB=test are set by run-action). The test checks the created comment carries it.
  const marker = `<!-- ml-gate:evaluate-baseline e2e/test/${MULTI.new}/${MULTI.data} -->`;
  const start = gitHubApiStubs();
  const runOnPr = (stub: GitHubApiStub) =>
    run(
      { 'new-model': MULTI.new, 'baseline-model': MULTI.baseline, 'eval-data': MULTI.data },
      {
        event: pullRequestEvent(PR),
        apiUrl: stub.url,
        env: { NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost' },
      },
    );

  it("creates one comment, then updates it; leaves another user's comment with the same marker alone", async () => {
    // A loopback server stands in for api.github.com: the real API cannot be reached here.
    const stub = await start();
    const { others, othersBody } = seedOthersComments(stub, PR, marker);

    const first = await runOnPr(stub);
    expect(first.exitCode, first.stdout + first.stderr).toBe(0);
    expect(first.annotations).toEqual([]);
    expect(first.outputs.passed).toBe('true');
    const mine = () => stub.commentsOn(PR).filter((c) => c.user.login === BOT_LOGIN);
    expect(mine()).toHaveLength(1);
    const comment = mine()[0];
    expect(comment.body).toContain('<!-- ml-gate:evaluate-baseline');
    expect(comment.body).toContain(marker);
    expect(comment.body).toContain('## ✅ Model evaluation passed: accuracy');
    expect(comment.body).toContain(f4(multiclass.new.accuracy));
    expect(stub.writes().map((w) => `${w.method} ${w.path}`)).toEqual([`POST /repos/owner/repo/issues/${PR}/comments`]);
    // the token the runner gave the action is the one used
    for (const req of stub.requests) expect(req.headers.authorization).toMatch(new RegExp(`^(token|bearer) ${FAKE_TOKEN}$`, 'i'));
    expect(stub.requests.every((q) => q.status < 500)).toBe(true);
    expect(stub.requests.filter((q) => q.status === 404)).toEqual([]);

    const before = stub.requests.length;
    const second = await runOnPr(stub);
    expect(second.exitCode, second.stdout + second.stderr).toBe(0);
    expect(second.annotations).toEqual([]);
    const writes = stub.requests.slice(before).filter((q) => q.method !== 'GET');
    expect(writes.map((w) => `${w.method} ${w.path}`)).toEqual([`PATCH /repos/owner/repo/issues/comments/${comment.id}`]);
    // it read past the first page to find its comment
    expect(stub.requests.slice(before).some((q) => q.method === 'GET' && q.query.get('page') === '2')).toBe(true);
    expect(mine()).toHaveLength(1);
    expect(mine()[0].id).toBe(comment.id);
    expect(mine()[0].body).toContain(marker);
    expect(stub.commentsOn(PR)).toHaveLength(122);
    expect(others.body).toBe(othersBody);
    expect(stub.requests.some((q) => q.path.endsWith(`/comments/${others.id}`))).toBe(false);
  });

  it("a read-only token (a fork's pull request): warns and still passes", async () => {
    const stub = await start({ writable: false });
    const r = await runOnPr(stub);
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(r.errors).toEqual([]);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0].message).toContain('403');
    expect(r.warnings[0].message).toMatch(/not posted as a PR comment/);
    expect(r.outputs.passed).toBe('true');
    expect(stub.commentsOn(PR)).toEqual([]);
    expect(stub.writes().map((w) => `${w.method} ${w.status}`)).toEqual(['POST 403']);
    // the report is still in the job summary and the file
    expect(r.summary.startsWith('## ✅ Model evaluation passed: accuracy')).toBe(true);
    expect((await readReport(r)).status).toBe('passed');
  });
});
