import { describe, expect, it } from 'vitest';

import { UserError } from '../errors.js';
import { higherIsBetter, type MetricName } from '../metrics/definitions.js';
import type { MetricComparison } from './comparison.js';
import type { GuardReport, ThresholdReport } from './evaluation-report.js';
import {
  checkMetricFitsTask,
  clearsBound,
  combineDecision,
  decideGate,
  decisionReport,
  describeTest,
  formatPercent,
  gateMetric,
  guardCheck,
  missingBaselineWarning,
  thresholdsCheck,
  type GateConfig,
} from './gate.js';

/** A comparison as the metrics produce it: improvement positive when the new model is better. */
function comparison(metric: MetricName, newValue: number, baseline: number, extra: Partial<MetricComparison> = {}): MetricComparison {
  const up = higherIsBetter(metric);
  return { metric, higherIsBetter: up, new: newValue, baseline, improvement: up ? newValue - baseline : baseline - newValue, ...extra };
}

const accuracy = (n: number, b: number, extra: Partial<MetricComparison> = {}) => comparison('accuracy', n, b, extra);
const margin = (minImprovement: number, more: Partial<GateConfig> = {}): GateConfig => ({ metric: 'accuracy', minImprovement, ...more });
const mcnemar = { interval: 'bootstrap', test: 'mcnemar-exact', replicates: 2000 } as const;

describe('decideGate: the default rule (min-improvement)', () => {
  it('passes a higher-is-better metric that gains at least the margin, absorbing rounding', () => {
    // 0.80 - 0.79 is 0.010000000000000009 in floating point; 0.12 - 0.11 is 0.009999999999999995
    expect(decideGate(margin(0.01), accuracy(0.12, 0.11)).passed).toBe(true);
    expect(decideGate(margin(0.01), accuracy(0.8, 0.79)).passed).toBe(true);
    const d = decideGate(margin(0.01), accuracy(0.795, 0.79));
    expect(d.passed).toBe(false);
    expect(d.required).toBeCloseTo(0.8, 12);
    expect(d.reason).toBe(
      'accuracy 0.7950 vs baseline 0.7900: the new model must reach >= 0.8000 (baseline + min-improvement 0.01), its improvement 0.0050.',
    );
    expect(d.rules).toEqual(['min-improvement']);
    expect(d.checks).toEqual([
      { name: 'min-improvement', passed: false, detail: expect.stringMatching(/^the new model must reach >= 0\.8000/) },
    ]);
  });
  it('mirrors the rule for lower-is-better metrics', () => {
    const d = decideGate({ metric: 'rmse', minImprovement: 0.5 }, comparison('rmse', 9.4, 10));
    expect(d.passed).toBe(true);
    expect(d.improvement).toBeCloseTo(0.6, 12);
    expect(d.required).toBeCloseTo(9.5, 12);
    const worse = decideGate({ metric: 'log-loss', minImprovement: 0.01 }, comparison('log-loss', 0.606, 0.566));
    expect(worse.passed).toBe(false);
    expect(worse.reason).toBe(
      'log-loss 0.6060 vs baseline 0.5660: the new model must reach <= 0.5560 (baseline - min-improvement 0.01), its improvement -0.0400.',
    );
  });
  it('fails a NaN metric, whichever side', () => {
    expect(decideGate({ metric: 'rmse', minImprovement: 0.01 }, comparison('rmse', NaN, 0.5)).passed).toBe(false);
    expect(decideGate(margin(0.01), accuracy(0.9, NaN)).passed).toBe(false);
  });
  it('tolerates a regression up to a negative margin', () => {
    expect(decideGate(margin(-0.02), accuracy(0.89, 0.9)).passed).toBe(true);
    expect(decideGate(margin(-0.02), accuracy(0.87, 0.9)).passed).toBe(false);
  });
  it('states the interval in the reason, and passes saying what it met', () => {
    const d = decideGate(margin(0.01), accuracy(0.9, 0.85, { interval: { level: 0.95, lower: 0.02, upper: 0.08 } }));
    expect(d).toMatchObject({ passed: true, warnings: [] });
    expect(d.reason).toBe(
      'accuracy 0.9000 vs baseline 0.8500: improvement 0.0500 (95% interval [0.0200, 0.0800]) meets min-improvement 0.01.',
    );
  });
  it('warns when it passes on a gain whose interval includes 0', () => {
    const d = decideGate(margin(0.01), accuracy(0.9, 0.885, { interval: { level: 0.95, lower: -0.005, upper: 0.035 } }));
    expect(d.passed).toBe(true);
    expect(d.warnings).toEqual([
      'The gain in accuracy of 0.0150 is within noise: its 95% interval [-0.0050, 0.0350] includes 0. ' +
        'Set confidence: 0.95 or significance-level: 0.05 to require evidence of a gain.',
    ]);
    // the interval touching 0 counts as including it
    const touching = decideGate(margin(0.01), accuracy(0.9, 0.885, { interval: { level: 0.9, lower: 0, upper: 0.03 } }));
    expect(touching.warnings).toHaveLength(1);
    expect(touching.warnings[0]).toContain('its 90% interval [0.0000, 0.0300] includes 0');
  });
  it('does not warn on a tolerated regression, a failure, or when evidence is already required', () => {
    const noisy = { interval: { level: 0.95, lower: -0.03, upper: 0.01 } };
    expect(decideGate(margin(-0.02), accuracy(0.89, 0.9, noisy)).warnings).toEqual([]);
    expect(decideGate(margin(0.05), accuracy(0.9, 0.885, noisy)).warnings).toEqual([]);
    const withTest = decideGate(margin(0.01, { significanceLevel: 0.5 }), accuracy(0.9, 0.885, { ...noisy, pNewBetter: 0.2 }));
    expect(withTest).toMatchObject({ passed: true, warnings: [] });
  });
});

describe('decideGate: significance-level', () => {
  const config = margin(0.01, { significanceLevel: 0.05 });
  it('fails a gain that is not significant, naming the test and its p', () => {
    const d = decideGate(config, accuracy(0.9, 0.85, { pNewBetter: 0.2, method: mcnemar }));
    expect(d.passed).toBe(false);
    expect(d.rules).toEqual(['min-improvement', 'significance']);
    expect(d.reason).toBe(
      'accuracy 0.9000 vs baseline 0.8500: improvement 0.0500 meets min-improvement 0.01, but ' +
        "McNemar's exact test, one-sided (is the new model better?), gives p = 0.2, not below significance-level 0.05: the gain may be noise.",
    );
    expect(d.checks.map((c) => [c.name, c.passed])).toEqual([
      ['min-improvement', true],
      ['significance', false],
    ]);
  });
  it('passes a significant gain, saying so', () => {
    const d = decideGate(config, accuracy(0.9, 0.85, { pNewBetter: 0.012, method: { interval: 'bootstrap', test: 'mcnemar-exact' } }));
    expect(d.passed).toBe(true);
    expect(d.reason).toBe(
      'accuracy 0.9000 vs baseline 0.8500: improvement 0.0500 meets min-improvement 0.01; ' +
        "significant: McNemar's exact test, one-sided (is the new model better?), gives p = 0.012, below significance-level 0.05.",
    );
  });
  it('is strict at the level: p equal to it fails', () => {
    expect(decideGate(config, accuracy(0.9, 0.85, { pNewBetter: 0.05 })).passed).toBe(false);
  });
  it('fails closed when there is no p-value, saying why', () => {
    const d = decideGate(config, accuracy(0.9, 0.85, { unavailable: 'the bootstrap had no resample with a defined value' }));
    expect(d.passed).toBe(false);
    expect(d.reason).toBe(
      'accuracy 0.9000 vs baseline 0.8500: improvement 0.0500 meets min-improvement 0.01, but no one-sided test of the gain could be made ' +
        '(the bootstrap had no resample with a defined value), so significance-level 0.05 cannot be met: the gain may be noise.',
    );
  });
  it('works for any gating metric, with that metric’s own test', () => {
    const method = { interval: 'bootstrap', test: 'bootstrap', replicates: 2000 } as const;
    const ll = { metric: 'log-loss', minImprovement: 0.01, significanceLevel: 0.05 } as const;
    const passed = decideGate(ll, comparison('log-loss', 0.5, 0.55, { pNewBetter: 0.001, method }));
    expect(passed.passed).toBe(true);
    expect(passed.reason).toContain(
      'significant: the paired bootstrap (2000 replicates), one-sided (is the new model better?), gives p = 0.001',
    );
    const auc = decideGate(
      { ...ll, metric: 'roc-auc' },
      comparison('roc-auc', 0.91, 0.89, { pNewBetter: 0.3, method: { interval: 'delong', test: 'delong' } }),
    );
    expect(auc.reason).toContain("DeLong's test, one-sided (is the new model better?), gives p = 0.3, not below significance-level 0.05");
  });
  it('says the margin failed, never "noise", when there is no gain (the issue’s log-loss case)', () => {
    // a candidate worse on the gating metric, whatever its p: the margin speaks
    const d = decideGate(
      { metric: 'log-loss', minImprovement: 0.01, significanceLevel: 0.05 },
      comparison('log-loss', 0.606, 0.566, { pNewBetter: 0.99 }),
    );
    expect(d.passed).toBe(false);
    expect(d.reason).not.toMatch(/noise/);
    expect(d.reason).toMatch(/^log-loss 0\.6060 vs baseline 0\.5660: the new model must reach <= 0\.5560/);
    expect(d.checks.map((c) => c.passed)).toEqual([false, false]);
  });
  it('under a tolerated regression, a loss is "not significantly better", not noise', () => {
    const d = decideGate(margin(-0.02, { significanceLevel: 0.05 }), accuracy(0.89, 0.9, { pNewBetter: 0.8 }));
    expect(d.passed).toBe(false);
    expect(d.reason).toMatch(/not below significance-level 0\.05: the new model is not significantly better\.$/);
  });
});

describe('decideGate: confidence', () => {
  const config = margin(0.01, { confidence: 0.95 });
  it('passes when the lower confidence bound clears min-improvement', () => {
    const d = decideGate(config, accuracy(0.9, 0.87, { lowerBound: { level: 0.95, value: 0.015 } }));
    expect(d.passed).toBe(true);
    expect(d.rules).toEqual(['min-improvement', 'confidence']);
    expect(d.reason).toBe(
      'accuracy 0.9000 vs baseline 0.8700: improvement 0.0300 meets min-improvement 0.01; ' +
        'confidently at least 0.01 better: the 95% lower confidence bound of the improvement is 0.0150.',
    );
  });
  it('absorbs rounding in the bound as in the margin', () => {
    expect(decideGate(config, accuracy(0.9, 0.87, { lowerBound: { level: 0.95, value: 0.12 - 0.11 } })).passed).toBe(true);
  });
  it('fails a gain whose lower bound is below the margin', () => {
    const d = decideGate(config, accuracy(0.9, 0.88, { lowerBound: { level: 0.95, value: -0.005 } }));
    expect(d.passed).toBe(false);
    expect(d.reason).toBe(
      'accuracy 0.9000 vs baseline 0.8800: improvement 0.0200 meets min-improvement 0.01, but its 95% lower confidence bound is -0.0050, ' +
        'below min-improvement 0.01: the new model is not confidently at least 0.01 better.',
    );
  });
  it('fails closed without a bound', () => {
    const d = decideGate(config, accuracy(0.9, 0.88, { unavailable: 'the output holds predicted labels, not scores' }));
    expect(d.passed).toBe(false);
    expect(d.reason).toContain('but the improvement has no 95% lower confidence bound (the output holds predicted labels, not scores).');
  });
});

describe('decideGate: both significance-level and confidence', () => {
  const config = margin(0.01, { significanceLevel: 0.05, confidence: 0.95 });
  const evidence = (p: number, bound: number) => accuracy(0.9, 0.87, { pNewBetter: p, lowerBound: { level: 0.95, value: bound } });
  it('passes only when both hold', () => {
    expect(decideGate(config, evidence(0.01, 0.012)).passed).toBe(true);
    expect(decideGate(config, evidence(0.2, 0.012)).passed).toBe(false);
    expect(decideGate(config, evidence(0.01, 0.005)).passed).toBe(false);
    const both = decideGate(config, evidence(0.2, 0.005));
    expect(both.rules).toEqual(['min-improvement', 'significance', 'confidence']);
    expect(both.checks.map((c) => [c.name, c.passed])).toEqual([
      ['min-improvement', true],
      ['significance', false],
      ['confidence', false],
    ]);
    expect(both.reason).toBe(
      'accuracy 0.9000 vs baseline 0.8700: improvement 0.0300 meets min-improvement 0.01, but ' +
        "the metric's test, one-sided (is the new model better?), gives p = 0.2, not below significance-level 0.05: the gain may be noise; and " +
        'its 95% lower confidence bound is 0.0050, below min-improvement 0.01: the new model is not confidently at least 0.01 better.',
    );
  });
});

describe('decideGate without a baseline: the missing-baseline policy decides', () => {
  const missing = (policy: 'pass' | 'warn' | 'fail') => ({ policy, detail: 'baseline-model prod.onnx does not exist' });
  const alone = (metric: MetricName, value: number): MetricComparison => ({
    metric,
    higherIsBetter: higherIsBetter(metric),
    new: value,
    baseline: null,
    improvement: null,
    unavailable: 'no baseline',
  });
  it('passes under pass and warn, saying so', () => {
    for (const policy of ['pass', 'warn'] as const) {
      const d = decideGate(margin(0.01, { missingBaseline: missing(policy), confidence: 0.95 }), alone('accuracy', 0.9));
      expect(d).toMatchObject({ passed: true, improvement: null, required: null, warnings: [] });
      expect(d.reason).toBe(
        `No baseline to beat (baseline-model prod.onnx does not exist); the new model passes on its own with accuracy 0.9000 (missing-baseline: ${policy}).`,
      );
      expect(d.checks).toEqual([
        { name: 'missing-baseline', passed: true, detail: `baseline-model prod.onnx does not exist (missing-baseline: ${policy})` },
      ]);
    }
  });
  it('fails under fail', () => {
    const d = decideGate({ metric: 'rmse', minImprovement: 0.01, missingBaseline: missing('fail') }, alone('rmse', 1.5));
    expect(d).toMatchObject({ passed: false, improvement: null, required: null });
    expect(d.reason).toBe(
      'baseline-model prod.onnx does not exist, and missing-baseline is fail: there is nothing to compare rmse 1.5000 against.',
    );
  });
  it('without a policy, a missing baseline value fails closed with its reason', () => {
    const d = decideGate({ metric: 'rmse', minImprovement: 0.01 }, alone('rmse', 1.5));
    expect(d.passed).toBe(false);
    expect(d.reason).toBe('There is no baseline value of rmse to compare with: no baseline; the gate fails closed.');
  });
  it('a new model whose value cannot be computed fails, whatever the policy', () => {
    const c: MetricComparison = { ...alone('roc-auc', 0), new: null, unavailable: 'the output holds predicted labels, not scores' };
    const d = decideGate({ metric: 'roc-auc', minImprovement: 0, missingBaseline: missing('pass') }, c);
    expect(d.passed).toBe(false);
    expect(d.reason).toBe(
      "The new model's roc-auc cannot be computed: the output holds predicted labels, not scores; the gate fails closed.",
    );
  });
  it('warns under pass and warn only', () => {
    expect(missingBaselineWarning(missing('warn'))).toBe(
      'baseline-model prod.onnx does not exist: the new model is judged on its own (missing-baseline: warn). This must only happen for the very first model.',
    );
    expect(missingBaselineWarning(missing('pass'))).toContain('(missing-baseline: pass)');
    expect(missingBaselineWarning(missing('fail'))).toBeUndefined();
  });
});

describe('checkMetricFitsTask', () => {
  it('refuses a metric of the other task, saying where the task came from', () => {
    expect(() => checkMetricFitsTask('rmse', 'classification', 'detected')).toThrow(
      "Input metric is rmse, a regression metric, but this is a classification task (from the new model's output and the labels).",
    );
    expect(() => checkMetricFitsTask('accuracy', 'regression', 'input')).toThrow(
      'Input metric is accuracy, a classification metric, but task is regression.',
    );
    const thrown = (() => {
      try {
        checkMetricFitsTask('rmse', 'classification', 'detected');
      } catch (e) {
        return e;
      }
    })();
    expect(thrown).toBeInstanceOf(UserError);
    expect((thrown as UserError).input).toBe('metric');
  });
  it('takes every classification metric for a classification, roc-auc included (one-vs-rest for several classes)', () => {
    for (const metric of ['roc-auc', 'average-precision', 'mcc', 'log-loss', 'top-k-accuracy'] as const) {
      expect(() => checkMetricFitsTask(metric, 'classification', 'detected')).not.toThrow();
      expect(() => checkMetricFitsTask(metric, 'regression', 'detected')).toThrow(/a classification metric, but this is a regression task/);
    }
  });
  it("defaults to the task's metric", () => {
    expect(gateMetric(undefined, 'classification')).toBe('accuracy');
    expect(gateMetric(undefined, 'regression')).toBe('rmse');
    expect(gateMetric('f1-macro', 'classification')).toBe('f1-macro');
  });
});

describe('the decision as reported', () => {
  it('decisionReport carries the rules, settings and the gating numbers', () => {
    const config = margin(0.01, { confidence: 0.95 });
    const c = accuracy(0.9, 0.87, { lowerBound: { level: 0.95, value: 0.015 }, pNewBetter: 0.001 });
    const d = decideGate(config, c);
    expect(decisionReport(config, c, d.checks)).toEqual({
      rules: ['min-improvement', 'confidence'],
      metric: 'accuracy',
      minImprovement: 0.01,
      significanceLevel: null,
      confidence: 0.95,
      improvement: c.improvement,
      lowerBound: 0.015,
      pNewBetter: 0.001,
      checks: d.checks,
    });
  });

  const threshold = (line: number, passed: boolean, reason: string): ThresholdReport => ({
    text: `line text ${line}`,
    line,
    metric: 'log-loss',
    kind: 'regression',
    basis: 'improvement',
    actual: 0.04,
    op: '<=',
    bound: 0.01,
    relative: false,
    passed,
    reason,
  });
  const guard = (failed: boolean): GuardReport => ({
    tolerances: { recall: 0.05 },
    significanceLevel: null,
    passed: !failed,
    rows: [
      {
        subject: 'class 0',
        metric: 'recall',
        rows: 50,
        new: 0.9,
        baseline: 0.9,
        drop: 0,
        pNewWorse: null,
        pHolm: null,
        gated: true,
        failed: false,
        note: 'unchanged',
      },
      {
        subject: 'class 1',
        metric: 'recall',
        rows: 0,
        new: null,
        baseline: null,
        drop: null,
        pNewWorse: null,
        pHolm: null,
        gated: false,
        failed: false,
        note: 'no rows',
      },
      {
        subject: 'class 2',
        metric: 'recall',
        rows: 80,
        new: 0.7,
        baseline: 0.8,
        drop: 0.1,
        pNewWorse: null,
        pHolm: null,
        gated: true,
        failed,
        note: 'dropped by 0.1000',
      },
    ],
  });
  it('thresholdsCheck and guardCheck say what held and what failed', () => {
    expect(thresholdsCheck([threshold(1, true, 'ok')])).toEqual({ name: 'thresholds', passed: true, detail: 'all 1 threshold hold' });
    expect(thresholdsCheck([threshold(2, false, 'bad two'), threshold(1, true, 'ok'), threshold(4, false, 'bad four')])).toEqual({
      name: 'thresholds',
      passed: false,
      detail: '2 of 3 thresholds failed: line 2 (line text 2): bad two; line 4 (line text 4): bad four',
    });
    expect(guardCheck('class-regression', 'class', guard(false))).toEqual({
      name: 'class-regression',
      passed: true,
      detail: 'no class regressed beyond its tolerance (2 gated)',
    });
    expect(guardCheck('class-regression', 'class', guard(true))).toEqual({
      name: 'class-regression',
      passed: false,
      detail: '1 class regression: class 2 recall dropped by 0.1000',
    });
  });
  it('combineDecision: everything must hold, and the reason names what else failed', () => {
    const gate = decideGate(margin(0.01), accuracy(0.9, 0.85));
    const ok = combineDecision(gate, { thresholds: [threshold(1, true, 'ok')], classGuard: guard(false) });
    expect(ok).toEqual({
      passed: true,
      reason: gate.reason,
      checks: [...gate.checks, thresholdsCheck([threshold(1, true, 'ok')]), guardCheck('class-regression', 'class', guard(false))],
    });
    const blocked = combineDecision(gate, { thresholds: [threshold(3, false, 'bad')], sliceGuard: guard(true) });
    expect(blocked.passed).toBe(false);
    expect(blocked.reason).toBe(
      `${gate.reason} But 1 of 1 threshold failed: line 3 (line text 3): bad. 1 slice regression: class 2 recall dropped by 0.1000.`,
    );
    expect(blocked.checks.map((c) => c.name)).toEqual(['min-improvement', 'thresholds', 'slice-regression']);
    const both = combineDecision(decideGate(margin(0.1), accuracy(0.9, 0.85)), { classGuard: guard(true) });
    expect(both.passed).toBe(false);
    expect(both.reason).toMatch(/its improvement 0\.0500\. Also: 1 class regression: class 2 recall dropped by 0\.1000\.$/);
    // no thresholds given: no check for them
    expect(combineDecision(gate, { thresholds: [] }).checks).toEqual(gate.checks);
  });
});

describe('helpers', () => {
  it('clearsBound absorbs rounding both ways and fails NaN', () => {
    expect(clearsBound(0.12 - 0.11, '>=', 0.01)).toBe(true);
    expect(clearsBound(0.0099, '>=', 0.01)).toBe(false);
    // 0.3 - 0.29 is 0.010000000000000009 in floating point
    expect(clearsBound(0.3 - 0.29, '<=', 0.01)).toBe(true);
    // relative, not absolute: on a metric of tiny values a real difference is not rounding
    expect(clearsBound(-3.56e-13, '>=', 0)).toBe(false);
    expect(clearsBound(4.46e-13, '<=', 9e-14)).toBe(false);
    expect(clearsBound(0.0101, '<=', 0.01)).toBe(false);
    expect(clearsBound(NaN, '>=', -Infinity)).toBe(false);
    expect(clearsBound(NaN, '<=', Infinity)).toBe(false);
  });
  it('formatPercent and describeTest', () => {
    expect(formatPercent(0.95)).toBe('95%');
    expect(formatPercent(0.975)).toBe('97.5%');
    expect(formatPercent(0.07)).toBe('7%');
    expect(describeTest(undefined)).toBe("the metric's test");
    expect(describeTest({ interval: 'bootstrap', test: 'mcnemar-exact', replicates: 2000 })).toBe("McNemar's exact test");
    expect(describeTest({ interval: 'normal', test: 'z' })).toBe('the paired z-test');
    expect(describeTest({ interval: 'jackknife', test: 'jackknife-t' })).toBe('the grouped jackknife t-test');
  });
});
