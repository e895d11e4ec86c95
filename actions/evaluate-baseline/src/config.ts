import { UserError } from '@ml-gate/core';
import {
  CLASSIFICATION_METRICS,
  REGRESSION_METRICS,
  isMetricName,
  taskOf,
  type MetricName,
  type MissingBaselinePolicy,
  type Task,
} from '@ml-gate/core/evaluation';
import { booleanInput, choiceInput, numberInput, optionalNumberInput, stringInput } from '@ml-gate/core/github';

/** The inputs of action.yml, parsed once and validated. */
export interface Config {
  newModel: string;
  baselineModel: string;
  evalData: string;
  features: string;
  labels: string;
  /** Undefined: the task's default (accuracy or rmse). */
  metric?: MetricName;
  minImprovement: number;
  significanceLevel?: number;
  task: Task | 'auto';
  inputName: string;
  outputName: string;
  missingBaseline: MissingBaselinePolicy;
  batchSize: number;
  threads: number;
  reportPath: string;
  comment: boolean;
  token: string;
  onnxruntimePath: string;
}

/** The report path first, so that a bad value elsewhere still gets its report written. */
export function readReportPath(): string {
  return stringInput('report') || 'eval_report.json';
}

export function readConfig(): Config {
  const metricRaw = stringInput('metric').toLowerCase();
  if (metricRaw && !isMetricName(metricRaw)) {
    throw new UserError(
      `Input metric is '${metricRaw}'; expected one of: ${[...CLASSIFICATION_METRICS, ...REGRESSION_METRICS].join(', ')}.`,
      { input: 'metric' },
    );
  }
  const metric = metricRaw ? (metricRaw as MetricName) : undefined;
  const task = choiceInput('task', ['auto', 'classification', 'regression'] as const, 'auto');
  if (metric && task !== 'auto' && taskOf(metric) !== task) {
    throw new UserError(`Input metric is ${metric}, a ${taskOf(metric)} metric, but task is ${task}.`, { input: 'metric' });
  }
  return {
    newModel: stringInput('new-model', { required: true }),
    baselineModel: stringInput('baseline-model'),
    evalData: stringInput('eval-data', { required: true }),
    features: stringInput('features') || 'features',
    labels: stringInput('labels') || 'labels',
    metric,
    minImprovement: numberInput('min-improvement', 0.01),
    significanceLevel: optionalNumberInput('significance-level', { min: 0, max: 1, exclusiveMin: true }),
    task,
    inputName: stringInput('input-name'),
    outputName: stringInput('output-name'),
    missingBaseline: choiceInput('missing-baseline', ['pass', 'warn', 'fail'] as const, 'fail'),
    batchSize: numberInput('batch-size', 4096, { min: 1, max: 1 << 20, integer: true }),
    threads: numberInput('threads', 0, { min: 0, max: 1024, integer: true }),
    reportPath: readReportPath(),
    comment: booleanInput('comment', true),
    token: stringInput('github-token'),
    onnxruntimePath: stringInput('onnxruntime-path') || process.env.ONNXRUNTIME_NODE_PATH || '',
  };
}
