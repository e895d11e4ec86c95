import { UserError } from '../errors.js';
import { NpzArchive, openNpy, type NpyArray } from '../npy/array.js';
import type { TargetArray } from '../npy/dtype.js';
import type { ModelInfo, ValueInfo } from '../onnx/model-file.js';
import { formatShape } from '../onnx/session.js';
import { newInputArray } from '../onnx/tensor-types.js';
import { elementCount } from '../util/shape.js';
import { formatEntry } from './signature.js';

// What the model is run on in the runtime checks: the reference inputs, or seeded random ones;
// and the reference outputs, read the same way.

export interface Feed {
  type: string;
  data: TargetArray;
  dims: number[];
}
export type Feeds = Record<string, Feed>;

export interface ModelInputs {
  source: 'reference' | 'random';
  feeds: Feeds;
  /** How a message names them: "reference inputs", "seeded random inputs (seed 0)". */
  label: string;
}

type ArraysInput = 'reference-inputs' | 'reference-outputs';

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
    const n = elementCount(dims);
    const data = newInputArray(input.type, n);
    if (!data)
      throw new UserError(
        `Input '${input.name}' has element type ${input.type}, which cannot be filled with random values; give reference-inputs.`,
        { input: 'reference-inputs' },
      );
    for (let i = 0; i < n; i++) {
      if (data instanceof BigInt64Array || data instanceof BigUint64Array) data[i] = BigInt(Math.floor(next() * 10));
      else if (data instanceof Float32Array || data instanceof Float64Array) data[i] = normal();
      else data[i] = input.type === 'bool' ? (next() < 0.5 ? 0 : 1) : Math.floor(next() * 10);
    }
    feeds[input.name] = { type: input.type, data, dims };
  }
  return feeds;
}

async function readWhole(array: NpyArray, type: string, input: ArraysInput): Promise<Feed> {
  try {
    const data = newInputArray(type, array.rows * array.rowLength);
    if (!data)
      throw new UserError(`${array.label} would feed an input of element type ${type}, which is not supported.`, {
        input,
        file: array.label,
      });
    await array.readRows(0, array.rows, data, 0, type === 'bool');
    return { type, data, dims: [...array.shape] };
  } finally {
    await array.close();
  }
}

/** The error of opening a file the user named in `input`, naming that input. */
function naming(input: ArraysInput): (e: unknown) => never {
  return (e) => {
    if (e instanceof UserError) throw new UserError(e.message, { input, file: e.file, hint: e.hint });
    throw e;
  };
}

/** The arrays of an .npz, keyed by name; every key must be one of `names`. */
async function readNpz(path: string, input: ArraysInput, names: string[], types: Record<string, string>): Promise<Feeds> {
  const npz = await NpzArchive.open(path).catch(naming(input));
  try {
    const extra = npz.keys.filter((k) => !names.includes(k));
    if (extra.length) {
      const kind = input === 'reference-inputs' ? 'inputs' : 'outputs';
      throw new UserError(
        `${path} holds ${extra.map((k) => `'${k}'`).join(', ')}, which the model does not have; its ${kind} are ${names.join(', ')}.`,
        { input, file: path },
      );
    }
    const result: Feeds = {};
    for (const key of npz.keys) result[key] = await readWhole(await npz.array(key, input), types[key], input);
    return result;
  } finally {
    npz.close();
  }
}

/** Arrays of an .npz by name, or a bare .npy for the first of `names`. */
async function readArrays(path: string, input: ArraysInput, names: string[], types: Record<string, string>): Promise<Feeds> {
  if (/\.npz$/i.test(path)) return readNpz(path, input, names, types);
  const array = await openNpy(path).catch(naming(input));
  return { [names[0]]: await readWhole(array, types[names[0]], input) };
}

function fits(dims: number[], declared: ValueInfo['shape']): boolean {
  if (declared === null) return true;
  return dims.length === declared.length && declared.every((d, a) => typeof d !== 'number' || d === dims[a]);
}

/** The reference inputs: one array for every input of the model, of a shape that fits it. */
async function referenceFeeds(path: string, info: ModelInfo): Promise<Feeds> {
  const names = info.inputs.map((i) => i.name);
  if (!/\.npz$/i.test(path) && names.length !== 1) {
    throw new UserError(
      `reference-inputs ${path} is one .npy array, but the model has ${names.length} inputs (${names.join(', ')}); save them in an .npz keyed by input name.`,
      {
        input: 'reference-inputs',
      },
    );
  }
  const feeds = await readArrays(path, 'reference-inputs', names, Object.fromEntries(info.inputs.map((i) => [i.name, i.type])));
  for (const input of info.inputs) {
    const f = feeds[input.name];
    if (!f)
      throw new UserError(`reference-inputs ${path} has no array for input '${input.name}' (${formatEntry(input)}).`, {
        input: 'reference-inputs',
      });
    if (!fits(f.dims, input.shape)) {
      throw new UserError(
        `reference-inputs: '${input.name}' has shape ${formatShape(f.dims)}, which does not fit the model's ${formatEntry(input)}.`,
        { input: 'reference-inputs' },
      );
    }
  }
  return feeds;
}

/** The inputs to run the model on: reference-inputs when given, otherwise seeded random ones. */
export async function modelInputs(info: ModelInfo, referenceInputs: string | undefined, seed: number): Promise<ModelInputs> {
  if (referenceInputs) return { source: 'reference', feeds: await referenceFeeds(referenceInputs, info), label: 'reference inputs' };
  return { source: 'random', feeds: randomFeeds(info.inputs, seed), label: `seeded random inputs (seed ${seed})` };
}

/** The reference outputs by output name, as float64. */
export function referenceOutputs(path: string, info: ModelInfo): Promise<Feeds> {
  const names = info.outputs.map((o) => o.name);
  return readArrays(path, 'reference-outputs', names, Object.fromEntries(names.map((n) => [n, 'float64'])));
}
