import type { MetricName, MetricValues, Task } from '../metrics/definitions.js';
import type { ReportError } from '../errors.js';
import type { TensorInfo } from '../onnx/session.js';
import type { RunInfo } from '../util/run-info.js';
import { numberOutput } from '../util/format.js';
import type { ScoreKind } from './compare.js';
import type { ClassComparison, InferenceSettings, MetricComparison } from './comparison.js';
import type { MissingBaseline } from './gate.js';
import type { BaselineCacheStatus } from './baseline-cache.js';
import type { BaselineOrigin } from '../github/baseline-source.js';

/** The evaluate-baseline report: the JSON file, the job summary and the PR comment all render this. */
export interface EvaluationReport {
  schema: 'ml-gate/evaluate-baseline/v1';
  createdAt: string;
  /**
   * passed: the gate let the model through; failed: it did not; error: the run could not decide;
   * partial: one shard of a sharded evaluation, which never decides (the merge does).
   */
  status: 'passed' | 'failed' | 'error' | 'partial';
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
    /** One-sided: is the new model better? (significance-level gates on the gating metric's own test: decision.pNewBetter) */
    pValueNewBetter: number;
    level: number | null;
  };
  /** How the gate decided: the rule, its numbers, and the statement the summary shows. */
  decision?: DecisionReport;
  /** How the intervals and tests were computed (level, confidence, replicates, seed). */
  inference?: InferenceSettings;
  /** Every metric of both models with the interval and tests of its improvement; the gating metric first. */
  comparisons?: MetricComparison[];
  /** Per class (classification): support and precision/recall/F1 of both models, compared. */
  perClass?: ClassComparison[];
  /** The thresholds input, one row per line: failed rows first. */
  thresholds?: ThresholdReport[];
  /** max-class-regression: the per-class regression guard. */
  classGuard?: GuardReport;
  /** slices: per slice column and value, both models' metrics and the slice regression guard. */
  slices?: SliceReport[];
  models: {
    new?: ModelReport;
    baseline?: ModelReport;
  };
  baselineMissing?: MissingBaseline;
  evalSet?: {
    path: string;
    files: { path: string; sha256?: string }[];
    /**
     * One file: its SHA-256. Several: the SHA-256 of their SHA-256 digests in hex, a line each, in
     * order (`sha256sum F1 F2 | cut -d' ' -f1 | sha256sum`). Every SHA-256 here is the full 64 hex digits.
     */
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
  /** A shard's run (status partial): which shard, its rows [start, end), and its partial's name. */
  shard?: ShardReport;
  /** A merged run: the shards merged, in row order (their rows, inference times and partials). */
  shards?: (ShardReport & { inferenceMs: number[]; baselineCache?: BaselineCacheStatus })[];
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

export interface ShardReport {
  index: number;
  count: number;
  rows: { start: number; end: number };
  /** The partial's name (its file name without .json, and the artifact name after the prefix). */
  partial: string;
}

export interface ModelReport {
  path: string;
  /** SHA-256 of the .onnx file followed by the external data files it names (onnx/model-hash.ts); of the file alone when it has none. */
  sha256?: string;
  input?: TensorInfo;
  output?: TensorInfo;
  outputKind?: ScoreKind | 'values';
  metrics?: MetricValues;
  unavailable?: Record<string, string>;
  /** confusion[true][predicted], as scikit-learn's confusion_matrix. */
  confusion?: number[][];
  timing?: { loadMs: number; inferenceMs: number; rowsPerSecond: number };
  /** A baseline fetched from GitHub (baseline-model: release:TAG/ASSET or artifact:NAME): the release or run it came from. */
  origin?: BaselineOrigin;
  /** The baseline with baseline-cache: its per-row results read from the cache (hit), or scored and kept (miss, and why). */
  cache?: BaselineCacheStatus;
}

/** The gate's decision on the gating metric under its rule(s). */
export interface DecisionReport {
  /** 'min-improvement' (the default rule), plus 'significance' and/or 'confidence' when those inputs are set. */
  rules: ('min-improvement' | 'significance' | 'confidence')[];
  metric: MetricName;
  minImprovement: number;
  significanceLevel: number | null;
  confidence: number | null;
  /** The improvement (positive = better), its interval, its lower bound at `confidence`, its p. */
  improvement: number | null;
  lowerBound: number | null;
  pNewBetter: number | null;
  /** Did each part hold: the margin, the significance, the confidence bound, the thresholds, the guards. */
  checks: { name: string; passed: boolean; detail: string }[];
}

/** One line of the thresholds input, judged. */
export interface ThresholdReport {
  /** The line as written, and its number in the input (1-based). */
  text: string;
  line: number;
  metric: string;
  /** value: a bound on the new model's value; improvement / regression: on the change. */
  kind: 'value' | 'improvement' | 'regression';
  /** What was compared with the bound: the new model's value, the improvement, or its lower confidence bound. */
  basis: 'value' | 'improvement' | 'lower-bound';
  /** The compared number (null: it could not be computed, and the threshold fails). */
  actual: number | null;
  op: '>=' | '<=';
  bound: number;
  relative: boolean;
  passed: boolean;
  reason: string;
}

/** A regression guard (per class or per slice): which rows of the family dropped, and whether that blocks. */
export interface GuardReport {
  /** The metric guarded and the largest drop tolerated (in the metric's units), per metric. */
  tolerances: Record<string, number>;
  /** With significance-level: a drop blocks only when significant after Holm's correction across the family. */
  significanceLevel: number | null;
  passed: boolean;
  rows: GuardRow[];
}

export interface GuardRow {
  /** 'class 3', or 'region = EU' */
  subject: string;
  metric: string;
  rows: number;
  new: number | null;
  baseline: number | null;
  /** baseline better by this much (in the better direction; negative = the new model is better). */
  drop: number | null;
  pNewWorse: number | null;
  /** Holm-adjusted across the family (null without significance-level). */
  pHolm: number | null;
  /** Whether this row is gated at all (a slice under min-slice-rows is reported, not gated). */
  gated: boolean;
  failed: boolean;
  /** Why it failed, or why a drop did not block ("not significant after Holm: p = 0.41", "12 rows < min-slice-rows 100"). */
  note: string;
}

/** One slice column: its values, each with both models' metrics compared. */
export interface SliceReport {
  column: string;
  /** The file the column was read from. */
  file: string;
  minRows: number;
  slices: { code: number; name?: string; rows: number; comparisons: MetricComparison[] }[];
  guard?: GuardReport;
}

/**
 * The action's outputs, from the report: a shard's partial decides nothing, so its `passed` is empty;
 * numbers in numberOutput's form, empty where there is none.
 */
export function evaluationOutputs(r: EvaluationReport): Record<string, string> {
  const interval = r.comparisons?.find((c) => c.metric === r.primary.metric)?.interval;
  return {
    passed: r.status === 'partial' ? '' : String(r.passed),
    metric: r.primary.metric,
    'new-metric': numberOutput(r.primary.new),
    'baseline-metric': numberOutput(r.primary.baseline),
    improvement: numberOutput(r.primary.improvement),
    'improvement-lower': numberOutput(interval?.lower),
    'improvement-upper': numberOutput(interval?.upper),
    'p-value': numberOutput(r.significance?.pValue),
  };
}

/**
 * The hidden marker of an evaluation's sticky PR comment: one per workflow, job and evaluation
 * (matrix jobs share GITHUB_JOB, not their inputs); `--` is broken so that it cannot end the HTML comment.
 */
export function evaluationCommentMarker(paths: { newModel: string; evalData: string }, env: NodeJS.ProcessEnv = process.env): string {
  const key = `${env.GITHUB_WORKFLOW ?? ''}/${env.GITHUB_JOB ?? ''}/${paths.newModel}/${paths.evalData}`;
  return `<!-- ml-gate:evaluate-baseline ${key.replace(/--/g, '- -')} -->`;
}
