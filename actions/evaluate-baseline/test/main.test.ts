// In-process tests of actions/evaluate-baseline/src (run() called directly with the runner's
// environment, test/run-action.ts: runInProcess): they test the source, whether or not dist/ was
// rebuilt. Expected values come from test/fixtures/*/expected.json (scikit-learn and scipy on
// PyTorch's outputs, written by test/fixtures/generate.py), never from the code under test.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { fixture, readJson } from '../../../test/fixtures.js';
import { FAKE_TOKEN, expectNoStackTrace, readReport, runInProcess, type ActionRun } from '../../../test/run-action.js';
import { run } from '../src/main.js';
import { expectMissingBaselineFails } from './expect-gate.js';

const multiclass = readJson('multiclass', 'expected.json');
const oneColumn = readJson('binary_one_column', 'expected.json');
const MULTI = {
  'new-model': fixture('multiclass', 'new.onnx'),
  'baseline-model': fixture('multiclass', 'baseline.onnx'),
  'eval-data': fixture('multiclass').replace(/\/$/, ''),
};
/** A binary classifier with one output column: the new model ends in a sigmoid, the baseline gives the logit. */
const ONE_COLUMN = {
  'new-model': fixture('binary_one_column', 'new.onnx'),
  'baseline-model': fixture('binary_one_column', 'baseline.onnx'),
  'eval-data': fixture('binary_one_column'),
};
const BINARY_REASON = 'labels are all 0/1 and the model has one output column: binary classification';
/** The metric as the report renders it (4 decimals in this range). */
const f4 = (v: number) => v.toFixed(4);
const sha256File = async (path: string) =>
  createHash('sha256')
    .update(await readFile(path))
    .digest('hex');

const evaluate = (inputs: Record<string, string>) => runInProcess(run, { name: 'evaluate-baseline', inputs });

/** An error that ended the run: one error annotation naming `input`, no stack trace, a report with status error. */
async function expectInputError(r: ActionRun, input: string, ...parts: string[]): Promise<any> {
  expect(r.exitCode, r.stdout).toBe(1);
  expect(r.errors, r.stdout).toHaveLength(1);
  for (const part of [input, ...parts]) expect(r.errors[0].message).toContain(part);
  expectNoStackTrace(r);
  expect(r.outputs.passed).toBe('false');
  const report = await readReport(r);
  expect(report.status).toBe('error');
  expect(report.error.input).toBe(input);
  expect(r.summary.startsWith('## ⚠️ Model evaluation could not run')).toBe(true);
  return report;
}

describe('github-token', () => {
  it('is masked and registered for redaction before anything runs', async () => {
    const r = await evaluate(MULTI);
    expect(r.commands.filter((c) => c.command === 'add-mask').map((c) => c.message)).toContain(FAKE_TOKEN);
  });
});

describe('significance-level: one-sided, and only on the metric it tests', () => {
  // the binary set's models the other way round: the candidate is worse on accuracy, and the
  // disagreements (51 vs 27 rows) are significant; scipy's p-values in test/fixtures/significance
  const worse = readJson<{ fixtures: { binary: { b: number; c: number; greater: number; two_sided: number } } }>(
    'significance',
    'mcnemar.json',
  ).fixtures.binary;
  const SWAPPED = {
    'new-model': fixture('binary', 'baseline.onnx'),
    'baseline-model': fixture('binary', 'new.onnx'),
    'eval-data': fixture('binary', 'eval.npz'),
  };
  it('a candidate significantly WORSE on accuracy fails, even with a tolerated regression (it passed before: p was two-sided)', async () => {
    expect(worse.two_sided).toBeLessThan(0.05);
    const r = await evaluate({ ...SWAPPED, 'min-improvement': '-0.2', 'significance-level': '0.05' });
    expect(r.exitCode, r.stdout).toBe(1);
    expect(r.outputs.passed).toBe('false');
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0].message).toContain('the new model is not significantly better');
    const report = await readReport(r);
    expect(report.significance).toMatchObject({ newOnlyCorrect: worse.c, baselineOnlyCorrect: worse.b });
    // P[X >= 27] for X ~ Binomial(78, 1/2): the candidate won 27 of 78 disagreements
    expect(report.significance.pValueNewBetter).toBeGreaterThan(0.99);
    expect(report.significance.pValue / worse.two_sided).toBeCloseTo(1, 6);
  });
  it('a better candidate: the gate uses the one-sided p (scipy binomtest, alternative greater)', async () => {
    const r = await evaluate({
      ...SWAPPED,
      'new-model': SWAPPED['baseline-model'],
      'baseline-model': SWAPPED['new-model'],
      'significance-level': '0.005',
    });
    expect(r.exitCode, r.stdout).toBe(0);
    const report = await readReport(r);
    expect(report.significance.pValueNewBetter / worse.greater).toBeCloseTo(1, 6);
    expect(report.decision.pNewBetter / worse.greater).toBeCloseTo(1, 6);
    expect(report.decision.checks.find((c: { name: string }) => c.name === 'significance')).toMatchObject({ passed: true });
    expect(r.summary).toContain("McNemar's exact test");
  });
  it('significance-level above 0.5 is refused, pointing at confidence (0.95 once made p = 0.28 "significant")', async () => {
    const r = await evaluate({ ...MULTI, 'significance-level': '0.95' });
    await expectInputError(r, 'significance-level', "'0.95'", '<= 0.5');
    expect(r.errors[0].message).not.toMatch(/^Internal/);
  });
  it("with another gating metric, significance-level tests that metric's own improvement (log-loss: z test of the paired differences)", async () => {
    // the demo's pair: accuracy better, log-loss worse (0.566 -> 0.606): a log-loss gate must not pass on accuracy's test
    const r = await evaluate({ ...MULTI, metric: 'log-loss', 'min-improvement': '-1', 'significance-level': '0.05' });
    expect(r.exitCode).toBe(1);
    const report = await readReport(r);
    expect(report.comparisons[0]).toMatchObject({ metric: 'log-loss', method: { interval: 'normal', test: 'z' } });
    expect(report.comparisons[0].pNewBetter).toBeGreaterThan(0.5);
    expect(report.decision.checks.map((c: { name: string; passed: boolean }) => [c.name, c.passed])).toEqual([
      ['min-improvement', true],
      ['significance', false],
    ]);
  });
});

describe('evaluate-baseline run(), in process: the gate', () => {
  it('gates on roc-auc of a 3-class set: one-vs-rest macro, its interval by DeLong', async () => {
    const r = await evaluate({ ...MULTI, metric: 'roc-auc', 'min-improvement': '-1' });
    expect(r.exitCode, r.stdout).toBe(0);
    const report = await readReport(r);
    const auc = report.comparisons[0];
    expect(auc).toMatchObject({ metric: 'roc-auc', method: { interval: 'delong', test: 'delong' } });
    expect(auc.new).toBeGreaterThan(0.5);
    expect(auc.interval.lower).toBeLessThan(auc.improvement);
    expect(auc.interval.upper).toBeGreaterThan(auc.improvement);
  });
  it('passes a better model: outputs, a report with full SHA-256s and the run, a summary ending with the run footer', async () => {
    const r = await evaluate(MULTI);
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.annotations).toEqual([]);
    expect(r.outputs.passed).toBe('true');
    expect(r.outputs.metric).toBe('accuracy');
    expect(Number(r.outputs['new-metric'])).toBeCloseTo(multiclass.new.accuracy, 9);
    expect(Number(r.outputs['baseline-metric'])).toBeCloseTo(multiclass.baseline.accuracy, 9);
    expect(Number(r.outputs['p-value']) / multiclass.mcnemar.p_value).toBeCloseTo(1, 6);

    const report = await readReport(r);
    expect(report.status).toBe('passed');
    expect(report.primary.required).toBeCloseTo(multiclass.baseline.accuracy + 0.01, 9);
    expect(report.significance).toMatchObject({
      newOnlyCorrect: multiclass.mcnemar.new_only,
      baselineOnlyCorrect: multiclass.mcnemar.baseline_only,
    });
    expect(report.models.new.sha256).toBe(await sha256File(MULTI['new-model']));
    expect(report.models.baseline.sha256).toBe(await sha256File(MULTI['baseline-model']));
    expect(report.evalSet.files.map((f: any) => f.sha256)).toEqual([
      await sha256File(join(MULTI['eval-data'], 'features.npy')),
      await sha256File(join(MULTI['eval-data'], 'labels.npy')),
    ]);
    expect(report.evalSet.sha256).toMatch(/^[0-9a-f]{64}$/);
    // run-action's runner environment: GITHUB_SHA, GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID
    const sha = r.env.GITHUB_SHA;
    expect(report.run).toEqual({
      commit: sha,
      commitUrl: `https://github.com/owner/repo/commit/${sha}`,
      runUrl: 'https://github.com/owner/repo/actions/runs/1',
    });

    expect(r.summary.startsWith('## ✅ Model evaluation passed: accuracy')).toBe(true);
    expect(r.summary).toContain(f4(multiclass.new.accuracy));
    expect(r.summary.trimEnd().endsWith(`· [workflow run](https://github.com/owner/repo/actions/runs/1)</sub>`)).toBe(true);
    expect(r.summary).toContain(`[\`${sha.slice(0, 12)}\`](https://github.com/owner/repo/commit/${sha})`);
  });

  it('fails a worse model: exit 1, one error annotation, the report and outputs still written', async () => {
    // swapped: the weaker model is the candidate
    const r = await evaluate({ ...MULTI, 'new-model': MULTI['baseline-model'], 'baseline-model': MULTI['new-model'] });
    expect(r.exitCode).toBe(1);
    expect(r.errors).toHaveLength(1);
    const newValue = multiclass.baseline.accuracy;
    const baseValue = multiclass.new.accuracy;
    for (const part of ['Gate failed', 'accuracy', f4(newValue), f4(baseValue), f4(baseValue + 0.01)])
      expect(r.errors[0].message).toContain(part);
    expect(r.errors[0].properties.file).toBe(MULTI['baseline-model']);
    expectNoStackTrace(r);
    expect(r.outputs.passed).toBe('false');
    expect(Number(r.outputs['new-metric'])).toBeCloseTo(newValue, 9);
    expect(Number(r.outputs.improvement)).toBeCloseTo(newValue - baseValue, 9);
    const report = await readReport(r);
    expect(report.status).toBe('failed');
    expect(report.error).toBeUndefined();
    expect(r.summary.startsWith('## ❌ Model evaluation failed: accuracy')).toBe(true);
  });
});

describe('evaluate-baseline run(), in process: a missing baseline', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'evaluate-baseline-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const missingFile = () => join(dir, 'no-such-baseline.onnx');

  it('missing-baseline pass: passes on its own with one notice', async () => {
    const r = await evaluate({ ...MULTI, 'baseline-model': '', 'missing-baseline': 'pass' });
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.notices).toHaveLength(1);
    expect(r.notices[0].message).toContain('no baseline-model was given');
    expect(r.notices[0].message).toContain('missing-baseline: pass');
    expect(r.outputs.passed).toBe('true');
    expect(Number(r.outputs['new-metric'])).toBeCloseTo(multiclass.new.accuracy, 9);
    expect(r.outputs['baseline-metric']).toBe('');
    const report = await readReport(r);
    expect(report.status).toBe('passed');
    expect(report.baselineMissing).toEqual({ policy: 'pass', detail: 'no baseline-model was given' });
    expect(report.warnings).toEqual([r.notices[0].message]);
    expect(r.summary).toContain('[!WARNING]');
  });

  it('missing-baseline warn, a baseline file that does not exist: passes with one warning', async () => {
    const r = await evaluate({ ...MULTI, 'baseline-model': missingFile(), 'missing-baseline': 'warn' });
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.errors).toEqual([]);
    expect(r.notices).toEqual([]);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0].message).toContain(`baseline-model ${missingFile()} does not exist`);
    expect(r.warnings[0].message).toContain('missing-baseline: warn');
    const report = await readReport(r);
    expect(report.status).toBe('passed');
    expect(report.baselineMissing.policy).toBe('warn');
    expect(report.models.baseline).toBeUndefined();
  });

  it('missing-baseline fail (the default): the gate fails, with no warning', async () => {
    const r = await evaluate({ ...MULTI, 'baseline-model': missingFile() });
    await expectMissingBaselineFails(r, 'does not exist', 'missing-baseline is fail');
    expect(r.notices).toEqual([]);
  });

  it('a baseline that is there but is a directory is bad input, not a missing baseline', async () => {
    const r = await evaluate({ ...MULTI, 'baseline-model': dir, 'missing-baseline': 'pass' });
    const report = await expectInputError(r, 'baseline-model', dir, 'is a directory');
    expect(r.notices).toEqual([]);
    expect(report.baselineMissing).toBeUndefined();
  });

  it('the notice is given even when a later step fails', async () => {
    const r = await evaluate({ ...MULTI, 'baseline-model': '', 'missing-baseline': 'pass', 'eval-data': join(dir, 'no-such-data') });
    await expectInputError(r, 'eval-data', 'does not exist');
    expect(r.notices).toHaveLength(1);
  });
});

describe('evaluate-baseline run(), in process: bad input', () => {
  it('a bad input value: the annotation names the input, the report is written', async () => {
    const r = await evaluate({ ...MULTI, 'batch-size': '0' });
    await expectInputError(r, 'batch-size', "'0'");
  });

  it('an unknown metric lists the metrics', async () => {
    const r = await evaluate({ ...MULTI, metric: 'accurcy' });
    await expectInputError(r, 'metric', "'accurcy'", 'accuracy', 'log-loss', 'rmse');
  });

  it('a regression metric on a classification set', async () => {
    const r = await evaluate({ ...MULTI, metric: 'rmse' });
    await expectInputError(r, 'metric', 'rmse', 'regression', 'classification');
  });

  it('a guard that cannot apply: max-class-regression on a regression, max-slice-regression without slices', async () => {
    const classes = await evaluate({ ...ONE_COLUMN, task: 'regression', 'max-class-regression': '0.05' });
    await expectInputError(classes, 'max-class-regression', 'regression task');
    const slices = await evaluate({ ...MULTI, 'max-slice-regression': '0.05' });
    await expectInputError(slices, 'max-slice-regression', 'slices names none');
  });

  it('a class guard on bootstrap-tested metrics whose Holm correction could never reach significance-level', async () => {
    // 3 classes, significance-level 0.0001: Holm needs p < 0.0001/3, the bootstrap gives p >= 1/2001
    const r = await evaluate({ ...MULTI, 'max-class-regression': 'f1 0.05', 'significance-level': '0.0001' });
    await expectInputError(r, 'bootstrap-replicates', 'Holm', 'at least 30000');
  });

  it('a metric of the other task than the task input', async () => {
    const r = await evaluate({ ...MULTI, metric: 'accuracy', task: 'regression' });
    await expectInputError(r, 'metric', 'accuracy', 'task is regression');
  });
});

describe('evaluate-baseline run(), in process: the task', () => {
  it('a one-column sigmoid classifier with float32 0/1 labels (BCELoss) is gated on accuracy, as scikit-learn computes it', async () => {
    const r = await evaluate(ONE_COLUMN);
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.annotations).toEqual([]);
    expect(r.outputs.metric).toBe('accuracy');
    expect(Number(r.outputs['new-metric'])).toBeCloseTo(oneColumn.new.accuracy, 9);
    expect(Number(r.outputs['baseline-metric'])).toBeCloseTo(oneColumn.baseline.accuracy, 9);
    expect(Number(r.outputs['p-value']) / oneColumn.mcnemar.p_value).toBeCloseTo(1, 6);
    const report = await readReport(r);
    expect(report).toMatchObject({ status: 'passed', task: 'classification', taskReason: BINARY_REASON, classes: 2 });
    expect(report.evalSet.labels.dtype).toBe('float32 (little-endian)');
    expect(report.models.new.outputKind).toBe('probabilities');
    expect(report.models.new.metrics['roc-auc']).toBeCloseTo(oneColumn.new['roc-auc'], 6);
    expect(report.models.new.confusion).toEqual(oneColumn.new.confusion);
    expect(r.summary).toContain(`**Task:** ${BINARY_REASON}.`);
    expect(r.stdout).toContain(`Task: ${BINARY_REASON}.`);
  });

  it('the same labels as int64 or bool: the same gate', async () => {
    for (const labels of ['labels_int', 'labels_bool']) {
      const r = await evaluate({ ...ONE_COLUMN, labels });
      expect(r.exitCode, r.stdout).toBe(0);
      expect(Number(r.outputs['new-metric']), labels).toBeCloseTo(oneColumn.new.accuracy, 9);
      expect((await readReport(r)).taskReason).toBe(BINARY_REASON);
    }
  });

  it('task: regression given keeps gating the same model on the rmse of its outputs', async () => {
    const r = await evaluate({ ...ONE_COLUMN, task: 'regression' });
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.outputs.metric).toBe('rmse');
    expect(Number(r.outputs['new-metric']) / oneColumn.new_probabilities_rmse).toBeCloseTo(1, 5);
    const report = await readReport(r);
    expect(report).toMatchObject({ task: 'regression', taskReason: 'set by input task: regression' });
    expect(r.summary).toContain('**Task:** set by input task: regression.');
  });

  it('labels auto cannot tell apart (counts, -1/1, fractions) ask for input task; the report is written', async () => {
    for (const [labels, what] of [
      ['labels_counts', 'whole numbers other than 0 and 1'],
      ['labels_signed', 'whole numbers other than 0 and 1 (-1 at row'],
      ['labels_fractions', 'fractions between 0 and 1 (0.9 at row 0)'],
    ]) {
      const r = await evaluate({ ...ONE_COLUMN, labels });
      const report = await expectInputError(
        r,
        'task',
        'auto cannot tell the task',
        what,
        'Set input task to classification or regression.',
      );
      expect(r.errors[0].properties.file).toBe(fixture('binary_one_column', `${labels}.npy`));
      expect(report.task).toBeUndefined();
    }
  });

  it('a metric that does not fit the task found still leaves the task and why in the report', async () => {
    const r = await evaluate({ ...ONE_COLUMN, metric: 'rmse' });
    const report = await expectInputError(r, 'metric', 'rmse', 'classification');
    expect(report).toMatchObject({ task: 'classification', taskReason: BINARY_REASON });
  });
});

describe('evaluate-baseline run(), in process: bad files, each named with its input', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'evaluate-baseline-bad-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const fifo = (name: string) => {
    const path = join(dir, name);
    execFileSync('mkfifo', [path]);
    return path;
  };
  /** An eval-data directory: the one-column set's features.npy, and `labels` as labels.npy. */
  async function evalDir(name: string, labels: string): Promise<string> {
    const d = join(dir, name);
    await mkdir(d);
    await copyFile(fixture('binary_one_column', 'features.npy'), join(d, 'features.npy'));
    await copyFile(labels, join(d, 'labels.npy'));
    return d;
  }

  it('a FIFO as eval-data fails at once, naming it', async () => {
    const path = fifo('holdout.npz');
    const t0 = performance.now();
    const r = await evaluate({ ...ONE_COLUMN, 'eval-data': path });
    expect(performance.now() - t0).toBeLessThan(5000);
    await expectInputError(r, 'eval-data', path, 'is a FIFO (named pipe), expected a directory or an .npz file');
  });

  it('a FIFO as new-model; as baseline-model it is an error, not a missing baseline, whatever the policy', async () => {
    const path = fifo('model.onnx');
    await expectInputError(await evaluate({ ...ONE_COLUMN, 'new-model': path }), 'new-model', path, 'is a FIFO (named pipe)');
    const r = await evaluate({ ...ONE_COLUMN, 'baseline-model': path, 'missing-baseline': 'pass' });
    const report = await expectInputError(r, 'baseline-model', path, 'is a FIFO (named pipe), expected an .onnx file');
    expect(report.baselineMissing).toBeUndefined();
    expect(r.notices).toEqual([]);
  });

  it('a directory where features.npy should be names that file and eval-data', async () => {
    const d = join(dir, 'features-is-a-directory');
    await mkdir(join(d, 'features.npy'), { recursive: true });
    const r = await evaluate({ ...ONE_COLUMN, 'eval-data': d });
    await expectInputError(r, 'eval-data', `${join(d, 'features.npy')} is a directory, expected an .npy file`);
    expect(r.errors[0].properties.file).toBe(join(d, 'features.npy'));
  });

  it('NaN features: the eval set and the row are named, not the model', async () => {
    const r = await evaluate({ ...ONE_COLUMN, features: 'features_nan' });
    // generate.py: features_nan[3, 5] = NaN
    await expectInputError(r, 'eval-data', 'the features of row 3', 'hold NaN (element 5 of the row');
    expect(r.errors[0].properties.file).toBe(fixture('binary_one_column', 'features_nan.npy'));
  });

  it('an eval set with no rows; labels of another length', async () => {
    const empty = await evaluate({ ...ONE_COLUMN, features: 'features_empty', labels: 'labels_empty' });
    await expectInputError(empty, 'eval-data', 'has no rows');
    const short = await evaluate({ ...MULTI, labels: 'labels_short' });
    await expectInputError(short, 'labels', `have ${multiclass.rows - 1} rows`, `have ${multiclass.rows}`);
  });

  it('labels of a dtype the reader does not take; one-hot labels', async () => {
    const complex = await evaluate({ ...ONE_COLUMN, 'eval-data': await evalDir('complex', fixture('npy', 'complex.npy')) });
    await expectInputError(complex, 'labels', "holds dtype '<c8'");
    const onehot = await evaluate({ ...ONE_COLUMN, labels: 'labels_onehot' });
    await expectInputError(onehot, 'labels', `have shape [${oneColumn.rows}, 2]`, 'labels.argmax(axis=1)');
  });

  it('an output with no value per row', async () => {
    const r = await evaluate({ ...ONE_COLUMN, 'new-model': fixture('binary_one_column', 'no_scores.onnx') });
    await expectInputError(r, 'output-name', "Output 'scores'", 'no value per row to score');
  });

  it('a model with two inputs; a model that outputs NaN', async () => {
    const single = { ...MULTI, 'baseline-model': '', 'missing-baseline': 'pass' };
    const two = await evaluate({ ...single, 'new-model': fixture('models', 'two_inputs.onnx') });
    await expectInputError(two, 'input-name', '2 inputs', 'features', 'mask');
    const nan = await evaluate({ ...single, 'new-model': fixture('models', 'nan_output.onnx') });
    await expectInputError(nan, 'new-model', 'nan_output.onnx', 'holds NaN for row 0');
  });
});
