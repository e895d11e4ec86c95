import type { InferenceSession, Tensor } from 'onnxruntime-node';

import { UserError, messageOf } from '../errors.js';
import type { ModelInfo } from '../onnx/model-file.js';
import type { OnnxRuntime } from '../onnx/runtime.js';
import { createSession, formatShape } from '../onnx/session.js';
import { newInputArray, tensorValues } from '../onnx/tensor-types.js';
import { formatNumber } from '../util/format.js';
import { rowElementCount } from '../util/shape.js';
import { fail, pass, skip, skipAfter, verdict, type Check } from './check.js';
import { modelInputs, referenceOutputs, type Feeds, type ModelInputs } from './model-inputs.js';
import { countNonFinite } from './static-checks.js';
import { compareArrays, formatElement, toleranceFor, type Difference, type ToleranceSettings } from './tolerance.js';

export interface RuntimeCheckOptions {
  ort: OnnxRuntime;
  info: ModelInfo;
  threads?: number;
  referenceInputs?: string;
  referenceOutputs?: string;
  tolerance: ToleranceSettings;
  dynamicBatch: boolean;
  seed: number;
}

export interface OutputComparison extends Difference {
  name: string;
  shape: number[];
  atol: number;
  rtol: number;
  passed: boolean;
}

export interface RuntimeCheckResult {
  checks: Check[];
  comparisons: OutputComparison[];
  inputs: { source: 'reference' | 'random'; shapes: Record<string, number[]> };
}

type Outputs = Record<string, { data: ArrayLike<number>; dims: number[] }>;
/** The loaded model, run on `feeds`. */
type RunModel = (feeds: Feeds) => Promise<Outputs>;

async function runSession(session: InferenceSession, ort: OnnxRuntime, feeds: Feeds): Promise<Outputs> {
  const tensors: Record<string, Tensor> = {};
  for (const [name, f] of Object.entries(feeds)) tensors[name] = new ort.Tensor(f.type as 'float32', f.data as Float32Array, f.dims);
  const out = await session.run(tensors);
  const result: Outputs = {};
  for (const [name, t] of Object.entries(out)) result[name] = { data: tensorValues(t), dims: [...t.dims] };
  return result;
}

/**
 * Loads the model in onnxruntime and runs it: on reference inputs (or seeded random ones),
 * checking outputs are finite, match the references within tolerance, do not depend on the other
 * rows of the batch, and are the same on a second run.
 */
export async function runtimeChecks(options: RuntimeCheckOptions): Promise<RuntimeCheckResult> {
  let session: InferenceSession;
  try {
    session = await createSession(options.ort, options.info.path, options.threads);
  } catch (e) {
    const checks = [fail('loads', messageOf(e).trim()), ...skipAfter('loads', 'the model does not load')];
    return { checks, comparisons: [], inputs: { source: 'random', shapes: {} } };
  }
  try {
    return await checkLoaded(session, options);
  } finally {
    await session.release();
  }
}

async function checkLoaded(session: InferenceSession, options: RuntimeCheckOptions): Promise<RuntimeCheckResult> {
  const checks = [
    pass('loads', `session created with inputs ${session.inputNames.join(', ')} and outputs ${session.outputNames.join(', ')}`),
  ];
  const inputs = await modelInputs(options.info, options.referenceInputs, options.seed);
  const shapes = Object.fromEntries(Object.entries(inputs.feeds).map(([k, f]) => [k, f.dims]));
  const result: RuntimeCheckResult = { checks, comparisons: [], inputs: { source: inputs.source, shapes } };
  const runModel: RunModel = (feeds) => runSession(session, options.ort, feeds);
  let outputs: Outputs;
  try {
    outputs = await runModel(inputs.feeds);
  } catch (e) {
    checks.push(
      fail('runs', `onnxruntime failed on the ${inputs.label}: ${messageOf(e).trim()}`),
      ...skipAfter('runs', 'the model does not run'),
    );
    return result;
  }
  checks.push(
    pass(
      'runs',
      `on ${inputs.label} ${Object.entries(shapes)
        .map(([k, d]) => `${k} ${formatShape(d)}`)
        .join(', ')}`,
    ),
  );
  checks.push(checkOutputsFinite(outputs, inputs));
  const reference = await checkMatchesReference(options, inputs, outputs);
  result.comparisons = reference.comparisons;
  checks.push(reference.check);
  checks.push(await checkBatchConsistency(options, runModel, inputs.feeds, outputs));
  checks.push(await checkDeterministic(runModel, inputs.feeds, outputs));
  return result;
}

function checkOutputsFinite(outputs: Outputs, inputs: ModelInputs): Check {
  const problems = Object.entries(outputs)
    .map(([name, o]) => ({ name, bad: countNonFinite(o.data).bad, n: o.data.length }))
    .filter((x) => x.bad > 0)
    .map((x) => `'${x.name}' has ${x.bad} NaN/Inf of ${x.n} values`);
  // NaN in, NaN out: say where it came from (a model may take NaN as a missing value, so it is not refused)
  if (problems.length && inputs.nan) problems.push(`NaN in the ${inputs.label} gives NaN out: ${inputs.nan}`);
  return verdict('outputs-finite', problems, () => 'no NaN or Inf in any output');
}

function describeComparison(c: OutputComparison, settings: ToleranceSettings): string {
  const worst =
    c.worst && c.mismatches
      ? `, worst at [${c.worst.index.join(', ')}]: ${formatElement(c.worst.actual)} vs reference ${formatElement(c.worst.expected)}`
      : '';
  const outside = `${c.mismatches}/${c.elements} outside atol ${formatNumber(c.atol)} rtol ${formatNumber(c.rtol)} (${settings.mode})`;
  return `'${c.name}': ${outside}, max abs ${formatNumber(c.maxAbsError)}, max rel ${formatNumber(c.maxRelError)}${worst}`;
}

/** Each output given in reference-outputs against the model's, within its tolerance. */
async function checkMatchesReference(
  options: RuntimeCheckOptions,
  inputs: ModelInputs,
  outputs: Outputs,
): Promise<{ check: Check; comparisons: OutputComparison[] }> {
  if (!options.referenceOutputs) return { check: skip('matches-reference', 'no reference-outputs given'), comparisons: [] };
  const settings = options.tolerance;
  // references of random inputs cannot match: say what the model ran on, so that nobody hunts for a drift
  const ranOn = inputs.source === 'random' ? `; the model ran on ${inputs.label}, as no reference-inputs were given` : '';
  const comparisons: OutputComparison[] = [];
  for (const [name, ref] of Object.entries(await referenceOutputs(options.referenceOutputs, options.info))) {
    const got = outputs[name];
    if (got.dims.join(',') !== ref.dims.join(',')) {
      throw new UserError(
        `reference-outputs: '${name}' has shape ${formatShape(ref.dims)}, but the model computes ${formatShape(got.dims)} from the ${inputs.label}.`,
        {
          input: 'reference-outputs',
          file: options.referenceOutputs,
          hint: inputs.source === 'random' ? 'Give reference-inputs: the inputs the reference outputs were computed from.' : undefined,
        },
      );
    }
    const tolerance = toleranceFor(settings, name);
    const d = compareArrays(got.data, ref.data as Float64Array, got.dims, tolerance);
    comparisons.push({
      name,
      shape: got.dims,
      atol: tolerance.atol,
      rtol: tolerance.rtol,
      ...d,
      passed: d.mismatchRatio <= settings.maxMismatchRatio,
    });
  }
  const failed = comparisons.filter((c) => !c.passed);
  const check = failed.length
    ? fail(
        'matches-reference',
        `${failed.map((c) => describeComparison(c, settings)).join('; ')} (max-mismatch-ratio ${formatNumber(settings.maxMismatchRatio)})${ranOn}`,
      )
    : pass('matches-reference', comparisons.map((c) => describeComparison(c, settings)).join('; '));
  return { check, comparisons };
}

/** Row `row` of every feed, as a batch of 1. */
function sliceRow(feeds: Feeds, row: number): Feeds {
  const one: Feeds = {};
  for (const [name, f] of Object.entries(feeds)) {
    const rowLength = rowElementCount(f.dims);
    one[name] = { ...f, data: f.data.subarray(row * rowLength, (row + 1) * rowLength), dims: [1, ...f.dims.slice(1)] };
  }
  return one;
}

/** The feeds repeated `times` times along the batch. */
function tile(feeds: Feeds, times: number): Feeds {
  const tiled: Feeds = {};
  for (const [name, f] of Object.entries(feeds)) {
    const data = newInputArray(f.type, f.data.length * times)!;
    for (let i = 0; i < times; i++) (data as Float32Array).set(f.data as Float32Array, i * f.data.length);
    tiled[name] = { type: f.type, data, dims: [f.dims[0] * times, ...f.dims.slice(1)] };
  }
  return tiled;
}

const batchOf = (feeds: Feeds) => Object.values(feeds)[0]?.dims[0] ?? 0;

/** Rows of the batch run alone whose outputs differ from the batch's (up to 5). */
async function rowsDifferingAlone(
  runModel: RunModel,
  feeds: Feeds,
  outputs: Outputs,
  settings: ToleranceSettings,
): Promise<{ rows: number; problems: string[] }> {
  const rows = Math.min(batchOf(feeds), 16);
  const problems: string[] = [];
  for (let r = 0; r < rows && problems.length < 5; r++) {
    for (const [name, o] of Object.entries(await runModel(sliceRow(feeds, r)))) {
      const rowLength = o.data.length;
      const expected = Array.prototype.slice.call(outputs[name].data, r * rowLength, (r + 1) * rowLength) as number[];
      // the model against itself: a NaN the batch has too is the same value
      const d = compareArrays(o.data, expected, o.dims, { ...toleranceFor(settings, name), equalNan: true });
      if (d.mismatches) problems.push(`row ${r} of '${name}' alone differs from the batch by up to ${formatNumber(d.maxAbsError)}`);
    }
  }
  return { rows, problems };
}

/** A row's outputs do not depend on the other rows of its batch (a batch of 1 = a batch of N). */
async function checkBatchConsistency(options: RuntimeCheckOptions, runModel: RunModel, feeds: Feeds, outputs: Outputs): Promise<Check> {
  if (!options.dynamicBatch) return skip('batch-consistency', 'dynamic-batch is false');
  const fixed = options.info.inputs.find((i) => !i.shape || typeof i.shape[0] === 'number');
  if (fixed) return skip('batch-consistency', `input '${fixed.name}' has no symbolic batch dimension (see the batch-dimension check)`);
  // a batch of 1 (or none) says nothing: run three copies of it
  const batchFeeds = batchOf(feeds) >= 2 ? feeds : tile(feeds, 3);
  const batchOutputs = batchFeeds === feeds ? outputs : await runModel(batchFeeds);
  const { rows, problems } = await rowsDifferingAlone(runModel, batchFeeds, batchOutputs, options.tolerance);
  return verdict('batch-consistency', problems, () => `${rows} rows run alone match the batch of ${batchOf(batchFeeds)} within tolerance`);
}

/** The same inputs twice give bit-identical outputs. */
async function checkDeterministic(runModel: RunModel, feeds: Feeds, outputs: Outputs): Promise<Check> {
  const again = await runModel(feeds);
  const problems = Object.entries(outputs)
    .map(([name, o]) => ({ name, d: compareArrays(again[name].data, o.data, o.dims, { atol: 0, rtol: 0, mode: 'numpy', equalNan: true }) }))
    .filter((x) => x.d.mismatches > 0)
    .map(
      (x) => `'${x.name}' differs between two runs in ${x.d.mismatches}/${x.d.elements} values (up to ${formatNumber(x.d.maxAbsError)})`,
    );
  return verdict('deterministic', problems, () => 'two runs on the same inputs gave identical outputs');
}
