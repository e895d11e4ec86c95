// End-to-end tests of the committed bundle for issue 10 (decide on evidence): the decision rules,
// thresholds, the class and slice guards, run the way the runner runs the action
// (test/run-action.ts). The eval sets are test/fixtures/decide/*: real ONNX models (MatMul + Add)
// whose predictions are set exactly, and expected numbers from numpy, scipy and scikit-learn
// (make.py), never from the code under test. The runtime comes from ONNXRUNTIME_NODE_PATH (the
// download itself is e2e.test.ts's subject).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { fixture, readJson } from '../../../test/fixtures.js';
import {
  committedAction,
  expectErrorAnnotation,
  expectNoStackTrace,
  readReport,
  type ActionRun,
  type CommittedAction,
} from '../../../test/run-action.js';

interface DecideSet {
  rows: number;
  new: { accuracy: number };
  baseline: { accuracy: number };
  mcnemar: { b: number; c: number; p_new_better: number };
  per_class: { class: number; support: number; recall_new: number; recall_baseline: number; mcnemar: { p_new_worse: number } }[];
  slices?: { per_slice: { code: number; name?: string; rows: number; accuracy_new: number; accuracy_baseline: number }[] };
}
const expected = (set: string) => readJson<DecideSet>('decide', set, 'expected.json');

let committed: CommittedAction;
beforeAll(async () => {
  committed = await committedAction('evaluate-baseline');
});
afterAll(async () => {
  await committed?.dispose();
});

function run(set: string, inputs: Record<string, string> = {}): Promise<ActionRun> {
  return committed.run(
    {
      'new-model': fixture('decide', set, 'new.onnx'),
      'baseline-model': fixture('decide', set, 'baseline.onnx'),
      'eval-data': fixture('decide', set),
      ...inputs,
    },
    { env: { ONNXRUNTIME_NODE_PATH: process.env.ONNXRUNTIME_NODE_PATH } },
  );
}

/**
 * Newcombe's interval of the accuracy difference (method 10 of Newcombe 1998, written from the
 * paper with scipy in test/fixtures/metrics/make_newcombe.py), for the paired table of a set:
 * right by the new model only (McNemar's b), by the baseline only (c), by both, by neither.
 */
const newcombe = readJson<{
  cases: { n10: number; n01: number; n11: number; n00: number; interval95: [number, number]; lower95: number }[];
}>('metrics', 'newcombe.json').cases;
function newcombeOf(set: DecideSet) {
  const { b, c } = set.mcnemar;
  const both = Math.round(set.new.accuracy * set.rows) - b;
  const found = newcombe.find((x) => x.n10 === b && x.n01 === c && x.n11 === both && x.n00 === set.rows - b - c - both);
  if (!found) throw new Error(`no Newcombe case for b=${b} c=${c} both=${both}`);
  return found;
}

describe('decision rules on a gain inside noise (1,000 rows, +0.8 pt accuracy)', () => {
  const noise = expected('noise');

  it('the default rule passes it, and a warning says its interval includes 0', async () => {
    const r = await run('noise', { 'min-improvement': '0.005' });
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.outputs.passed).toBe('true');
    expect(r.warnings.map((w) => w.message).join('\n')).toMatch(/includes 0/);
    const [lower, upper] = newcombeOf(noise).interval95;
    expect(Number(r.outputs['improvement-lower'])).toBeCloseTo(lower, 9);
    expect(Number(r.outputs['improvement-upper'])).toBeCloseTo(upper, 9);
    expect(lower).toBeLessThan(0);
    const report = await readReport(r);
    expect(report.comparisons[0]).toMatchObject({ metric: 'accuracy', method: { interval: 'newcombe', test: 'mcnemar-exact' } });
    expect(report.comparisons[0].new).toBeCloseTo(noise.new.accuracy, 12);
    expect(report.comparisons[0].pNewBetter / noise.mcnemar.p_new_better).toBeCloseTo(1, 6);
  });

  it('confidence 0.95 fails it: the lower bound is below 0', async () => {
    const r = await run('noise', { 'min-improvement': '0', confidence: '0.95' });
    expect(r.exitCode).toBe(1);
    expect(r.outputs.passed).toBe('false');
    const report = await readReport(r);
    expect(report.decision.rules).toEqual(['min-improvement', 'confidence']);
    expect(report.decision.lowerBound).toBeCloseTo(newcombeOf(noise).lower95, 9);
    expect(report.decision.lowerBound).toBeLessThan(0);
    expectNoStackTrace(r);
  });

  it('significance-level 0.05 fails it with McNemar one-sided p', async () => {
    const r = await run('noise', { 'min-improvement': '0.005', 'significance-level': '0.05' });
    expect(r.exitCode).toBe(1);
    const report = await readReport(r);
    expect(report.decision.pNewBetter / noise.mcnemar.p_new_better).toBeCloseTo(1, 6);
    expect(report.reason).toMatch(/0\.28/);
  });

  it('the same seed gives the same interval, another seed another one', async () => {
    const [a, b, c] = await Promise.all([run('noise', { seed: '7' }), run('noise', { seed: '7' }), run('noise', { seed: '8' })]);
    expect(a.outputs['improvement-lower']).toBe(b.outputs['improvement-lower']);
    expect((await readReport(a)).comparisons).toEqual((await readReport(b)).comparisons);
    expect((await readReport(a)).comparisons).not.toEqual((await readReport(c)).comparisons);
  });
});

describe('a real gain (5,000 rows, +6 pts)', () => {
  it('passes confidence 0.95 with min-improvement 0.01', async () => {
    const gain = expected('gain');
    const r = await run('gain', { confidence: '0.95' });
    expect(r.exitCode, r.stdout).toBe(0);
    const report = await readReport(r);
    expect(report.decision.lowerBound).toBeCloseTo(newcombeOf(gain).lower95, 9);
    expect(report.decision.lowerBound).toBeGreaterThan(0.01);
    expect(r.summary).toContain('confidence');
  });
});

describe('no class left behind (4 classes; class 2 loses 16 pts of recall on 600 rows, class 3 2 of 12 rows)', () => {
  const set = expected('class-regression');
  const recallDrop = (c: number) => set.per_class[c].recall_baseline - set.per_class[c].recall_new;

  it('max-class-regression 0.1 fails the gate on classes 2 and 3, each row flagged', async () => {
    expect(recallDrop(2)).toBeGreaterThan(0.1);
    expect(recallDrop(3)).toBeGreaterThan(0.1);
    const r = await run('class-regression', { 'max-class-regression': '0.1' });
    expect(r.exitCode).toBe(1);
    const report = await readReport(r);
    const failed = report.classGuard.rows.filter((row: { failed: boolean }) => row.failed).map((row: { subject: string }) => row.subject);
    expect(failed).toEqual(['class 2', 'class 3']);
    expect(report.reason).toMatch(/class 2/);
    expect(r.summary).toMatch(/❌.*class 2|class 2.*❌/);
  });

  it('with significance-level 0.05, only the significant drop blocks: class 3 (12 rows) is reported, not blocking', async () => {
    const r = await run('class-regression', { 'max-class-regression': '0.1', 'significance-level': '0.05', 'min-improvement': '0.01' });
    expect(r.exitCode).toBe(1);
    const report = await readReport(r);
    const row = (c: number) => report.classGuard.rows.find((x: { subject: string }) => x.subject === `class ${c}`);
    expect(row(2).failed).toBe(true);
    expect(row(3).failed).toBe(false);
    expect(row(3).note).toMatch(/not significant after Holm/);
    // Holm across the four classes' one-sided McNemar p-values (scipy, make.py)
    const raw = set.per_class.map((c) => c.mcnemar.p_new_worse);
    const order = raw.map((p, i) => [p, i] as const).sort((a, b) => a[0] - b[0]);
    let running = 0;
    const holm = new Array<number>(raw.length);
    order.forEach(([p, i], k) => (holm[i] = running = Math.min(1, Math.max(running, (raw.length - k) * p))));
    expect(row(3).pHolm).toBeCloseTo(holm[3], 9);
    expect(row(2).pHolm / holm[2]).toBeCloseTo(1, 6);
  });
});

describe('slices (region: EU, US, APAC, and a code of 20 rows)', () => {
  const set = expected('slices');
  const inputs = { slices: 'region', 'slice-names': fixture('decide', 'slices', 'slice-names.json') };

  it('reports both models per slice, and max-slice-regression 0.05 fails on APAC only', async () => {
    const r = await run('slices', { ...inputs, 'max-slice-regression': '0.05' });
    expect(r.exitCode).toBe(1);
    const report = await readReport(r);
    const column = report.slices[0];
    expect(column.column).toBe('region');
    for (const want of set.slices!.per_slice) {
      const got = column.slices.find((s: { code: number }) => s.code === want.code);
      expect(got.rows).toBe(want.rows);
      const accuracy = got.comparisons.find((c: { metric: string }) => c.metric === 'accuracy');
      expect(accuracy.new).toBeCloseTo(want.accuracy_new, 12);
      expect(accuracy.baseline).toBeCloseTo(want.accuracy_baseline, 12);
    }
    const failed = column.guard.rows.filter((row: { failed: boolean }) => row.failed).map((row: { subject: string }) => row.subject);
    expect(failed).toEqual(['region = APAC']);
    const small = column.guard.rows.find((row: { rows: number }) => row.rows === 20);
    expect(small.gated).toBe(false);
    expect(report.reason).toMatch(/APAC/);
  });

  it('a slice column of the wrong length or dtype is a clear error naming input slices', async () => {
    for (const [name, message] of [
      ['region_short', /rows/],
      ['region_float', /float/],
    ] as const) {
      const r = await run('slices', { slices: name });
      expectErrorAnnotation(r, 'evaluate-baseline', /^Input slices: /, message);
      expect((await readReport(r)).status).toBe('error');
    }
  });
});

describe('thresholds', () => {
  it('one failing line fails the gate, naming it; the others hold', async () => {
    const r = await run('gain', {
      thresholds: ['accuracy >= 0.85', 'log-loss regression <= 0.5', 'recall[1] >= 0.99  # fails', 'f1-macro improvement >= 1%'].join('\n'),
    });
    expect(r.exitCode).toBe(1);
    const report = await readReport(r);
    expect(report.thresholds[0]).toMatchObject({ line: 3, metric: 'recall[1]', passed: false });
    expect(report.thresholds.slice(1).every((t: { passed: boolean }) => t.passed)).toBe(true);
    expect(report.reason).toMatch(/line 3/);
  });

  it('bad syntax and an unknown metric are clear errors naming the line', async () => {
    for (const [text, message] of [
      ['accuracy => 0.9', /line 1/],
      ['accuracy >= 0.9\nbogus-metric >= 0.1', /line 2.*bogus-metric/],
    ] as const) {
      const r = await run('gain', { thresholds: text });
      expectErrorAnnotation(r, 'evaluate-baseline', /^Input thresholds: /, message);
    }
  });
});
