import type { Tensor } from 'onnxruntime-node';

import { UserError } from '../errors.js';
import type { TargetArray } from '../npy/dtype.js';
import { describeDType } from '../npy/dtype.js';
import type { NpyArray } from '../npy/array.js';
import { ClassificationAccumulator, type PerClass, type ScoreKind } from '../metrics/classification.js';
import type { MetricValues, Task } from '../metrics/definitions.js';
import { RegressionAccumulator } from '../metrics/regression.js';
import { mcnemarExact } from '../metrics/significance.js';
import type { OnnxRuntime } from '../onnx/runtime.js';
import { formatShape, type LoadedModel } from '../onnx/session.js';
import { INPUT_ARRAYS, tensorValues } from '../onnx/tensor-types.js';
import type { EvalSet } from './eval-set.js';

export interface ModelEvaluation {
  /** What the scored output holds. */
  outputKind: ScoreKind | 'values';
  outputShape: (number | string)[];
  metrics: MetricValues;
  unavailable: Record<string, string>;
  perClass?: PerClass;
  confusion?: number[][];
  inferenceMs: number;
}

export interface Comparison {
  task: Task;
  rows: number;
  classes?: number;
  batchSize: number;
  new: ModelEvaluation;
  baseline?: ModelEvaluation;
  /** Classification with a baseline: rows only one model gets right, and McNemar's exact p-value. */
  paired?: { newOnlyCorrect: number; baselineOnlyCorrect: number; pValue: number };
}

export interface CompareOptions {
  ort: OnnxRuntime;
  newModel: LoadedModel;
  baseline?: LoadedModel;
  data: EvalSet;
  task: Task | 'auto';
  batchSize: number;
  /** Called once the task and classes are known, before the full pass; may throw to stop early. */
  checkTask?: (task: Task, classes: number | undefined) => void;
}

const FLOAT_OUTPUTS = new Set<Tensor.Type>(['float32', 'float64', 'float16']);
const INTEGER_OUTPUTS = new Set<Tensor.Type>(['int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64']);

interface Runner {
  role: string;
  model: LoadedModel;
  /** The feature buffers (double-buffered) in this model's input type. */
  buffers: [TargetArray, TargetArray];
  inferenceMs: number;
  width: number;
  outputIsLabels: boolean;
  outputShape: (number | string)[];
  scores: Float64Array;
  predicted: Int32Array;
  /** One-column scores: the predictions under the logit reading (see ClassificationAccumulator.add). */
  predictedIfLogits: Int32Array;
  classification?: ClassificationAccumulator;
  regression?: RegressionAccumulator;
}

function rowLength(rowShape: readonly number[]): number {
  return rowShape.reduce((a, b) => a * b, 1);
}

function fixedBatch(model: LoadedModel): number | undefined {
  const d = model.input.shape[0];
  return typeof d === 'number' && d > 0 ? d : undefined;
}

function checkFeatureShape(features: NpyArray, model: LoadedModel, role: string): void {
  const want = model.input.shape;
  const got = features.shape;
  const rowOk =
    want.length === got.length &&
    want.slice(1).every((d, i) => typeof d !== 'number' || d < 0 || d === got[i + 1]);
  if (!rowOk) {
    throw new UserError(
      `Features ${features.label} have shape ${formatShape(got)}, which does not fit input '${model.input.name}' ` +
        `${formatShape(want)} of the ${role} ${model.path}: expected ${formatShape(['rows', ...want.slice(1)])}.`,
      { file: features.label, input: 'eval-data' },
    );
  }
  if (!INPUT_ARRAYS[model.input.type]) {
    throw new UserError(
      `Input '${model.input.name}' of the ${role} ${model.path} has element type ${model.input.type}; features can be fed as ` +
        `${Object.keys(INPUT_ARRAYS).join(', ')}.`,
      { file: model.path },
    );
  }
}

/** Runs one batch; returns the output values (n rows) and the output's dims. */
async function runBatch(
  ort: OnnxRuntime,
  r: Runner,
  buffer: TargetArray,
  batchRows: number,
  rowShape: readonly number[],
  n: number,
  firstRow: number,
): Promise<{ data: ArrayLike<number>; dims: readonly number[]; isFloat: boolean }> {
  const { model } = r;
  // the features' own row shape: checked against the input's fixed dimensions, filling its symbolic ones
  const dims = [batchRows, ...rowShape];
  const tensor = new ort.Tensor(model.input.type as 'float32', buffer.subarray(0, batchRows * rowLength(rowShape)) as Float32Array, dims);
  const t0 = performance.now();
  const out = await model.session.run({ [model.input.name]: tensor }, [model.output.name]);
  r.inferenceMs += performance.now() - t0;
  const value = out[model.output.name];
  if (!value) throw new Error(`onnxruntime returned no '${model.output.name}'`);
  if (value.dims[0] !== batchRows) {
    throw new UserError(
      `Output '${model.output.name}' of the ${r.role} ${model.path} has ${value.dims[0]} rows for a batch of ${batchRows}; ` +
        `the first output dimension must be the batch.`,
      { file: model.path, input: 'output-name' },
    );
  }
  const isFloat = FLOAT_OUTPUTS.has(value.type);
  const data = tensorValues(value);
  if (isFloat) {
    const width = value.dims.slice(1).reduce((a, b) => a * b, 1);
    for (let i = 0; i < n * width; i++) {
      if (!Number.isFinite(data[i])) {
        const row = firstRow + Math.floor(i / width);
        throw new UserError(
          `The ${r.role} ${model.path} output '${model.output.name}' holds ${data[i]} for row ${row} of the eval set; ` +
            `a model that outputs NaN or Inf cannot be scored.`,
          { file: model.path, hint: 'Check the export (and the features of that row) in the training framework.' },
        );
      }
    }
  } else if (!INTEGER_OUTPUTS.has(value.type)) {
    throw new UserError(
      `Output '${model.output.name}' of the ${r.role} ${model.path} is ${value.type}; expected float scores or integer class ids.`,
      { file: model.path, input: 'output-name' },
    );
  }
  return { data, dims: value.dims, isFloat };
}

/**
 * Scores the new model (and the baseline, when given) on exactly the same rows of the eval set,
 * streaming features and labels in batches: memory holds two batches, not the set.
 */
export async function compareModels(options: CompareOptions): Promise<Comparison> {
  const { ort, data } = options;
  const { features, labels } = data;
  if (labels.rows !== features.rows) {
    throw new UserError(
      `Labels ${labels.label} have ${labels.rows} rows but features ${features.label} have ${features.rows}; each feature row needs one label.`,
      { file: labels.label, input: 'labels' },
    );
  }
  if (!(labels.shape.length === 1 || (labels.shape.length === 2 && labels.shape[1] === 1))) {
    throw new UserError(`Labels ${labels.label} have shape ${formatShape(labels.shape)}; expected [rows] or [rows, 1].`, {
      file: labels.label,
      input: 'labels',
    });
  }
  if (features.rows === 0) throw new UserError(`The eval set ${features.label} has no rows.`, { file: features.label, input: 'eval-data' });

  const models: [string, LoadedModel][] = [['new model', options.newModel]];
  if (options.baseline) models.push(['baseline model', options.baseline]);
  for (const [role, m] of models) checkFeatureShape(features, m, role);

  // A model exported with a fixed batch size runs in batches of that size (the last one padded).
  const fixed = [...new Set(models.map(([, m]) => fixedBatch(m)).filter((b): b is number => b !== undefined))];
  if (fixed.length > 1) {
    throw new UserError(`The models were exported with different fixed batch sizes (${fixed.join(' and ')}); export them with a dynamic batch axis.`, {
      file: options.newModel.path,
    });
  }
  const batchRows = fixed[0] ?? Math.min(options.batchSize, features.rows);
  const rowLength = features.rowLength;
  const rows = features.rows;

  const runners: Runner[] = models.map(([role, model]) => {
    const Ctor = INPUT_ARRAYS[model.input.type]!;
    return {
      role,
      model,
      buffers: [new Ctor(batchRows * rowLength), new Ctor(batchRows * rowLength)],
      inferenceMs: 0,
      width: 0,
      outputIsLabels: false,
      outputShape: [],
      scores: new Float64Array(0),
      predicted: new Int32Array(batchRows),
      predictedIfLogits: new Int32Array(batchRows),
    };
  });
  // models with the same input type share the decoded batch
  for (let i = 1; i < runners.length; i++) {
    if (runners[i].model.input.type === runners[0].model.input.type) runners[i].buffers = runners[0].buffers;
  }
  const labelBuffers: [Float64Array, Float64Array] = [new Float64Array(batchRows), new Float64Array(batchRows)];

  const readBatch = async (start: number, slot: 0 | 1): Promise<number> => {
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
    return n;
  };

  // First batch: learn each output's layout, decide the task and the classes, check the labels.
  let n = await readBatch(0, 0);
  // models run one after the other: each gets every core, and its own time is its own
  const runAll = async (slot: 0 | 1, count: number, start: number) => {
    const results = [];
    for (const r of runners) results.push(await runBatch(ort, r, r.buffers[slot], batchRows, features.shape.slice(1), count, start));
    return results;
  };
  const first = await runAll(0, n, 0);
  runners.forEach((r, i) => {
    const { dims } = first[i];
    r.width = dims.slice(1).reduce((a, b) => a * b, 1);
    r.outputIsLabels = !first[i].isFloat;
    r.outputShape = r.model.output.shape;
    r.scores = new Float64Array(batchRows * r.width);
  });
  const task = decideTask(options.task, runners[0], labels);
  for (const r of runners) {
    if (task === 'regression' && (r.width !== 1 || r.outputIsLabels)) {
      throw new UserError(
        `Regression needs one number per row, but output '${r.model.output.name}' of the ${r.role} ${r.model.path} gives ` +
          `${r.outputIsLabels ? 'integer class ids' : `${r.width} values per row`}.`,
        { file: r.model.path, input: 'task' },
      );
    }
  }
  const classes = await checkLabels(await data.reopenLabels(), task, runners, batchRows);
  options.checkTask?.(task, classes);
  for (const r of runners) {
    if (task === 'classification') r.classification = new ClassificationAccumulator(r.width, r.outputIsLabels, classes!);
    else r.regression = new RegressionAccumulator();
  }

  // McNemar's counts under each reading (0: probabilities, 1: logits) of each model's scores;
  // the readings are known after the last row (they differ only for one-column scores)
  const newOnly = [
    [0, 0],
    [0, 0],
  ];
  const baselineOnly = [
    [0, 0],
    [0, 0],
  ];
  const readings = (r: Runner) => (r.width === 1 && !r.outputIsLabels ? [0, 1] : [0]);
  const predictions = (r: Runner, reading: number) => (reading === 1 ? r.predictedIfLogits : r.predicted);
  let slot: 0 | 1 = 0;
  let pending: Awaited<ReturnType<typeof runAll>> | undefined = first;
  for (let start = 0; start < rows; start += batchRows) {
    // prefetch the next batch while this one runs
    const nextStart = start + batchRows;
    const nextSlot: 0 | 1 = slot === 0 ? 1 : 0;
    const prefetch = nextStart < rows ? readBatch(nextStart, nextSlot) : undefined;
    try {
      const outputs = pending ?? (await runAll(slot, n, start));
      pending = undefined;
      const y = labelBuffers[slot];
      runners.forEach((r, i) => {
        const raw = outputs[i].data;
        const count = n * r.width;
        for (let j = 0; j < count; j++) r.scores[j] = Number(raw[j]);
        if (r.classification) {
          if (r.outputIsLabels) checkPredictedClasses(r, r.scores, n, classes!, start);
          r.classification.add(r.scores, y, n, r.predicted, r.predictedIfLogits);
        } else r.regression!.add(r.scores, y, n);
      });
      if (task === 'classification' && runners.length === 2) {
        const [a, b] = runners;
        for (const ra of readings(a)) {
          const pa = predictions(a, ra);
          for (const rb of readings(b)) {
            const pb = predictions(b, rb);
            for (let i = 0; i < n; i++) {
              const newRight = pa[i] === y[i];
              const baseRight = pb[i] === y[i];
              if (newRight && !baseRight) newOnly[ra][rb]++;
              else if (baseRight && !newRight) baselineOnly[ra][rb]++;
            }
          }
        }
      }
    } catch (e) {
      // let the read ahead finish (its own error is moot) before the caller closes the files
      await prefetch?.catch(() => {});
      throw e;
    }
    if (prefetch) n = await prefetch;
    slot = nextSlot;
  }

  const evaluations = runners.map((r): ModelEvaluation => {
    if (r.classification) {
      const res = r.classification.result();
      return {
        outputKind: res.scoreKind,
        outputShape: r.outputShape,
        metrics: res.metrics,
        unavailable: res.unavailable,
        perClass: res.perClass,
        confusion: res.confusion,
        inferenceMs: r.inferenceMs,
      };
    }
    const res = r.regression!.result();
    return { outputKind: 'values', outputShape: r.outputShape, metrics: res.metrics, unavailable: res.unavailable, inferenceMs: r.inferenceMs };
  });
  return {
    task,
    rows,
    classes,
    batchSize: batchRows,
    new: evaluations[0],
    baseline: evaluations[1],
    paired: task === 'classification' && runners.length === 2 ? pairedCounts(runners, newOnly, baselineOnly) : undefined,
  };
}

function pairedCounts(runners: Runner[], newOnly: number[][], baselineOnly: number[][]): Comparison['paired'] {
  const [ra, rb] = runners.map((r) => (r.width === 1 && !r.outputIsLabels && !r.classification!.readsAsProbabilities() ? 1 : 0));
  const b = newOnly[ra][rb];
  const c = baselineOnly[ra][rb];
  return { newOnlyCorrect: b, baselineOnlyCorrect: c, pValue: mcnemarExact(b, c) };
}

function decideTask(requested: Task | 'auto', r: Runner, labels: NpyArray): Task {
  if (requested !== 'auto') return requested;
  if (r.outputIsLabels || r.width > 1) return 'classification';
  // one float per row: integer or bool labels make it a binary classifier's score, float labels a regression
  return labels.dtype.kind === 'f' ? 'regression' : 'classification';
}

/**
 * Reads every label once (in batches), before any model runs on the whole set: a regression
 * target must be a finite number, a class label a class id the models score. Returns the number
 * of classes (classification).
 */
async function checkLabels(labels: NpyArray, task: Task, runners: Runner[], batchRows: number): Promise<number | undefined> {
  const scored = runners.filter((r) => !r.outputIsLabels);
  const widths = [...new Set(scored.map((r) => (r.width === 1 ? 2 : r.width)))];
  if (task === 'classification' && widths.length > 1) {
    await labels.close();
    throw new UserError(
      `The models score different numbers of classes (${scored.map((r) => `${r.role}: ${r.width === 1 ? 2 : r.width}`).join(', ')}); ` +
        `they must be compared on the same classes.`,
      { file: scored[1].model.path },
    );
  }
  const buffer = new Float64Array(batchRows);
  let maxLabel = 0;
  const limit = widths[0];
  const bad = (y: number, row: number, expected: string, hint?: string) =>
    new UserError(`Labels ${labels.label} hold ${y} at row ${row}; expected ${expected}.`, { file: labels.label, input: 'labels', hint });
  try {
    for (let start = 0; start < labels.rows; start += batchRows) {
      const n = Math.min(batchRows, labels.rows - start);
      await labels.readRows(start, n, buffer);
      for (let i = 0; i < n; i++) {
        const y = buffer[i];
        if (task === 'regression') {
          if (!Number.isFinite(y)) throw bad(y, start + i, 'a finite number (a regression target)');
          continue;
        }
        if (!Number.isInteger(y) || y < 0 || (limit !== undefined && y >= limit)) {
          const expected = limit !== undefined ? `a class id from 0 to ${limit - 1} (the ${scored[0].role} scores ${limit} classes)` : 'a class id >= 0';
          throw bad(y, start + i, expected, labels.dtype.kind === 'f' ? `They are ${describeDType(labels.dtype)}; for a regression set task: regression.` : undefined);
        }
        if (y > maxLabel) maxLabel = y;
      }
    }
  } finally {
    await labels.close();
  }
  return task === 'classification' ? Math.max(limit ?? maxLabel + 1, 2) : undefined;
}

function checkPredictedClasses(r: Runner, predicted: Float64Array, n: number, classes: number, start: number): void {
  for (let i = 0; i < n; i++) {
    const p = predicted[i];
    if (!Number.isInteger(p) || p < 0 || p >= classes) {
      throw new UserError(
        `The ${r.role} ${r.model.path} predicts class ${p} for row ${start + i}, outside the classes 0..${classes - 1} found in the labels.`,
        { file: r.model.path },
      );
    }
  }
}
