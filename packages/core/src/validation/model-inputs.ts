import { UserError } from '../errors.js';
import { NpzArchive, openNpy, type NpyArray } from '../npy/array.js';
import type { TargetArray } from '../npy/dtype.js';
import type { ModelInfo, ValueInfo } from '../onnx/model-file.js';
import { formatShape } from '../onnx/session.js';
import { newInputArray } from '../onnx/tensor-types.js';
import { elementCount } from '../util/shape.js';
import { formatEntry } from './signature.js';
import { unravelIndex } from './tolerance.js';

// What the model is run on in the runtime checks: the reference inputs, or seeded random ones;
// and the reference outputs, read the same way.

/**
 * The most elements generated as random inputs, over all inputs together (2^24: 64 MiB of
 * float32). Fixed dimensions such as [100000, 100000, 20] would otherwise ask for an allocation
 * no runner has; beyond it the inputs must be given (reference-inputs).
 */
export const MAX_RANDOM_ELEMENTS = 2 ** 24;

/**
 * The most elements of one reference array (2^27: 512 MiB of float32, 1 GiB as the float64 the
 * outputs are compared in). References are held whole; an .npz member may declare any shape.
 */
export const MAX_REFERENCE_ELEMENTS = 2 ** 27;

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
  /** The NaN in them, as a message says it ("'features' holds 1 NaN of 48 values (first at [1, 3])"). */
  nan?: string;
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

/** The shapes of the random inputs (a symbolic batch of 4, other unknown dimensions 8), bounded in all. */
function randomShapes(info: ModelInfo): number[][] {
  const shapes = info.inputs.map((input) => (input.shape ?? []).map((d, a) => (typeof d === 'number' ? d : a === 0 ? 4 : 8)));
  const total = shapes.reduce((sum, dims) => sum + elementCount(dims), 0);
  if (total > MAX_RANDOM_ELEMENTS) {
    const shown = info.inputs.map((input, i) => `${input.name} ${formatShape(shapes[i])}`).join(', ');
    throw new UserError(
      `Random inputs of the model's declared shapes (${shown}) would hold ${total.toLocaleString('en-US')} elements; validate-onnx generates at most ${MAX_RANDOM_ELEMENTS.toLocaleString('en-US')} (2^24).`,
      {
        input: 'reference-inputs',
        file: info.path,
        hint: 'Give reference-inputs: the inputs to run the model on, an .npz keyed by input name.',
      },
    );
  }
  return shapes;
}

/** Inputs of the declared shapes, standard normal values (integers 0-9, booleans). */
function randomFeeds(info: ModelInfo, seed: number): Feeds {
  const next = rng(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  const shapes = randomShapes(info);
  const feeds: Feeds = {};
  for (const [index, input] of info.inputs.entries()) {
    const dims = shapes[index];
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

/** The whole array, converted to `type`; bounded before anything is allocated for it. */
async function readWhole(array: NpyArray, type: string): Promise<Feed> {
  try {
    const elements = array.rows * array.rowLength;
    if (elements > MAX_REFERENCE_ELEMENTS) {
      throw new UserError(
        `${array.label} holds shape (${array.shape.join(', ')}), ${elements.toLocaleString('en-US')} elements; references are read whole, up to ${MAX_REFERENCE_ELEMENTS.toLocaleString('en-US')} elements (2^27) an array.`,
        { file: array.label, hint: 'Save fewer rows: a few batches show a drift as well as the whole set.' },
      );
    }
    const data = newInputArray(type, elements);
    if (!data)
      throw new UserError(`${array.label} would feed an input of element type ${type}, which is not supported.`, { file: array.label });
    await array.readRows(0, array.rows, data, 0, type === 'bool');
    return { type, data, dims: [...array.shape] };
  } finally {
    await array.close();
  }
}

/**
 * Runs `read` of the file given in `input`; a UserError it throws (from the .npy/.npz reader too)
 * starts with the input's name and names it, so that the annotation says which input is at fault.
 */
async function asInput<T>(input: ArraysInput, path: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    const message = e.message.startsWith(input) ? e.message : `${input}: ${e.message.replace(/^The /, 'the ')}`;
    throw new UserError(message, { input, file: e.file ?? path, hint: e.hint, cause: e.cause });
  }
}

/** The arrays of an .npz, keyed by name; every key must be one of `names`, and there must be one. */
async function readNpz(path: string, input: ArraysInput, names: string[], types: Record<string, string>): Promise<Feeds> {
  const npz = await NpzArchive.open(path);
  try {
    const kind = input === 'reference-inputs' ? 'inputs' : 'outputs';
    const extra = npz.keys.filter((k) => !names.includes(k));
    if (extra.length || !npz.keys.length) {
      const held = extra.length
        ? `holds ${extra.map((k) => `'${k}'`).join(', ')}, which the model does not have; its ${kind}`
        : `holds no arrays; the model's ${kind}`;
      throw new UserError(`${input} ${path} ${held} are ${names.join(', ')}.`, { input, file: path });
    }
    const result: Feeds = {};
    for (const key of npz.keys) result[key] = await readWhole(await npz.array(key, input), types[key]);
    return result;
  } finally {
    npz.close();
  }
}

/** Arrays of an .npz by name, or a bare .npy for the first of `names`. */
function readArrays(path: string, input: ArraysInput, names: string[], types: Record<string, string>): Promise<Feeds> {
  return asInput(input, path, async () => {
    if (/\.npz$/i.test(path)) return readNpz(path, input, names, types);
    return { [names[0]]: await readWhole(await openNpy(path), types[names[0]]) };
  });
}

function fits(dims: number[], declared: ValueInfo['shape']): boolean {
  if (declared === null) return true;
  return dims.length === declared.length && declared.every((d, a) => typeof d !== 'number' || d === dims[a]);
}

/** The reference inputs: one array for every input of the model, of a shape that fits it. */
async function referenceFeeds(path: string, info: ModelInfo): Promise<Feeds> {
  const names = info.inputs.map((i) => i.name);
  const refuse = (message: string) => new UserError(message, { input: 'reference-inputs', file: path });
  if (!/\.npz$/i.test(path) && names.length !== 1) {
    throw refuse(
      `reference-inputs ${path} is one .npy array, but the model has ${names.length} inputs (${names.join(', ')}); save them in an .npz keyed by input name.`,
    );
  }
  const feeds = await readArrays(path, 'reference-inputs', names, Object.fromEntries(info.inputs.map((i) => [i.name, i.type])));
  for (const input of info.inputs) {
    const f = feeds[input.name];
    if (!f) throw refuse(`reference-inputs ${path} has no array for input '${input.name}' (${formatEntry(input)}).`);
    if (!fits(f.dims, input.shape))
      throw refuse(
        `reference-inputs: '${input.name}' has shape ${formatShape(f.dims)}, which does not fit the model's ${formatEntry(input)}.`,
      );
  }
  return feeds;
}

/** "'logits' holds 1 NaN of 18 values (first at [2, 1])", or undefined when it holds none. */
function describeNaN(name: string, feed: Feed): string | undefined {
  if (!(feed.data instanceof Float32Array || feed.data instanceof Float64Array)) return undefined;
  let count = 0;
  let first = -1;
  feed.data.forEach((v, i) => {
    if (!Number.isNaN(v)) return;
    count++;
    if (first < 0) first = i;
  });
  return count
    ? `'${name}' holds ${count} NaN of ${feed.data.length} values (first at [${unravelIndex(first, feed.dims).join(', ')}])`
    : undefined;
}

function describeAllNaN(feeds: Feeds): string | undefined {
  const found = Object.entries(feeds)
    .map(([name, feed]) => describeNaN(name, feed))
    .filter((d) => d !== undefined);
  return found.length ? found.join('; ') : undefined;
}

/** The inputs to run the model on: reference-inputs when given, otherwise seeded random ones. */
export async function modelInputs(info: ModelInfo, referenceInputs: string | undefined, seed: number): Promise<ModelInputs> {
  if (!referenceInputs) return { source: 'random', feeds: randomFeeds(info, seed), label: `seeded random inputs (seed ${seed})` };
  const feeds = await referenceFeeds(referenceInputs, info);
  return { source: 'reference', feeds, label: 'reference inputs', nan: describeAllNaN(feeds) };
}

/**
 * The reference outputs by output name, as float64. A NaN is refused: it never matches (as in
 * numpy.allclose), so references holding one could not pass whatever the model computes.
 */
export async function referenceOutputs(path: string, info: ModelInfo): Promise<Feeds> {
  const names = info.outputs.map((o) => o.name);
  const feeds = await readArrays(path, 'reference-outputs', names, Object.fromEntries(names.map((n) => [n, 'float64'])));
  const nan = describeAllNaN(feeds);
  if (nan) {
    throw new UserError(`reference-outputs ${path}: ${nan}; a NaN never matches (as in numpy.allclose), so these references cannot pass.`, {
      input: 'reference-outputs',
      file: path,
      hint: 'Save references of finite outputs (with finite reference-inputs).',
    });
  }
  return feeds;
}
