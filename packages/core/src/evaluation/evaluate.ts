import { availableParallelism } from 'node:os';

import { UserError, fileProblem } from '../errors.js';
import { higherIsBetter, type MetricName, type Task } from '../metrics/definitions.js';
import { mcnemarCounts } from '../metrics/compare-confusion.js';
import type { PairedConfusion } from '../metrics/paired-confusion.js';
import { mcnemarExact, mcnemarExactNewBetter } from '../metrics/significance.js';
import { describeDType } from '../npy/dtype.js';
import { loadOnnxRuntime, type OnnxRuntime, type RuntimeLocation } from '../onnx/runtime.js';
import { loadModel, type LoadedModel } from '../onnx/session.js';
import { sha256EachAndAll } from '../util/hash.js';
import { sha256Model } from '../onnx/model-hash.js';
import { finishComparison, scoreModels, type Comparison, type ModelEvaluation, type ScoredRows } from './compare.js';
import type { InferenceSettings, MetricComparison } from './comparison.js';
import { openEvalSet, type EvalSet } from './eval-set.js';
import type { TaskChoice } from './task.js';
import type { EvaluationReport, ModelReport } from './evaluation-report.js';
import { checkMetricFitsTask, gateMetric, missingBaselineWarning, type MissingBaselinePolicy } from './gate.js';
import { checkGuardsApply, decideOnEvidence } from './decide.js';
import type { ClassTolerances } from './guards.js';
import { compareStatistics } from './metric-comparisons.js';
import type { Threshold } from './thresholds.js';
import type { BaselineCacheStatus } from './baseline-cache.js';
import type { CacheKey } from './row-cache.js';
import {
  PARTIAL_FORMAT,
  describeRows,
  partialName,
  resultSettings,
  serializePartial,
  type Producer,
  type ShardSpec,
} from './partial-result.js';

/** What an evaluation is asked to do: evaluate-baseline's inputs, parsed and validated. */
export interface EvaluationSettings {
  newModel: string;
  /** Empty when none was given. */
  baselineModel: string;
  evalData: string;
  /** The arrays' names in eval-data. */
  features: string;
  labels: string;
  /** Undefined: the task's default (accuracy or rmse). */
  metric?: MetricName;
  minImprovement: number;
  /** significance-level: the improvement must also be significant at this level (one-sided). */
  significanceLevel?: number;
  /** confidence: the improvement's lower confidence bound at this level must reach min-improvement. */
  confidence?: number;
  /** Bootstrap replicates and seed. */
  replicates: number;
  seed: number;
  /** The thresholds input, parsed. */
  thresholds: Threshold[];
  /** max-class-regression, parsed (undefined: no per-class guard). */
  classRegression?: ClassTolerances;
  /** k of top-k-accuracy. */
  topK: number;
  /** Slice columns of the eval set, their names file (empty: none), and the slice guard. */
  slices: string[];
  sliceNames: string;
  minSliceRows: number;
  maxSliceRegression?: number;
  task: Task | 'auto';
  /** Empty: the model's only input, its first output. */
  inputName: string;
  outputName: string;
  missingBaseline: MissingBaselinePolicy;
  batchSize: number;
  threads: number;
  /** Where onnxruntime-node comes from (nothing given: the pinned one, provisioned). */
  onnxruntime: RuntimeLocation;
}

export interface EvaluateOptions {
  /** Progress lines (the runtime's download, the task chosen). */
  log?: (message: string) => void;
  /** baseline-cache: a folder keeping the baseline's per-row results between runs (empty: none). */
  baselineCache?: string;
  /**
   * Where a baseline fetched from GitHub (baseline-model: release: or artifact:) came from, for the
   * report; or why there is none (the missing-baseline policy applies, as to a path not there).
   */
  baselineSource?: { origin: ModelReport['origin'] } | { missing: string };
  /** The build of the action running: a shard's manifest and the baseline cache's key hold it. */
  producer?: Producer;
}

interface Models {
  newModel: LoadedModel;
  baseline?: LoadedModel;
}

type Hashes = [newModel: string, baseline: string | undefined, data: { each: string[]; all: string }];

/**
 * Everything between reading the inputs and publishing the report: loads the runtime and the
 * models, opens the eval set, compares the models on it and decides the gate, filling `report`
 * as it goes (so that an error leaves in it what was learnt before). Throws a UserError on bad
 * input; a missing baseline is not an error but a decision of the missing-baseline policy.
 */
export async function evaluateModels(s: EvaluationSettings, report: EvaluationReport, options: EvaluateOptions = {}): Promise<void> {
  const scored = await scoreInto(s, report, options);
  concludeEvaluation(report, s, finishComparison(scored));
}

/** What a shard needs besides the settings: which shard, and what goes in its manifest. */
export interface ShardOptions extends EvaluateOptions {
  shard: ShardSpec;
  producer: Producer;
  /** The inputs as the runner passed them (recorded: a merge given other values refuses them). */
  inputs: Record<string, string>;
}

/**
 * Scores shard k of n (shard.ts: whole batches, the same ones as an unsharded run) and returns its
 * partial result as the text of its file; `report` says what was scored and that nothing was decided.
 */
export async function evaluateShard(s: EvaluationSettings, report: EvaluationReport, options: ShardOptions): Promise<string> {
  const { shard } = options;
  const scored = await scoreInto(s, report, options, shard);
  const { range, rows } = scored;
  recordScoring(report, scored, range.end - range.start);
  report.status = 'partial';
  report.reason =
    `Shard ${shard.index} of ${shard.count} scored ${describeRows(range)} of ${rows.toLocaleString('en-US')}; ` +
    'nothing is decided until the partials of every shard are merged (mode: merge).';
  report.shard = { index: shard.index, count: shard.count, rows: { start: range.start, end: range.end }, partial: partialName(shard) };
  const body = {
    report: structuredClone(report),
    scoring: {
      task: scored.task,
      taskReason: scored.taskReason,
      classes: scored.classes ?? null,
      batchSize: scored.batchSize,
      inferenceMs: scored.inferenceMs,
    },
    statistics: scored.accumulators.toJSON(),
  };
  const manifest = {
    format: PARTIAL_FORMAT,
    producer: options.producer,
    shard,
    rows: { total: rows, start: range.start, end: range.end },
    sha256: {
      newModel: report.models.new!.sha256!,
      baselineModel: report.models.baseline?.sha256 ?? null,
      evalSet: report.evalSet!.sha256!,
    },
    settings: resultSettings(s, report.settings.onnxruntime?.version ?? ''),
    inputs: options.inputs,
  };
  return serializePartial(manifest, body);
}

/** Loads what it takes, scores the rows (all, or a shard's) and records in `report` what was scored. */
async function scoreInto(
  s: EvaluationSettings,
  report: EvaluationReport,
  options: EvaluateOptions,
  shard?: ShardSpec,
): Promise<ScoredRows> {
  recordSettings(report, s);
  const ort = await loadRuntime(report, s, options);
  const opened: LoadedModel[] = [];
  let data: EvalSet | undefined;
  try {
    const { newModel, baseline } = await loadModels(ort, s, report, opened, options.baselineSource);
    data = await openData(s, report);
    const hashes = hashInputs(s, data, baseline !== undefined);
    const [dir, set] = [options.baselineCache, data];
    // keyed on the hashes, still being computed on worker threads: awaited once the first batch is scored
    const cache = dir && baseline ? hashes.then((h) => ({ dir, key: cacheKey(s, report, baseline, set, h, options.producer) })) : undefined;
    cache?.catch(() => {});
    const scored = await scoreModels({
      baselineCache: cache,
      ort,
      newModel,
      baseline,
      data,
      task: s.task,
      batchSize: s.batchSize,
      log: options.log,
      topK: s.topK,
      rankMetricsNeeded: ranksNeeded(s),
      shard,
      checkTask: (task, _classes, choice) => {
        // recorded first: a metric that does not fit still leaves the task and why in the report
        recordTask(report, choice, options);
        checkMetricFitsTask(gateMetric(s.metric, task), task, 'detected');
        checkGuardsApply(s, task);
      },
    });
    recordHashes(report, data, await hashes);
    if (scored.baselineCache && report.models.baseline) recordCache(report.models.baseline, scored.baselineCache, options);
    return scored;
  } finally {
    await data?.close();
    for (const m of opened) await m.session.release();
  }
}

/** From the finished comparison (of one pass, or of merged shards): the report's metrics, decision and verdict. */
export function concludeEvaluation(report: EvaluationReport, s: EvaluationSettings, comparison: Comparison): void {
  recordComparison(report, comparison);
  decide(report, s, comparison);
}

/**
 * What the baseline's per-row results depend on: the baseline and the eval set's features and labels
 * (their SHA-256), how the model is fed and read, the settings that change a row's values (top-k,
 * the task asked for, the batch and threads, onnxruntime's version); the row range is added per pass.
 */
function cacheKey(
  s: EvaluationSettings,
  report: EvaluationReport,
  baseline: LoadedModel,
  data: EvalSet,
  [, baselineSha, dataShas]: Hashes,
  producer: Producer | undefined,
): CacheKey {
  return {
    entry: 'evaluate-baseline/baseline-rows/1',
    baseline: baselineSha ?? '',
    // features and labels (an .npz is one file); slice columns do not change a row's values
    data: dataShas.each.slice(0, data.files.length === 1 ? 1 : 2).join(','),
    features: s.features,
    labels: s.labels,
    input: baseline.input.name,
    output: baseline.output.name,
    task: s.task,
    topK: s.topK,
    threads: s.threads,
    cpus: availableParallelism(),
    platform: `${process.platform}-${process.arch}`,
    onnxruntime: report.settings.onnxruntime?.version ?? '',
    // the per-row values are this code's computation of them (clipping, the 0.5 threshold, ties)
    build: producer?.build ?? 'unknown',
  };
}

function recordCache(target: ModelReport, status: BaselineCacheStatus, options: EvaluateOptions): void {
  target.cache = status;
  const why = status.reason ? ` (${status.reason})` : '';
  options.log?.(`baseline-cache ${status.dir}: ${status.status}${why}${status.status === 'miss' ? '; the entry was written' : ''}.`);
}

function recordTask(report: EvaluationReport, choice: TaskChoice, options: EvaluateOptions): void {
  report.task = choice.task;
  report.taskReason = choice.reason;
  options.log?.(`Task: ${choice.reason}.`);
}

function recordSettings(report: EvaluationReport, s: EvaluationSettings): void {
  report.primary.minImprovement = s.minImprovement;
  if (s.metric) {
    report.primary.metric = s.metric;
    report.primary.higherIsBetter = higherIsBetter(s.metric);
  }
  report.settings = { batchSize: s.batchSize, threads: s.threads };
}

async function loadRuntime(report: EvaluationReport, s: EvaluationSettings, options: EvaluateOptions): Promise<OnnxRuntime> {
  const { ort, runtime } = await loadOnnxRuntime({ ...s.onnxruntime, log: options.log });
  report.settings.onnxruntime = { version: runtime.version, source: runtime.source };
  return ort;
}

async function timedLoad(
  ort: OnnxRuntime,
  path: string,
  s: EvaluationSettings,
  role: string,
  input: string,
): Promise<[LoadedModel, ModelReport]> {
  const t0 = performance.now();
  const model = await loadModel(ort, path, {
    threads: s.threads,
    inputName: s.inputName || undefined,
    outputName: s.outputName || undefined,
    role,
    inputOfPath: input,
  });
  const timing = { loadMs: performance.now() - t0, inferenceMs: 0, rowsPerSecond: 0 };
  return [model, { path: model.path, input: model.input, output: model.output, timing }];
}

/** A model file that is not there (rather than there but unreadable): loadModel's UserError keeps the errno as its cause. */
function isMissingFile(e: unknown): boolean {
  const code = e instanceof UserError ? (e.cause as NodeJS.ErrnoException | undefined)?.code : undefined;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** The new model, then the baseline: none given or not there is left to the missing-baseline policy. */
async function loadModels(
  ort: OnnxRuntime,
  s: EvaluationSettings,
  report: EvaluationReport,
  opened: LoadedModel[],
  source?: EvaluateOptions['baselineSource'],
): Promise<Models> {
  const [newModel, newReport] = await timedLoad(ort, s.newModel, s, 'new model', 'new-model');
  opened.push(newModel);
  report.models.new = newReport;
  if (source && 'missing' in source) {
    recordMissingBaseline(report, s.missingBaseline, source.missing);
    return { newModel };
  }
  if (s.baselineModel === '') {
    recordMissingBaseline(report, s.missingBaseline, 'no baseline-model was given');
    return { newModel };
  }
  try {
    const [baseline, baselineReport] = await timedLoad(ort, s.baselineModel, s, 'baseline model', 'baseline-model');
    opened.push(baseline);
    report.models.baseline = source ? { ...baselineReport, origin: source.origin } : baselineReport;
    return { newModel, baseline };
  } catch (e) {
    if (!isMissingFile(e)) throw e;
    recordMissingBaseline(report, s.missingBaseline, `baseline-model ${s.baselineModel} ${fileProblem((e as UserError).cause)}`);
    return { newModel };
  }
}

function recordMissingBaseline(report: EvaluationReport, policy: MissingBaselinePolicy, detail: string): void {
  report.baselineMissing = { policy, detail };
  const warning = missingBaselineWarning(report.baselineMissing);
  if (warning) report.warnings.push(warning);
}

/** Whether the gate or a threshold ranks: then the per-row scores are kept whatever they weigh. */
function ranksNeeded(s: EvaluationSettings): boolean {
  const ranks = new Set<string>(['roc-auc', 'average-precision']);
  return (s.metric !== undefined && ranks.has(s.metric)) || s.thresholds.some((t) => ranks.has(t.metric));
}

async function openData(s: EvaluationSettings, report: EvaluationReport): Promise<EvalSet> {
  const data = await openEvalSet(s.evalData, s.features, s.labels, { slices: s.slices, sliceNames: s.sliceNames || undefined });
  const { features, labels } = data;
  report.evalSet = {
    path: s.evalData,
    files: data.files.map((path) => ({ path })),
    rows: features.rows,
    features: { name: s.features, dtype: describeDType(features.dtype), shape: [...features.shape] },
    labels: { name: s.labels, dtype: describeDType(labels.dtype), shape: [...labels.shape] },
  };
  return data;
}

/**
 * The SHA-256 of the models and the eval set, started before the comparison: the file reads
 * (libuv's pool) overlap inference (onnxruntime-node runs on the JavaScript thread).
 */
function hashInputs(s: EvaluationSettings, data: EvalSet, withBaseline: boolean): Promise<Hashes> {
  const hashes = Promise.all([
    // a model's hash covers its external data files: new weights beside the same graph are a new model
    sha256Model(s.newModel).then((m) => m.sha256),
    withBaseline ? sha256Model(s.baselineModel).then((m) => m.sha256) : undefined,
    sha256EachAndAll(data.files),
  ]);
  // awaited only when the comparison succeeds; its own failure must not go unhandled meanwhile
  hashes.catch(() => {});
  return hashes;
}

function recordHashes(report: EvaluationReport, data: EvalSet, [newSha, baselineSha, dataShas]: Hashes): void {
  report.models.new!.sha256 = newSha;
  if (report.models.baseline) report.models.baseline.sha256 = baselineSha;
  report.evalSet!.files = data.files.map((path, i) => ({ path, sha256: dataShas.each[i] }));
  report.evalSet!.sha256 = dataShas.all;
}

function recordTiming(target: ModelReport, inferenceMs: number, rows: number): void {
  const rowsPerSecond = inferenceMs > 0 ? rows / (inferenceMs / 1000) : 0;
  target.timing = { loadMs: target.timing?.loadMs ?? 0, inferenceMs, rowsPerSecond };
}

function addEvaluation(target: ModelReport, e: ModelEvaluation, rows: number): void {
  target.outputKind = e.outputKind;
  recordTiming(target, e.inferenceMs, rows);
}

function recordComparison(report: EvaluationReport, c: Comparison): void {
  report.task = c.task;
  report.taskReason = c.taskReason;
  report.classes = c.classes;
  report.settings.batchSize = c.batchSize;
  addEvaluation(report.models.new!, c.new, c.rows);
  if (report.models.baseline && c.baseline) addEvaluation(report.models.baseline, c.baseline, c.rows);
}

/** A shard's task, classes and inference times (what its outputs held is known only once the shards are merged). */
function recordScoring(report: EvaluationReport, scored: ScoredRows, rows: number): void {
  report.task = scored.task;
  report.taskReason = scored.taskReason;
  report.classes = scored.classes;
  report.settings.batchSize = scored.batchSize;
  if (report.models.new) recordTiming(report.models.new, scored.inferenceMs[0], rows);
  if (report.models.baseline && scored.inferenceMs.length > 1) recordTiming(report.models.baseline, scored.inferenceMs[1], rows);
}

/** Each model's metric values (the report's models.*.metrics) and confusion matrix, from the comparisons. */
function recordModelMetrics(report: EvaluationReport, comparisons: MetricComparison[], c: Comparison): void {
  const record = (target: ModelReport, side: 'new' | 'baseline', matrixOf?: () => number[][]) => {
    target.metrics = {};
    target.unavailable = {};
    for (const m of comparisons) {
      const value = m[side];
      target.metrics[m.metric as MetricName] = value;
      if (value === null && m.unavailable) target.unavailable[m.metric] = m.unavailable;
    }
    if (matrixOf) target.confusion = matrixOf();
  };
  const stats = c.statistics;
  const confusion = (side: 'new' | 'baseline') =>
    stats.task === 'classification' ? () => matrix(stats.confusion.confusion(side), stats.classes) : undefined;
  record(report.models.new!, 'new', confusion('new'));
  if (report.models.baseline && c.baseline) record(report.models.baseline, 'baseline', confusion('baseline'));
}

function matrix(flat: Float64Array, k: number): number[][] {
  return Array.from({ length: k }, (_, t) => Array.from(flat.subarray(t * k, (t + 1) * k)));
}

/** McNemar's counts and both p-values from the paired table (the report's significance block and the p-value output). */
function mcnemar(table: PairedConfusion, classes: number, level: number | undefined): NonNullable<EvaluationReport['significance']> {
  const { newOnly: b, baselineOnly: c } = mcnemarCounts(table, classes);
  return {
    test: 'mcnemar-exact',
    newOnlyCorrect: b,
    baselineOnlyCorrect: c,
    pValue: mcnemarExact(b, c),
    pValueNewBetter: mcnemarExactNewBetter(b, c),
    level: level ?? null,
  };
}

/** The metrics compared, the decision under its rules, the thresholds and the guards: the report's verdict. */
function decide(report: EvaluationReport, s: EvaluationSettings, c: Comparison): void {
  const metric = gateMetric(s.metric, c.task);
  const inference: InferenceSettings = { level: 0.95, confidence: s.confidence, replicates: s.replicates, seed: s.seed };
  report.inference = inference;
  const all = compareStatistics(c.statistics, inference, { ranks: c.ranks, first: metric });
  report.comparisons = all.comparisons;
  report.perClass = all.perClass;
  recordModelMetrics(report, all.comparisons, c);
  if (c.statistics.task === 'classification' && c.statistics.paired) {
    report.significance = mcnemar(c.statistics.confusion, c.statistics.classes, s.significanceLevel);
  }
  decideOnEvidence(report, s, c, metric, inference);
}
