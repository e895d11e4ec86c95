// In-process tests of actions/evaluate-baseline/src (run() called directly with the runner's
// environment, test/run-action.ts: runInProcess): they test the source, whether or not dist/ was
// rebuilt. Expected values come from test/fixtures/*/expected.json (scikit-learn and scipy on
// PyTorch's outputs, written by test/fixtures/generate.py), never from the code under test.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { fixture, readJson } from '../../../test/fixtures.js';
import { expectNoStackTrace, readReport, runInProcess, type ActionRun } from '../../../test/run-action.js';
import { run } from '../src/main.js';

const multiclass = readJson('multiclass', 'expected.json');
const MULTI = {
  'new-model': fixture('multiclass', 'new.onnx'),
  'baseline-model': fixture('multiclass', 'baseline.onnx'),
  'eval-data': fixture('multiclass').replace(/\/$/, ''),
};
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

describe('evaluate-baseline run(), in process: the gate', () => {
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
    expect(r.exitCode).toBe(1);
    expect(r.warnings).toEqual([]);
    expect(r.notices).toEqual([]);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0].message).toContain('does not exist');
    expect(r.errors[0].message).toContain('missing-baseline is fail');
    expectNoStackTrace(r);
    expect(r.outputs.passed).toBe('false');
    const report = await readReport(r);
    expect(report.status).toBe('failed');
    expect(report.baselineMissing.policy).toBe('fail');
    expect(r.summary.startsWith('## ❌ Model evaluation failed')).toBe(true);
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

  it('roc-auc on a 3-class set', async () => {
    const r = await evaluate({ ...MULTI, metric: 'roc-auc' });
    await expectInputError(r, 'metric', 'roc-auc', 'binary', `${multiclass.new.confusion.length} classes`);
  });

  it('a metric of the other task than the task input', async () => {
    const r = await evaluate({ ...MULTI, metric: 'accuracy', task: 'regression' });
    await expectInputError(r, 'metric', 'accuracy', 'task is regression');
  });
});
