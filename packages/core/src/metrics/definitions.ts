import { parsed, parseError, type ParseResult } from '../errors.js';

/** The metrics this project computes, with the direction in which they improve. */
export const CLASSIFICATION_METRICS = [
  'accuracy',
  'balanced-accuracy',
  'f1-macro',
  'precision-macro',
  'recall-macro',
  'mcc',
  'top-k-accuracy',
  'log-loss',
  'brier',
  'ece',
  'roc-auc',
  'average-precision',
] as const;
export const REGRESSION_METRICS = ['rmse', 'mse', 'mae', 'r2'] as const;

/** The per-class metrics, addressable as `recall[3]` in thresholds and guarded by max-class-regression. */
export const PER_CLASS_METRICS = ['precision', 'recall', 'f1'] as const;
export type PerClassMetric = (typeof PER_CLASS_METRICS)[number];

export type ClassificationMetric = (typeof CLASSIFICATION_METRICS)[number];
export type RegressionMetric = (typeof REGRESSION_METRICS)[number];
export type MetricName = ClassificationMetric | RegressionMetric;
export type Task = 'classification' | 'regression';

const LOWER_IS_BETTER: ReadonlySet<MetricName> = new Set(['log-loss', 'brier', 'ece', 'rmse', 'mse', 'mae']);

export function higherIsBetter(metric: MetricName): boolean {
  return !LOWER_IS_BETTER.has(metric);
}

export function taskOf(metric: MetricName): Task {
  return (REGRESSION_METRICS as readonly string[]).includes(metric) ? 'regression' : 'classification';
}

export function isMetricName(s: string): s is MetricName {
  return (CLASSIFICATION_METRICS as readonly string[]).includes(s) || (REGRESSION_METRICS as readonly string[]).includes(s);
}

/** A metric name as a user writes it (any case). */
export function parseMetricName(text: string): ParseResult<MetricName> {
  const name = text.trim().toLowerCase();
  return isMetricName(name) ? parsed(name) : parseError('unknown metric');
}

export const METRIC_NAMES: readonly MetricName[] = [...CLASSIFICATION_METRICS, ...REGRESSION_METRICS];

export function defaultMetric(task: Task): MetricName {
  return task === 'classification' ? 'accuracy' : 'rmse';
}

/** Metric values; a metric that cannot be computed for this model/data is null (with a reason). */
export type MetricValues = Partial<Record<MetricName, number | null>>;
