import type { PerClass, ScoreKind } from '../metrics/classification.js';
import type { MetricName, MetricValues, Task } from '../metrics/definitions.js';
import type { ReportError } from '../errors.js';
import type { TensorInfo } from '../onnx/session.js';
import type { RunInfo } from '../util/run-info.js';
import type { MissingBaseline } from './gate.js';

/** The evaluate-baseline report: the JSON file, the job summary and the PR comment all render this. */
export interface EvaluationReport {
  schema: 'ml-gate/evaluate-baseline/v1';
  createdAt: string;
  /** passed: the gate let the model through; failed: it did not; error: the run could not decide. */
  status: 'passed' | 'failed' | 'error';
  passed: boolean;
  reason: string;
  task?: Task;
  /** Why this task: "labels are all 0/1 and the model has one output column: binary classification", "set by input task: regression". */
  taskReason?: string;
  classes?: number;
  primary: {
    metric: MetricName;
    higherIsBetter: boolean;
    new: number | null;
    baseline: number | null;
    improvement: number | null;
    minImprovement: number;
    required: number | null;
  };
  /** McNemar's exact test on the rows exactly one model classifies correctly. */
  significance?: {
    test: 'mcnemar-exact';
    newOnlyCorrect: number;
    baselineOnlyCorrect: number;
    /** Two-sided: do the two models differ? (the p-value output) */
    pValue: number;
    /** One-sided: is the new model better? What significance-level gates on. */
    pValueNewBetter: number;
    level: number | null;
  };
  models: {
    new?: ModelReport;
    baseline?: ModelReport;
  };
  baselineMissing?: MissingBaseline;
  evalSet?: {
    path: string;
    files: { path: string; sha256?: string }[];
    /** SHA-256 of the files' bytes in order (every SHA-256 here is the full 64 hex digits). */
    sha256?: string;
    rows: number;
    features: { name: string; dtype: string; shape: number[] };
    labels: { name: string; dtype: string; shape: number[] };
  };
  settings: {
    batchSize: number;
    threads: number;
    onnxruntime?: { version: string; source: string };
  };
  warnings: string[];
  error?: ReportError;
  /** The commit and workflow run (filled by runReportedAction). */
  run?: RunInfo;
}

/** The report before anything ran: an error until the evaluation decides otherwise. */
export function newEvaluationReport(): EvaluationReport {
  return {
    schema: 'ml-gate/evaluate-baseline/v1',
    createdAt: new Date().toISOString(),
    status: 'error',
    passed: false,
    reason: 'The evaluation did not run.',
    primary: {
      metric: 'accuracy',
      higherIsBetter: true,
      new: null,
      baseline: null,
      improvement: null,
      minImprovement: 0.01,
      required: null,
    },
    models: {},
    settings: { batchSize: 0, threads: 0 },
    warnings: [],
  };
}

export interface ModelReport {
  path: string;
  sha256?: string;
  input?: TensorInfo;
  output?: TensorInfo;
  outputKind?: ScoreKind | 'values';
  metrics?: MetricValues;
  unavailable?: Record<string, string>;
  perClass?: PerClass;
  confusion?: number[][];
  timing?: { loadMs: number; inferenceMs: number; rowsPerSecond: number };
}
