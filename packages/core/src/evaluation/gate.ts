import { UserError } from '../errors.js';
import { defaultMetric, higherIsBetter, taskOf, type MetricName, type Task } from '../metrics/definitions.js';
import { formatMetric } from '../util/format.js';

export type MissingBaselinePolicy = 'pass' | 'warn' | 'fail';

/** Why a run has no baseline, and what the gate does about it (the report's baselineMissing). */
export interface MissingBaseline {
  policy: MissingBaselinePolicy;
  /** "no baseline-model was given", "baseline-model PATH does not exist". */
  detail: string;
}

export interface GateConfig {
  metric: MetricName;
  /** How much better (absolute, in the metric's own units) the new model must be. */
  minImprovement: number;
  /** When set, the new model's accuracy gain must also be significant at this level (McNemar). */
  significanceLevel?: number;
  /** Consulted when there is no baseline value; without it, no baseline fails. */
  missingBaseline?: MissingBaseline;
}

export interface GateDecision {
  passed: boolean;
  reason: string;
  improvement: number | null;
  /** The value the new model had to reach. */
  required: number | null;
}

/** Absorbs rounding in `baseline + margin` (0.79 + 0.01 must admit 0.80). */
const ROUNDING = 1e-12;

/**
 * What a run without a baseline says out loud (a notice under pass, a warning under warn); none
 * under fail, where the gate's failure says it.
 */
export function missingBaselineWarning(m: MissingBaseline): string | undefined {
  if (m.policy === 'fail') return undefined;
  return `${m.detail}: the new model is judged on its own (missing-baseline: ${m.policy}). This must only happen for the very first model.`;
}

/** The metric the gate uses: the one asked for, or the task's default. */
export function gateMetric(requested: MetricName | undefined, task: Task): MetricName {
  return requested ?? defaultMetric(task);
}

/**
 * Refuses a metric that does not fit the task: one of the other task, or roc-auc for more than two
 * classes. `taskFrom`: whether the task was set by the task input or detected from the new model's
 * output and the labels (the message says which).
 */
export function checkMetricFitsTask(metric: MetricName, task: Task, taskFrom: 'input' | 'detected', classes?: number): void {
  if (taskOf(metric) !== task) {
    const detected = taskFrom === 'detected';
    const but = detected ? `this is a ${task} task (from the new model's output and the labels)` : `task is ${task}`;
    throw new UserError(`Input metric is ${metric}, a ${taskOf(metric)} metric, but ${but}.`, {
      input: 'metric',
      hint: detected ? 'Choose a metric of that task, or set task explicitly.' : undefined,
    });
  }
  if (metric === 'roc-auc' && classes !== undefined && classes !== 2) {
    throw new UserError(`Input metric is roc-auc, which needs a binary task; the labels and model have ${classes} classes.`, {
      input: 'metric',
      hint: 'Use f1-macro, balanced-accuracy or log-loss for several classes.',
    });
  }
}

/**
 * significance-level tests the gating metric's gain, and the one test there is so far is McNemar's
 * exact test, a test of accuracy: with any other metric it would test something the gate does not
 * decide on (a candidate significantly worse on accuracy once passed a log-loss gate at
 * significance-level 0.05), so it is refused rather than applied to the wrong metric.
 */
export function checkSignificanceFits(metric: MetricName, significanceLevel: number | undefined): void {
  if (significanceLevel === undefined || metric === 'accuracy') return;
  throw new UserError(
    `Input significance-level tests the gain of the gating metric with McNemar's exact test, a test of accuracy; the gating metric is ${metric}.`,
    {
      input: 'significance-level',
      hint: 'Gate on accuracy (metric: accuracy) to require a significant gain, or remove significance-level: no test of other metrics is implemented yet.',
    },
  );
}

/**
 * The promotion rule (TFMA's change threshold with an absolute margin): for a higher-is-better
 * metric, pass when new - baseline >= margin; for lower-is-better, when baseline - new >= margin.
 * A negative margin tolerates that much regression. Without a baseline (null), the
 * missing-baseline policy decides.
 */
/** `pValue`: McNemar's one-sided p that the new model is better (mcnemarExactNewBetter). */
export function decideGate(config: GateConfig, newValue: number, baselineValue: number | null, pValue?: number): GateDecision {
  if (baselineValue === null) return decideWithoutBaseline(config, newValue);
  const { metric, minImprovement } = config;
  const up = higherIsBetter(metric);
  const improvement = up ? newValue - baselineValue : baselineValue - newValue;
  const required = up ? baselineValue + minImprovement : baselineValue - minImprovement;
  const sign = up ? '>=' : '<=';
  const values = `${metric} ${formatMetric(newValue)} vs baseline ${formatMetric(baselineValue)}`;
  // written so that NaN fails: a model whose metric is not a number is not better
  if (!(improvement + ROUNDING >= minImprovement)) {
    return {
      passed: false,
      improvement,
      required,
      reason:
        `${values}: the new model must reach ${sign} ${formatMetric(required)} (baseline ${up ? '+' : '-'} min-improvement ${minImprovement}), ` +
        `its improvement is ${formatMetric(improvement)}.`,
    };
  }
  if (config.significanceLevel !== undefined && !(pValue !== undefined && pValue < config.significanceLevel)) {
    const test =
      pValue === undefined
        ? 'no paired test could be made'
        : `McNemar's one-sided test (is the new model better?) gives p = ${formatMetric(pValue)}`;
    return {
      passed: false,
      improvement,
      required,
      reason: `${values} clears the margin, but ${test}, not below significance-level ${config.significanceLevel}: the new model is not significantly better.`,
    };
  }
  return {
    passed: true,
    improvement,
    required,
    reason: `${values}: improvement ${formatMetric(improvement)} meets min-improvement ${minImprovement}.`,
  };
}

function decideWithoutBaseline(config: GateConfig, newValue: number): GateDecision {
  const { policy, detail } = config.missingBaseline ?? { policy: 'fail', detail: 'no baseline was given' };
  const value = `${config.metric} ${formatMetric(newValue)}`;
  const passed = policy !== 'fail';
  const reason = passed
    ? `No baseline to beat (${detail}); the new model passes on its own with ${value} (missing-baseline: ${policy}).`
    : `${detail}, and missing-baseline is fail: there is nothing to compare ${value} against.`;
  return { passed, reason, improvement: null, required: null };
}
