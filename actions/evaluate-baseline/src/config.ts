import { inputValue } from '@ml-gate/core';
import {
  METRIC_NAMES,
  checkMetricFitsTask,
  checkSignificanceFits,
  parseMetricName,
  type EvaluationSettings,
  type MetricName,
  type Task,
} from '@ml-gate/core/evaluation';
import {
  booleanInput,
  choiceInput,
  maskSecret,
  numberInput,
  onnxruntimeInput,
  optionalNumberInput,
  stringInput,
} from '@ml-gate/core/github';

/** The inputs of action.yml, parsed once and validated: what core evaluates, and how it is published. */
export interface Config extends EvaluationSettings {
  comment: boolean;
  token: string;
}

/** The report path first, so that a bad value elsewhere still gets its report written. */
export function readReportPath(): string {
  return stringInput('report') || 'eval_report.json';
}

/** metric and task, which must agree when both are given (an auto task is checked once it is known). */
function readMetricAndTask(): { metric?: MetricName; task: Task | 'auto' } {
  const raw = stringInput('metric');
  const metric = raw
    ? inputValue('metric', parseMetricName(raw), { shown: raw.toLowerCase(), expected: `one of: ${METRIC_NAMES.join(', ')}` })
    : undefined;
  const task = choiceInput('task', ['auto', 'classification', 'regression'] as const, 'auto');
  if (metric && task !== 'auto') checkMetricFitsTask(metric, task, 'input');
  return { metric, task };
}

function readEvaluationSettings(): EvaluationSettings {
  const { metric, task } = readMetricAndTask();
  const significanceLevel = optionalNumberInput('significance-level', { min: 0, max: 1, exclusiveMin: true });
  // a metric given is checked now; the default one (from the task) once the task is known
  if (metric) checkSignificanceFits(metric, significanceLevel);
  return {
    newModel: stringInput('new-model', { required: true }),
    baselineModel: stringInput('baseline-model'),
    evalData: stringInput('eval-data', { required: true }),
    features: stringInput('features') || 'features',
    labels: stringInput('labels') || 'labels',
    metric,
    task,
    minImprovement: numberInput('min-improvement', 0.01),
    significanceLevel,
    inputName: stringInput('input-name'),
    outputName: stringInput('output-name'),
    missingBaseline: choiceInput('missing-baseline', ['pass', 'warn', 'fail'] as const, 'fail'),
    batchSize: numberInput('batch-size', 4096, { min: 1, max: 1 << 20, integer: true }),
    threads: numberInput('threads', 0, { min: 0, max: 1024, integer: true }),
    onnxruntime: onnxruntimeInput(),
  };
}

export function readConfig(): Config {
  return {
    ...readEvaluationSettings(),
    comment: booleanInput('comment', true),
    token: maskedInput('github-token'),
  };
}

/** An input that holds a secret: masked in the log and registered for the redaction of every file written. */
function maskedInput(name: string): string {
  const value = stringInput(name);
  maskSecret(value);
  return value;
}
