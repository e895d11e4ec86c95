import type { PerClass, ScoreKind } from '../metrics/classification.js';
import type { MetricName, MetricValues, Task } from '../metrics/definitions.js';
import type { TensorInfo } from '../onnx/session.js';

/** The evaluate-baseline report: the JSON file, the job summary and the PR comment all render this. */
export interface EvaluationReport {
  schema: 'ml-gate/evaluate-baseline/v1';
  createdAt: string;
  /** passed: the gate let the model through; failed: it did not; error: the run could not decide. */
  status: 'passed' | 'failed' | 'error';
  passed: boolean;
  reason: string;
  task?: Task;
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
    pValue: number;
    level: number | null;
  };
  models: {
    new?: ModelReport;
    baseline?: ModelReport;
  };
  baselineMissing?: { policy: 'pass' | 'warn' | 'fail'; detail: string };
  evalSet?: {
    path: string;
    files: { path: string; sha256?: string }[];
    /** SHA-256 of the files' bytes in order. */
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
  error?: { message: string; file?: string; input?: string };
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
