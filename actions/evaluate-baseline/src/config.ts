import { UserError, inputValue } from '@ml-gate/core';
import {
  METRIC_NAMES,
  checkMetricFitsTask,
  parseClassRegression,
  parseMetricName,
  parseThresholds,
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

/**
 * significance-level: a test's level, at most 0.5. Above it a p-value "below the level" says
 * nothing (0.95 let a gain with p = 0.28 pass as significant): the likely meaning is confidence.
 */
function readSignificanceLevel(): number | undefined {
  const level = optionalNumberInput('significance-level', { min: 0, max: 1, exclusiveMin: true, exclusiveMax: true });
  if (level === undefined || level <= 0.5) return level;
  throw new UserError(`Input significance-level is '${level}'; expected a number > 0 and <= 0.5 (a test's level, such as 0.05).`, {
    input: 'significance-level',
    hint: `For "confidently better" at ${level}, set confidence: ${level} instead.`,
  });
}

/** How the improvement is judged: the decision rules, the bootstrap, the thresholds and guards. */
function readEvidenceSettings() {
  const thresholds = stringInput('thresholds');
  const classRegression = stringInput('max-class-regression');
  return {
    significanceLevel: readSignificanceLevel(),
    // below 0.5 a "lower" bound would sit above the improvement itself
    confidence: optionalNumberInput('confidence', { min: 0.5, max: 1, exclusiveMin: true, exclusiveMax: true }),
    replicates: numberInput('bootstrap-replicates', 2000, { min: 100, max: 100_000, integer: true }),
    seed: numberInput('seed', 1, { min: 0, max: 2 ** 32 - 1, integer: true }),
    // the parser's message names the line and what it expects
    thresholds: thresholds ? inputValue('thresholds', parseThresholds(thresholds)) : [],
    classRegression: classRegression
      ? inputValue('max-class-regression', parseClassRegression(classRegression), {
          shown: classRegression,
          expected: 'a number (the largest recall drop tolerated), or per metric "recall 0.05, f1 0.1"',
        })
      : undefined,
    topK: numberInput('top-k', 5, { min: 1, max: 1 << 20, integer: true }),
  };
}

/** Slice columns of the eval set and their guard. */
function readSliceSettings() {
  return {
    slices: stringInput('slices')
      .split(/[,\n]/)
      .map((name) => name.trim())
      .filter(Boolean),
    sliceNames: stringInput('slice-names'),
    minSliceRows: numberInput('min-slice-rows', 100, { min: 1, integer: true }),
    maxSliceRegression: optionalNumberInput('max-slice-regression', { min: 0 }),
  };
}

function readEvaluationSettings(): EvaluationSettings {
  const { metric, task } = readMetricAndTask();
  return {
    newModel: stringInput('new-model', { required: true }),
    baselineModel: stringInput('baseline-model'),
    evalData: stringInput('eval-data', { required: true }),
    features: stringInput('features') || 'features',
    labels: stringInput('labels') || 'labels',
    metric,
    task,
    minImprovement: numberInput('min-improvement', 0.01),
    ...readEvidenceSettings(),
    ...readSliceSettings(),
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
