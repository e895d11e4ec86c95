import type { Tensor } from 'onnxruntime-node';

import type { TargetArray } from '../npy/dtype.js';
import type { NpyArray } from '../npy/array.js';
import type { Task } from '../metrics/definitions.js';
import { MAX_PAIRED_CLASSES } from '../metrics/paired-confusion.js';
import type { OnnxRuntime } from '../onnx/runtime.js';
import { formatShape, type LoadedModel } from '../onnx/session.js';
import { INPUT_ARRAYS, tensorValues } from '../onnx/tensor-types.js';
import { formatNumber } from '../util/format.js';
import { rowElementCount } from '../util/shape.js';
import { chooseBatchRows } from './batch-rows.js';
import type { EvalSet } from './eval-set.js';
import { inputError } from './input-error.js';
import { checkLabelsFit, surveyLabels } from './labels.js';
import { checkOutputsFit, chooseTask, classesScored, type TaskChoice } from './task.js';
import { RowValues, type ScoredBatch } from './row-values.js';
import type { SubsetStatistics } from './statistics.js';
import type { SliceStatistics } from './slice-statistics.js';
import type { RankData } from './rank-collector.js';
import { EvaluationAccumulators } from './accumulators.js';
import { BaselineRecorder, CachedBaseline, type BaselineCacheSettings, type BaselineCacheStatus } from './baseline-cache.js';

/** What a classifier's output holds, as the report says it. */
export type ScoreKind = 'probabilities' | 'logits' | 'labels';

/** What is known of one model's output after the pass (its metrics come from the statistics). */
export interface ModelEvaluation {
  /** What the scored output holds. */
  outputKind: ScoreKind | 'values';
  inferenceMs: number;
}

/** Rows [start, end) of the eval set. */
export interface RowRange {
  start: number;
  end: number;
}

/** What a pass over rows leaves: the task it found and the statistics, not yet finished (a shard writes them as they are). */
export interface ScoredRows {
  task: Task;
  taskReason: string;
  /** The eval set's rows, and the ones this pass scored. */
  rows: number;
  range: RowRange;
  classes?: number;
  batchSize: number;
  /** Each model's inference time (new model first). */
  inferenceMs: number[];
  accumulators: EvaluationAccumulators;
  /** baseline-cache: hit or miss (and why), when a cache was given and a baseline scored. */
  baselineCache?: BaselineCacheStatus;
}

export interface Comparison {
  task: Task;
  /** Why this task (chooseTask): "labels are all 0/1 and the model has one output column: binary classification". */
  taskReason: string;
  /** The rows scored. */
  rows: number;
  classes?: number;
  batchSize: number;
  new: ModelEvaluation;
  baseline?: ModelEvaluation;
  /** The sufficient statistics of every row: metrics, intervals and the decision are computed from them. */
  statistics: SubsetStatistics;
  /** Per slice column, the statistics of each code's rows. */
  slices: SliceStatistics[];
  /** Classification: the per-row scores of the rank metrics, or why they were not kept. */
  ranks?: RankData;
}

export interface CompareOptions {
  ort: OnnxRuntime;
  newModel: LoadedModel;
  baseline?: LoadedModel;
  data: EvalSet;
  task: Task | 'auto';
  batchSize: number;
  /** Progress lines: a batch-size lowered to fit memory. */
  log?: (message: string) => void;
  /** Called once the task and classes are known, before the full pass; may throw to stop early. */
  checkTask?: (task: Task, classes: number | undefined, choice: TaskChoice) => void;
  /** k of top-k-accuracy. */
  topK: number;
  /** Keep the per-row scores of roc-auc and average-precision whatever they weigh (the gate or a threshold needs them). */
  rankMetricsNeeded: boolean;
  /** Score only shard `index` of `count` (1-based): a contiguous range of whole batches (shardRange). */
  shard?: { index: number; count: number };
  /**
   * Read the baseline's per-row results from this cache entry when it holds them, else record them
   * there. A promise: its key needs the inputs' SHA-256, which is awaited only after the first batch.
   */
  baselineCache?: Promise<BaselineCacheSettings>;
}

/**
 * The rows of shard `index` (1-based) of `count`: contiguous, of whole batches of `batchRows` rows
 * (the batches are those of the unsharded pass, so that every row is scored in the same batch and
 * no shard boundary can change a digit), the batches shared out as evenly as they go: counts differ
 * by one batch at most, and a shard gets none when there are fewer batches than shards.
 */
export function shardRange(rows: number, batchRows: number, index: number, count: number): RowRange {
  const batches = Math.ceil(rows / batchRows);
  const first = Math.floor(((index - 1) * batches) / count);
  const last = Math.floor((index * batches) / count);
  return { start: Math.min(first * batchRows, rows), end: Math.min(last * batchRows, rows) };
}

const FLOAT_OUTPUTS = new Set<Tensor.Type>(['float32', 'float64', 'float16']);
const INTEGER_OUTPUTS = new Set<Tensor.Type>(['int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64']);

/** Which of the two batch buffers: one is scored while the other is read. */
type Slot = 0 | 1;

/** A model being scored: its batch as the statistics read it (values: what the scores say of each row), and how it is fed. */
interface Runner extends ScoredBatch {
  role: string;
  model: LoadedModel;
  /** The feature buffers (double-buffered) in this model's input type. */
  buffers: [TargetArray, TargetArray];
  inferenceMs: number;
}

/** The eval set cut into batches of `batchRows` rows, read into one of two slots. */
interface Batches {
  rows: number;
  /** The features' file, as messages name it. */
  featuresLabel: string;
  batchRows: number;
  /** The features' own row shape (every dimension but the first) and its element count. */
  rowShape: readonly number[];
  rowLength: number;
  /** The labels of the batch in each slot. */
  labels: [Float64Array, Float64Array];
  /** Each slice column's codes of the batch in each slot. */
  codes: [Int32Array, Int32Array][];
  /** Reads rows [start, start + batchRows) (fewer at the end) into `slot`; returns how many. */
  read(start: number, slot: Slot): Promise<number>;
}

interface BatchOutput {
  data: ArrayLike<number>;
  dims: readonly number[];
  isFloat: boolean;
}

/** The labels fit the features (one per row, one column) and there is a row to score. */
function checkEvalSet({ features, labels }: EvalSet): void {
  if (labels.rows !== features.rows) {
    throw inputError(
      'labels',
      `the labels in ${labels.label} have ${labels.rows} rows but the features in ${features.label} have ${features.rows}; each feature row needs one label.`,
      { file: labels.label },
    );
  }
  if (!(labels.shape.length === 1 || (labels.shape.length === 2 && labels.shape[1] === 1))) {
    throw inputError('labels', `the labels in ${labels.label} have shape ${formatShape(labels.shape)}; expected [rows] or [rows, 1].`, {
      file: labels.label,
      // a 0/1 matrix of one column per class is the usual other shape
      hint: labels.shape.length === 2 ? 'One class id per row: for one-hot labels, save labels.argmax(axis=1).' : undefined,
    });
  }
  if (features.rows === 0) throw inputError('eval-data', `the eval set ${features.label} has no rows.`, { file: features.label });
}

function checkFeatureShape(features: NpyArray, model: LoadedModel, role: string): void {
  const want = model.input.shape;
  const got = features.shape;
  const rowOk = want.length === got.length && want.slice(1).every((d, i) => typeof d !== 'number' || d < 0 || d === got[i + 1]);
  if (!rowOk) {
    throw inputError(
      'eval-data',
      `the features in ${features.label} have shape ${formatShape(got)}, which does not fit input '${model.input.name}' ` +
        `${formatShape(want)} of the ${role} ${model.path}: expected ${formatShape(['rows', ...want.slice(1)])}.`,
      { file: features.label },
    );
  }
  if (!INPUT_ARRAYS[model.input.type]) {
    throw inputError(
      model.pathInput,
      `Input '${model.input.name}' of the ${role} ${model.path} has element type ${model.input.type}; features can be fed as ` +
        `${Object.keys(INPUT_ARRAYS).join(', ')}.`,
      { file: model.path },
    );
  }
}

function createRunners(models: [string, LoadedModel][], batchRows: number, rowLength: number): Runner[] {
  const runners = models.map(([role, model]): Runner => {
    const Ctor = INPUT_ARRAYS[model.input.type]!;
    return {
      role,
      model,
      buffers: [new Ctor(batchRows * rowLength), new Ctor(batchRows * rowLength)],
      inferenceMs: 0,
      width: 0,
      outputIsLabels: false,
      scores: new Float64Array(0),
    };
  });
  // models with the same input type share the decoded batch
  for (let i = 1; i < runners.length; i++) {
    if (runners[i].model.input.type === runners[0].model.input.type) runners[i].buffers = runners[0].buffers;
  }
  return runners;
}

/**
 * Models with different input element types get the rows decoded once each; an .npz member can be
 * read only once, front to back, so that needs the features as an .npy file.
 */
function checkFeaturesReadOnce({ features }: EvalSet, runners: Runner[]): void {
  const types = [...new Set(runners.map((r) => r.model.input.type))];
  if (types.length < 2 || features.randomAccess) return;
  throw inputError(
    'eval-data',
    `the models take the features as ${types.join(' and ')}, and ${features.label}, a member of an .npz, can be read only once.`,
    { file: features.label, hint: 'Save eval-data as a directory of .npy files, or export both models with the same input type.' },
  );
}

function batchesOf({ features, labels, slices }: EvalSet, runners: Runner[], batchRows: number): Batches {
  const rows = features.rows;
  const rowLength = features.rowLength;
  const labelBuffers: [Float64Array, Float64Array] = [new Float64Array(batchRows), new Float64Array(batchRows)];
  const codes = slices.map((): [Int32Array, Int32Array] => [new Int32Array(batchRows), new Int32Array(batchRows)]);
  const read = async (start: number, slot: Slot): Promise<number> => {
    const n = Math.min(batchRows, rows - start);
    const decoded = new Set<TargetArray>();
    for (const r of runners) {
      const buffer = r.buffers[slot];
      if (decoded.has(buffer)) continue;
      await features.readRows(start, n, buffer, 0, r.model.input.type === 'bool');
      if (n < batchRows) buffer.fill((typeof buffer[0] === 'bigint' ? 0n : 0) as never, n * rowLength);
      decoded.add(buffer);
    }
    await labels.readRows(start, n, labelBuffers[slot]);
    for (let c = 0; c < slices.length; c++) await slices[c].readCodes(start, n, codes[c][slot]);
    return n;
  };
  return {
    rows,
    featuresLabel: features.label,
    batchRows,
    rowShape: features.shape.slice(1),
    rowLength,
    labels: labelBuffers,
    codes,
    read,
  };
}

/** Runs one batch; returns the output values (n rows) and the output's dims. */
async function runBatch(ort: OnnxRuntime, r: Runner, batches: Batches, slot: Slot, n: number, firstRow: number): Promise<BatchOutput> {
  const { model } = r;
  const { batchRows } = batches;
  // the features' own row shape: checked against the input's fixed dimensions, filling its symbolic ones
  const dims = [batchRows, ...batches.rowShape];
  const input = r.buffers[slot].subarray(0, batchRows * batches.rowLength);
  const tensor = new ort.Tensor(model.input.type as 'float32', input as Float32Array, dims);
  const t0 = performance.now();
  const out = await model.session.run({ [model.input.name]: tensor }, [model.output.name]);
  r.inferenceMs += performance.now() - t0;
  const value = out[model.output.name];
  if (!value) throw new Error(`onnxruntime returned no '${model.output.name}'`);
  if (value.dims[0] !== batchRows) {
    throw inputError(
      'output-name',
      `Output '${model.output.name}' of the ${r.role} ${model.path} has ${value.dims[0]} rows for a batch of ${batchRows}; ` +
        `the first output dimension must be the batch.`,
      { file: model.path },
    );
  }
  const isFloat = FLOAT_OUTPUTS.has(value.type);
  if (!isFloat && !INTEGER_OUTPUTS.has(value.type)) {
    throw inputError(
      'output-name',
      `Output '${model.output.name}' of the ${r.role} ${model.path} is ${value.type}; expected float scores or integer class ids.`,
      { file: model.path },
    );
  }
  const data = tensorValues(value);
  if (isFloat) {
    const width = rowElementCount(value.dims);
    const i = firstNonFinite(data, n * width);
    if (i >= 0) throw notFiniteOutput(r, data[i], firstRow + Math.floor(i / width), batches, slot, firstRow);
  }
  return { data, dims: value.dims, isFloat };
}

/** The index of the first NaN or infinite value among the first `count`, -1 for none. */
function firstNonFinite(data: ArrayLike<number>, count: number): number {
  for (let i = 0; i < count; i++) if (!Number.isFinite(data[i])) return i;
  return -1;
}

/**
 * A NaN or infinite score cannot be scored. NaN in, NaN out: when the features the model was fed
 * for that row (after the cast to its input type, where 1e300 becomes float32 Infinity) are not
 * finite, the eval set is at fault, not the model.
 */
function notFiniteOutput(r: Runner, value: number, row: number, batches: Batches, slot: Slot, firstRow: number) {
  const fed = r.buffers[slot];
  const { rowLength } = batches;
  const start = (row - firstRow) * rowLength;
  const features = fed instanceof Float32Array || fed instanceof Float64Array ? fed.subarray(start, start + rowLength) : [];
  const bad = firstNonFinite(features, features.length);
  if (bad >= 0) {
    return inputError(
      'eval-data',
      `the features of row ${row} in ${batches.featuresLabel} hold ${formatNumber(features[bad])} (element ${bad} of the row, as the ` +
        `${r.role}'s ${r.model.input.type} input), and the model outputs ${formatNumber(value)} for it; a row with NaN or Inf cannot be scored.`,
      { file: batches.featuresLabel, hint: 'Impute or drop the rows with missing or infinite values before saving the eval set.' },
    );
  }
  return inputError(
    r.model.pathInput,
    `The ${r.role} ${r.model.path} output '${r.model.output.name}' holds ${formatNumber(value)} for row ${row} of the eval set; ` +
      `a model that outputs NaN or Inf cannot be scored.`,
    { file: r.model.path, hint: 'Check the export (and the features of that row) in the training framework.' },
  );
}

/** Every model on the batch in `slot`, one after the other: each gets every core, and its own time is its own. */
async function runAll(
  ort: OnnxRuntime,
  runners: Runner[],
  batches: Batches,
  slot: Slot,
  n: number,
  start: number,
  skip?: Runner,
): Promise<(BatchOutput | undefined)[]> {
  const results: (BatchOutput | undefined)[] = [];
  for (const r of runners) results.push(r === skip ? undefined : await runBatch(ort, r, batches, slot, n, start));
  return results;
}

/** An output with an empty dimension ([batch, 0]) has nothing to score: no task fits it. */
/**
 * An integer output is read as one class id per row; several integers per row (a one-hot int
 * output, top-k ids) would be read from the wrong rows, so they are refused.
 */
function severalClassIds(r: Runner, dims: readonly number[]) {
  return inputError(
    'output-name',
    `Output '${r.model.output.name}' of the ${r.role} ${r.model.path} holds integers of shape ${formatShape(dims)}: ${r.width} per row, ` +
      'where an integer output is read as one class id per row.',
    {
      file: r.model.path,
      hint: 'Name the output of scores (logits or probabilities) with output-name, or export the argmax as [batch] ids.',
    },
  );
}

/** The paired count table indexes (label, new class, baseline class) in 32 bits: at most MAX_PAIRED_CLASSES classes. */
function tooManyClasses(classes: number, r: Runner) {
  return inputError(
    'labels',
    `The task has ${classes} classes (from the labels and output '${r.model.output.name}' of the ${r.role} ${r.model.path}); ` +
      `evaluate-baseline compares at most ${MAX_PAIRED_CLASSES} classes.`,
    { hint: 'Group rare classes, or evaluate a coarser label.' },
  );
}

function noValues(r: Runner, dims: readonly number[]) {
  return inputError(
    'output-name',
    `Output '${r.model.output.name}' of the ${r.role} ${r.model.path} has shape ${formatShape(dims)}: no value per row to score.`,
    { file: r.model.path },
  );
}

/**
 * The first batch: learns each output's layout, then decides the task and the classes from it and
 * from every label (read once, before any model runs on the whole set), and sets up each model's
 * accumulator. Returns the batch's outputs, to be scored first.
 */
async function probeFirstBatch(options: CompareOptions, runners: Runner[], batches: Batches, range: RowRange) {
  // an empty shard still learns the outputs' layout (and checks the task) on the set's first batch
  const at = range.end > range.start ? range.start : 0;
  const n = await batches.read(at, 0);
  const first = (await runAll(options.ort, runners, batches, 0, n, at)) as BatchOutput[];
  runners.forEach((r, i) => {
    r.width = rowElementCount(first[i].dims);
    if (r.width === 0) throw noValues(r, first[i].dims);
    r.outputIsLabels = !first[i].isFloat;
    if (r.outputIsLabels && r.width !== 1) throw severalClassIds(r, first[i].dims);
    r.scores = new Float64Array(batches.batchRows * r.width);
  });
  const scorer = runners.find((r) => !r.outputIsLabels);
  const limit = scorer && classesScored(scorer);
  const survey = await surveyLabels(await options.data.reopenLabels(), batches.batchRows, limit);
  const choice = chooseTask(options.task, runners[0], survey);
  checkOutputsFit(choice, runners);
  const classes = checkLabelsFit(survey, choice.task, { limit, scorer: scorer?.role ?? '', oneColumn: scorer?.width === 1 });
  options.checkTask?.(choice.task, classes, choice);
  if (classes !== undefined && classes > MAX_PAIRED_CLASSES) throw tooManyClasses(classes, runners[0]);
  if (choice.task === 'classification') {
    for (const r of runners) r.values = new RowValues(r.width, r.outputIsLabels, classes!, batches.batchRows, options.topK);
  }
  return { choice, classes, first, n };
}

/**
 * Calls `use` on every batch in order while the next one is read into the other slot, so that
 * reading (libuv's pool) overlaps scoring (the JavaScript thread). Batch 0 is in slot 0 already
 * (`firstRows` rows). Memory holds two batches, not the set.
 */
async function streamBatches(
  batches: Batches,
  range: RowRange,
  firstRows: number,
  use: (slot: Slot, start: number, n: number) => Promise<void>,
): Promise<void> {
  let slot: Slot = 0;
  let n = firstRows;
  for (let start = range.start; start < range.end; start += batches.batchRows) {
    const nextStart = start + batches.batchRows;
    const nextSlot: Slot = slot === 0 ? 1 : 0;
    const next = nextStart < range.end ? batches.read(nextStart, nextSlot) : undefined;
    // observed at once: a read that fails while `use` runs is reported here, not as an unhandled rejection
    next?.catch(() => {});
    try {
      await use(slot, start, n);
    } catch (e) {
      // let the read ahead finish (its own error is moot) before the caller closes the files
      await next?.catch(() => {});
      throw e;
    }
    if (next) n = await next;
    slot = nextSlot;
  }
}

/** Reads one model's outputs for a batch (rows start .. start + n) into its scores and per-row values. */
function scoreBatch(r: Runner, output: BatchOutput, y: Float64Array, n: number, classes: number | undefined, start: number): void {
  const raw = output.data;
  const count = n * r.width;
  for (let j = 0; j < count; j++) r.scores[j] = Number(raw[j]);
  if (!r.values) return;
  if (r.outputIsLabels) checkPredictedClasses(r, r.scores, n, classes!, start);
  r.values.compute(r.scores, y, n);
}

/**
 * Scores the new model (and the baseline, when given) on exactly the same rows of the eval set —
 * all of them, or one shard's — streaming features and labels in batches: memory holds two
 * batches, not the set. The statistics are left unfinished (finishComparison).
 */
export async function scoreModels(options: CompareOptions): Promise<ScoredRows> {
  const { ort, data } = options;
  checkEvalSet(data);
  const models: [string, LoadedModel][] = [['new model', options.newModel]];
  if (options.baseline) models.push(['baseline model', options.baseline]);
  for (const [role, m] of models) checkFeatureShape(data.features, m, role);
  const rows = data.features.rows;
  const { rows: batchRows, lowered } = chooseBatchRows(
    models.map(([, m]) => m),
    options.batchSize,
    rows,
    data.features.rowLength,
  );
  if (lowered) options.log?.(lowered);
  const range = options.shard ? shardRange(rows, batchRows, options.shard.index, options.shard.count) : { start: 0, end: rows };
  const runners = createRunners(models, batchRows, data.features.rowLength);
  checkFeaturesReadOnce(data, runners);
  const batches = batchesOf(data, runners, batchRows);

  const { choice, classes, first, n } = await probeFirstBatch(options, runners, batches, range);
  const { task } = choice;
  const acc = EvaluationAccumulators.create({
    task,
    classes,
    models: runners,
    slices: data.slices,
    batchRows,
    rows: { rows, scoredRows: range.end - range.start },
    rankMetricsNeeded: options.rankMetricsNeeded,
  });
  const cache = await openBaselineCache(options.baselineCache, runners[1], { task, classes, batchRows }, acc.keepsRankScores, range);
  try {
    await runPass({ ort, runners, batches, range, first, firstRows: n, classes, acc, cache });
  } finally {
    await cache?.close();
  }
  const inferenceMs = runners.map((r) => r.inferenceMs);
  return {
    task,
    taskReason: choice.reason,
    rows,
    range,
    classes,
    batchSize: batchRows,
    inferenceMs,
    accumulators: acc,
    baselineCache: cache?.status,
  };
}

/** The baseline's cache for this pass: read from (a hit) or recorded into (a miss). */
interface BaselineCacheUse {
  status: BaselineCacheStatus;
  cached?: CachedBaseline;
  recorder?: BaselineRecorder;
  close(): Promise<void>;
}

async function openBaselineCache(
  given: Promise<BaselineCacheSettings> | undefined,
  baseline: Runner | undefined,
  pass: { task: Task; classes: number | undefined; batchRows: number },
  keepScores: boolean,
  range: RowRange,
): Promise<BaselineCacheUse | undefined> {
  const { task } = pass;
  if (!given || !baseline) return undefined;
  let settings = await given;
  if (range.end === range.start)
    return { status: { status: 'unused', reason: 'no rows to score', dir: settings.dir }, close: async () => {} };
  // an entry holds the rows of one range (a shard's entry is its own) as this pass decoded and batched them
  settings = {
    ...settings,
    key: { ...settings.key, ...pass, start: range.start, end: range.end, classes: pass.classes ?? null, width: baseline.width },
  };
  const opened = await CachedBaseline.open(settings, task, baseline, keepScores);
  if ('cached' in opened) {
    const { cached } = opened;
    return { status: { status: 'hit', dir: settings.dir }, cached, close: () => cached.close() };
  }
  const recorder = await BaselineRecorder.create(settings, task, baseline, keepScores, range.end - range.start);
  // committed by the pass once every row is in; anything else leaves no entry
  return { status: { status: 'miss', reason: opened.miss, dir: settings.dir }, recorder, close: () => recorder.abort() };
}

interface Pass {
  ort: OnnxRuntime;
  runners: Runner[];
  batches: Batches;
  range: RowRange;
  /** The probe's outputs of the first batch, scored first. */
  first: (BatchOutput | undefined)[];
  firstRows: number;
  classes: number | undefined;
  acc: EvaluationAccumulators;
  cache?: BaselineCacheUse;
}

/** Scores every batch of the range into the accumulators; a cached baseline is read, not run, and a missed one recorded. */
async function runPass({ ort, runners, batches, range, first, firstRows, classes, acc, cache }: Pass): Promise<void> {
  const cachedRunner = cache?.cached ? runners[1] : undefined;
  let pending: (BatchOutput | undefined)[] | undefined = first;
  await streamBatches(batches, range, firstRows, async (slot, start, count) => {
    const outputs = pending ?? (await runAll(ort, runners, batches, slot, count, start, cachedRunner));
    pending = undefined;
    for (let i = 0; i < runners.length; i++) {
      if (runners[i] === cachedRunner) await cache!.cached!.fill(start - range.start, count);
      else scoreBatch(runners[i], outputs[i]!, batches.labels[slot], count, classes, start);
    }
    acc.add(
      batches.labels[slot],
      batches.codes.map((c) => c[slot]),
      runners,
      count,
    );
    await cache?.recorder?.append(count);
  });
  acc.settle(runners);
  await cache?.recorder?.commit(runners[1]);
}

/** The comparison of the scored rows: their statistics finished under the readings that held. */
export function finishComparison(scored: ScoredRows): Comparison {
  const { statistics, slices, ranks, outputKinds } = scored.accumulators.finish();
  const evaluation = (i: number): ModelEvaluation => ({ outputKind: outputKinds[i], inferenceMs: scored.inferenceMs[i] });
  return {
    task: scored.task,
    taskReason: scored.taskReason,
    rows: scored.range.end - scored.range.start,
    classes: scored.classes,
    batchSize: scored.batchSize,
    new: evaluation(0),
    baseline: scored.inferenceMs.length > 1 ? evaluation(1) : undefined,
    statistics,
    slices,
    ranks,
  };
}

/** Scores both models on every row and finishes the comparison. */
export async function compareModels(options: CompareOptions): Promise<Comparison> {
  return finishComparison(await scoreModels(options));
}

function checkPredictedClasses(r: Runner, predicted: Float64Array, n: number, classes: number, start: number): void {
  for (let i = 0; i < n; i++) {
    const p = predicted[i];
    if (!Number.isInteger(p) || p < 0 || p >= classes) {
      throw inputError(
        r.model.pathInput,
        `The ${r.role} ${r.model.path} predicts class ${p} for row ${start + i}, outside the classes 0..${classes - 1} found in the labels.`,
        { file: r.model.path },
      );
    }
  }
}
