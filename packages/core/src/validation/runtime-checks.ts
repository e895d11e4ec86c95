import type { InferenceSession, Tensor } from 'onnxruntime-node';

import { UserError, messageOf } from '../errors.js';
import { NpzArchive, openNpy, type NpyArray } from '../npy/array.js';
import type { TargetArray } from '../npy/dtype.js';
import type { ModelInfo, ValueInfo } from '../onnx/model-file.js';
import type { OnnxRuntime } from '../onnx/runtime.js';
import { createSession } from '../onnx/session.js';
import { newInputArray, tensorValues } from '../onnx/tensor-types.js';
import { fail, pass, skip, type Check } from './check.js';
import { formatEntry } from './signature.js';
import { compareArrays, type Difference, type ToleranceMode } from './tolerance.js';

export interface ToleranceSettings {
  atol: number;
  rtol: number;
  perOutputAtol: Record<string, number>;
  perOutputRtol: Record<string, number>;
  mode: ToleranceMode;
  maxMismatchRatio: number;
}

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

interface Feed {
  type: string;
  data: TargetArray;
  dims: number[];
}
type Feeds = Record<string, Feed>;
type Outputs = Record<string, { data: ArrayLike<number>; dims: number[] }>;

/** Seeded uniform [0, 1) (mulberry32): the same random inputs on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Inputs of the declared shapes: a symbolic batch of 4, other unknown dimensions 8, standard normal values. */
function randomFeeds(inputs: ValueInfo[], seed: number): Feeds {
  const next = rng(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  const feeds: Feeds = {};
  for (const input of inputs) {
    const dims = (input.shape ?? []).map((d, a) => (typeof d === 'number' ? d : a === 0 ? 4 : 8));
    const n = dims.reduce((x, y) => x * y, 1);
    const data = newInputArray(input.type, n);
    if (!data) throw new UserError(`Input '${input.name}' has element type ${input.type}, which cannot be filled with random values; give reference-inputs.`, { input: 'reference-inputs' });
    for (let i = 0; i < n; i++) {
      if (data instanceof BigInt64Array || data instanceof BigUint64Array) data[i] = BigInt(Math.floor(next() * 10));
      else if (data instanceof Float32Array || data instanceof Float64Array) data[i] = normal();
      else data[i] = input.type === 'bool' ? (next() < 0.5 ? 0 : 1) : Math.floor(next() * 10);
    }
    feeds[input.name] = { type: input.type, data, dims };
  }
  return feeds;
}

async function readWhole(array: NpyArray, type: string, input: string): Promise<Feed> {
  const data = newInputArray(type, array.rows * array.rowLength);
  if (!data) throw new UserError(`${array.label} would feed an input of element type ${type}, which is not supported.`, { input, file: array.label });
  await array.readRows(0, array.rows, data, 0, type === 'bool');
  return { type, data, dims: [...array.shape] };
}

/** Arrays of an .npz by name, or a bare .npy for `onlyName`. */
async function readArrays(path: string, input: 'reference-inputs' | 'reference-outputs', names: string[], types: Record<string, string>): Promise<Record<string, Feed>> {
  const result: Record<string, Feed> = {};
  if (/\.npz$/i.test(path)) {
    const npz = await NpzArchive.open(path);
    try {
      const extra = npz.keys.filter((k) => !names.includes(k));
      if (extra.length) {
        throw new UserError(`${path} holds ${extra.map((k) => `'${k}'`).join(', ')}, which the model does not have; its ${input === 'reference-inputs' ? 'inputs' : 'outputs'} are ${names.join(', ')}.`, {
          input,
          file: path,
        });
      }
      for (const key of npz.keys) {
        const array = await npz.array(key, input);
        try {
          result[key] = await readWhole(array, types[key], input);
        } finally {
          await array.close();
        }
      }
    } finally {
      npz.close();
    }
    return result;
  }
  const array = await openNpy(path).catch((e: unknown) => {
    if (e instanceof UserError) throw new UserError(e.message, { input, file: e.file, hint: e.hint });
    throw e;
  });
  try {
    result[names[0]] = await readWhole(array, types[names[0]], input);
  } finally {
    await array.close();
  }
  return result;
}

function fits(dims: number[], declared: ValueInfo['shape']): boolean {
  if (declared === null) return true;
  return dims.length === declared.length && declared.every((d, a) => typeof d !== 'number' || d === dims[a]);
}

async function run(session: InferenceSession, ort: OnnxRuntime, feeds: Feeds): Promise<Outputs> {
  const tensors: Record<string, Tensor> = {};
  for (const [name, f] of Object.entries(feeds)) tensors[name] = new ort.Tensor(f.type as 'float32', f.data as Float32Array, f.dims);
  const out = await session.run(tensors);
  const result: Outputs = {};
  for (const [name, t] of Object.entries(out)) {
    result[name] = { data: tensorValues(t), dims: [...t.dims] };
  }
  return result;
}

function sliceRow(feeds: Feeds, row: number): Feeds {
  const one: Feeds = {};
  for (const [name, f] of Object.entries(feeds)) {
    const rowLength = f.dims.slice(1).reduce((a, b) => a * b, 1);
    one[name] = { type: f.type, data: f.data.subarray(row * rowLength, (row + 1) * rowLength) as TargetArray, dims: [1, ...f.dims.slice(1)] };
  }
  return one;
}

function tile(feeds: Feeds, times: number): Feeds {
  const tiled: Feeds = {};
  for (const [name, f] of Object.entries(feeds)) {
    const data = newInputArray(f.type, f.data.length * times)!;
    for (let i = 0; i < times; i++) (data as Float32Array).set(f.data as Float32Array, i * f.data.length);
    tiled[name] = { type: f.type, data, dims: [f.dims[0] * times, ...f.dims.slice(1)] };
  }
  return tiled;
}

/**
 * Loads the model in onnxruntime and runs it: on reference inputs (or seeded random ones),
 * checking outputs are finite, match the references within tolerance, do not depend on the other
 * rows of the batch, and are the same on a second run.
 */
export async function runtimeChecks(options: RuntimeCheckOptions): Promise<RuntimeCheckResult> {
  const { ort, info, tolerance } = options;
  const checks: Check[] = [];
  const comparisons: OutputComparison[] = [];
  let session: InferenceSession;
  try {
    session = await createSession(ort, info.path, options.threads);
  } catch (e) {
    checks.push(fail('loads', 'Loads in onnxruntime', messageOf(e).trim()));
    for (const [id, title] of RUNTIME_CHECKS) checks.push(skip(id, title, 'the model does not load'));
    return { checks, comparisons, inputs: { source: 'random', shapes: {} } };
  }
  try {
    checks.push(pass('loads', 'Loads in onnxruntime', `session created with inputs ${session.inputNames.join(', ')} and outputs ${session.outputNames.join(', ')}`));
    const inputTypes = Object.fromEntries(info.inputs.map((i) => [i.name, i.type]));
    const inputNames = info.inputs.map((i) => i.name);
    let feeds: Feeds;
    let source: 'reference' | 'random';
    if (options.referenceInputs) {
      source = 'reference';
      if (!/\.npz$/i.test(options.referenceInputs) && inputNames.length !== 1) {
        throw new UserError(`reference-inputs ${options.referenceInputs} is one .npy array, but the model has ${inputNames.length} inputs (${inputNames.join(', ')}); save them in an .npz keyed by input name.`, {
          input: 'reference-inputs',
        });
      }
      feeds = await readArrays(options.referenceInputs, 'reference-inputs', inputNames, inputTypes);
      for (const input of info.inputs) {
        const f = feeds[input.name];
        if (!f) throw new UserError(`reference-inputs ${options.referenceInputs} has no array for input '${input.name}' (${formatEntry(input)}).`, { input: 'reference-inputs' });
        if (!fits(f.dims, input.shape)) {
          throw new UserError(`reference-inputs: '${input.name}' has shape [${f.dims.join(', ')}], which does not fit the model's ${formatEntry(input)}.`, {
            input: 'reference-inputs',
          });
        }
      }
    } else {
      source = 'random';
      feeds = randomFeeds(info.inputs, options.seed);
    }
    const shapes = Object.fromEntries(Object.entries(feeds).map(([k, f]) => [k, f.dims]));

    let outputs: Outputs;
    try {
      outputs = await run(session, ort, feeds);
    } catch (e) {
      checks.push(fail('runs', 'Runs', `onnxruntime failed on the ${source} inputs: ${messageOf(e).trim()}`));
      for (const [id, title] of RUNTIME_CHECKS.slice(1)) checks.push(skip(id, title, 'the model does not run'));
      return { checks, comparisons, inputs: { source, shapes } };
    }
    checks.push(pass('runs', 'Runs', `on ${source} inputs ${Object.entries(shapes).map(([k, d]) => `${k} [${d.join(', ')}]`).join(', ')}`));

    const nonFinite = Object.entries(outputs)
      .map(([name, o]) => ({ name, bad: Array.prototype.filter.call(o.data, (v: number) => !Number.isFinite(v)).length, n: o.data.length }))
      .filter((x) => x.bad > 0);
    checks.push(
      nonFinite.length
        ? fail('outputs-finite', 'Outputs are finite', nonFinite.map((x) => `'${x.name}' has ${x.bad} NaN/Inf of ${x.n} values`).join('; '))
        : pass('outputs-finite', 'Outputs are finite', 'no NaN or Inf in any output'),
    );

    // reference outputs
    if (options.referenceOutputs) {
      const outputNames = info.outputs.map((o) => o.name);
      const outputTypes = Object.fromEntries(outputNames.map((n) => [n, 'float64']));
      const refs = await readArrays(options.referenceOutputs, 'reference-outputs', outputNames, outputTypes);
      for (const [name, ref] of Object.entries(refs)) {
        const got = outputs[name];
        if (got.dims.join(',') !== ref.dims.join(',')) {
          throw new UserError(`reference-outputs: '${name}' has shape [${ref.dims.join(', ')}], but the model computes [${got.dims.join(', ')}] from the reference inputs.`, {
            input: 'reference-outputs',
          });
        }
        const atol = tolerance.perOutputAtol[name] ?? tolerance.atol;
        const rtol = tolerance.perOutputRtol[name] ?? tolerance.rtol;
        const d = compareArrays(got.data, ref.data as Float64Array, got.dims, { atol, rtol, mode: tolerance.mode });
        comparisons.push({ name, shape: got.dims, atol, rtol, ...d, passed: d.mismatchRatio <= tolerance.maxMismatchRatio });
      }
      const failed = comparisons.filter((c) => !c.passed);
      const describe = (c: OutputComparison) =>
        `'${c.name}': ${c.mismatches}/${c.elements} outside atol ${c.atol} rtol ${c.rtol} (${tolerance.mode}), max abs ${c.maxAbsError.toPrecision(3)}, max rel ${c.maxRelError.toPrecision(3)}` +
        (c.worst && c.mismatches ? `, worst at [${c.worst.index.join(', ')}]: ${c.worst.actual} vs reference ${c.worst.expected}` : '');
      checks.push(
        failed.length
          ? fail('matches-reference', 'Matches the reference outputs', failed.map(describe).join('; ') + ` (max-mismatch-ratio ${tolerance.maxMismatchRatio})`)
          : pass('matches-reference', 'Matches the reference outputs', comparisons.map(describe).join('; ')),
      );
    } else {
      checks.push(skip('matches-reference', 'Matches the reference outputs', 'no reference-outputs given'));
    }

    // batch of 1 vs batch of N
    const firstInput = info.inputs[0];
    if (!options.dynamicBatch) {
      checks.push(skip('batch-consistency', 'Batch of 1 = batch of N', 'dynamic-batch is false'));
    } else if (!info.inputs.every((i) => i.shape && typeof i.shape[0] !== 'number')) {
      checks.push(skip('batch-consistency', 'Batch of 1 = batch of N', `input '${firstInput?.name}' has no symbolic batch dimension (see the batch-dimension check)`));
    } else {
      const n = Object.values(feeds)[0]?.dims[0] ?? 0;
      const batchFeeds = n >= 2 ? feeds : tile(feeds, 3);
      const batchOut = n >= 2 ? outputs : await run(session, ort, batchFeeds);
      const rows = Math.min(Object.values(batchFeeds)[0].dims[0], 16);
      const problems: string[] = [];
      for (let r = 0; r < rows && problems.length < 5; r++) {
        const single = await run(session, ort, sliceRow(batchFeeds, r));
        for (const [name, o] of Object.entries(single)) {
          const full = batchOut[name];
          const rowLength = o.data.length;
          const expected = Array.prototype.slice.call(full.data, r * rowLength, (r + 1) * rowLength) as number[];
          const atol = tolerance.perOutputAtol[name] ?? tolerance.atol;
          const rtol = tolerance.perOutputRtol[name] ?? tolerance.rtol;
          const d = compareArrays(o.data, expected, o.dims, { atol, rtol, mode: tolerance.mode });
          if (d.mismatches) problems.push(`row ${r} of '${name}' alone differs from the batch by up to ${d.maxAbsError.toPrecision(3)}`);
        }
      }
      checks.push(
        problems.length
          ? fail('batch-consistency', 'Batch of 1 = batch of N', problems.join('; '))
          : pass('batch-consistency', 'Batch of 1 = batch of N', `${rows} rows run alone match the batch of ${Object.values(batchFeeds)[0].dims[0]} within tolerance`),
      );
    }

    // determinism: the same inputs twice give bit-identical outputs
    const again = await run(session, ort, feeds);
    const differing = Object.entries(outputs)
      .map(([name, o]) => ({ name, d: compareArrays(again[name].data, o.data, o.dims, { atol: 0, rtol: 0, mode: 'numpy' }) }))
      .filter((x) => x.d.mismatches > 0);
    checks.push(
      differing.length
        ? fail('deterministic', 'Deterministic', differing.map((x) => `'${x.name}' differs between two runs in ${x.d.mismatches}/${x.d.elements} values (up to ${x.d.maxAbsError.toPrecision(3)})`).join('; '))
        : pass('deterministic', 'Deterministic', 'two runs on the same inputs gave identical outputs'),
    );
    return { checks, comparisons, inputs: { source, shapes } };
  } finally {
    await session.release();
  }
}

const RUNTIME_CHECKS: [string, string][] = [
  ['runs', 'Runs'],
  ['outputs-finite', 'Outputs are finite'],
  ['matches-reference', 'Matches the reference outputs'],
  ['batch-consistency', 'Batch of 1 = batch of N'],
  ['deterministic', 'Deterministic'],
];
