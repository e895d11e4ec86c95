import { describe, expect, it } from 'vitest';

import { UserError } from '../errors.js';
import { checkMetricFitsTask, checkSignificanceFits, decideGate, gateMetric, missingBaselineWarning } from './gate.js';

describe('decideGate', () => {
  it('passes a higher-is-better metric that gains at least the margin, absorbing rounding', () => {
    // 0.80 - 0.79 is 0.010000000000000009 in floating point; 0.3 - 0.29 is 0.009999999999999953
    expect(decideGate({ metric: 'accuracy', minImprovement: 0.01 }, 0.3, 0.29).passed).toBe(true);
    expect(decideGate({ metric: 'accuracy', minImprovement: 0.01 }, 0.8, 0.79).passed).toBe(true);
    const d = decideGate({ metric: 'accuracy', minImprovement: 0.01 }, 0.795, 0.79);
    expect(d.passed).toBe(false);
    expect(d.required).toBeCloseTo(0.8, 12);
    expect(d.reason).toMatch(/accuracy 0\.7950 vs baseline 0\.7900: the new model must reach >= 0\.8000/);
  });
  it('mirrors the rule for lower-is-better metrics', () => {
    const d = decideGate({ metric: 'rmse', minImprovement: 0.5 }, 9.4, 10);
    expect(d.passed).toBe(true);
    expect(d.improvement).toBeCloseTo(0.6, 12);
    expect(decideGate({ metric: 'log-loss', minImprovement: 0.01 }, 0.606, 0.566).passed).toBe(false);
    expect(decideGate({ metric: 'log-loss', minImprovement: 0.01 }, 0.606, 0.566).reason).toMatch(/<= 0\.5560/);
  });
  it('fails a NaN metric, whichever side', () => {
    expect(decideGate({ metric: 'rmse', minImprovement: 0.01 }, NaN, 0.5).passed).toBe(false);
    expect(decideGate({ metric: 'accuracy', minImprovement: 0.01 }, 0.9, NaN).passed).toBe(false);
  });
  it('tolerates a regression up to a negative margin', () => {
    expect(decideGate({ metric: 'accuracy', minImprovement: -0.02 }, 0.89, 0.9).passed).toBe(true);
    expect(decideGate({ metric: 'accuracy', minImprovement: -0.02 }, 0.87, 0.9).passed).toBe(false);
  });
  it('fails a gain that is not significant when a level is set', () => {
    const d = decideGate({ metric: 'accuracy', minImprovement: 0.01, significanceLevel: 0.05 }, 0.9, 0.85, 0.2);
    expect(d.passed).toBe(false);
    expect(d.reason).toMatch(/p = 0\.2000, not below significance-level 0\.05/);
    expect(decideGate({ metric: 'accuracy', minImprovement: 0.01, significanceLevel: 0.05 }, 0.9, 0.85, 0.01).passed).toBe(true);
  });
  it('with a level set, no paired test is no pass', () => {
    const d = decideGate({ metric: 'accuracy', minImprovement: 0.01, significanceLevel: 0.05 }, 0.9, 0.85);
    expect(d.passed).toBe(false);
    expect(d.reason).toMatch(/no paired test could be made, not below significance-level 0\.05: the new model is not significantly better/);
  });
  it('significance-level is refused with a gating metric McNemar does not test', () => {
    for (const metric of ['log-loss', 'f1-macro', 'rmse'] as const) {
      expect(() => checkSignificanceFits(metric, 0.05)).toThrow(
        /Input significance-level tests .* a test of accuracy; the gating metric is /,
      );
      expect(() => checkSignificanceFits(metric, undefined)).not.toThrow();
    }
    expect(() => checkSignificanceFits('accuracy', 0.05)).not.toThrow();
  });
});

describe('decideGate without a baseline: the missing-baseline policy decides', () => {
  const missing = (policy: 'pass' | 'warn' | 'fail') => ({ policy, detail: 'baseline-model prod.onnx does not exist' });
  it('passes under pass and warn, saying so', () => {
    for (const policy of ['pass', 'warn'] as const) {
      const d = decideGate({ metric: 'accuracy', minImprovement: 0.01, missingBaseline: missing(policy) }, 0.9, null);
      expect(d).toMatchObject({ passed: true, improvement: null, required: null });
      expect(d.reason).toBe(
        `No baseline to beat (baseline-model prod.onnx does not exist); the new model passes on its own with accuracy 0.9000 (missing-baseline: ${policy}).`,
      );
    }
  });
  it('fails under fail, and when no policy is given', () => {
    const d = decideGate({ metric: 'rmse', minImprovement: 0.01, missingBaseline: missing('fail') }, 1.5, null);
    expect(d).toMatchObject({ passed: false, improvement: null, required: null });
    expect(d.reason).toBe(
      'baseline-model prod.onnx does not exist, and missing-baseline is fail: there is nothing to compare rmse 1.5000 against.',
    );
    expect(decideGate({ metric: 'rmse', minImprovement: 0.01 }, 1.5, null).passed).toBe(false);
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
    expect(() => checkMetricFitsTask('rmse', 'classification', 'detected', 3)).toThrow(
      "Input metric is rmse, a regression metric, but this is a classification task (from the new model's output and the labels).",
    );
    expect(() => checkMetricFitsTask('accuracy', 'regression', 'input')).toThrow(
      'Input metric is accuracy, a classification metric, but task is regression.',
    );
    const thrown = (() => {
      try {
        checkMetricFitsTask('rmse', 'classification', 'detected', 3);
      } catch (e) {
        return e;
      }
    })();
    expect(thrown).toBeInstanceOf(UserError);
    expect((thrown as UserError).input).toBe('metric');
  });
  it('takes roc-auc for two classes only', () => {
    expect(() => checkMetricFitsTask('roc-auc', 'classification', 'detected', 2)).not.toThrow();
    expect(() => checkMetricFitsTask('roc-auc', 'classification', 'detected', 3)).toThrow(
      /needs a binary task; the labels and model have 3 classes/,
    );
    expect(() => checkMetricFitsTask('roc-auc', 'classification', 'input')).not.toThrow();
  });
  it("defaults to the task's metric", () => {
    expect(gateMetric(undefined, 'classification')).toBe('accuracy');
    expect(gateMetric(undefined, 'regression')).toBe('rmse');
    expect(gateMetric('f1-macro', 'classification')).toBe('f1-macro');
  });
});
