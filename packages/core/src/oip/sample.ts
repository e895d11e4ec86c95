import { UserError, messageOf, parseError, parsed, type ParseResult } from '../errors.js';
import { readTextFileInput } from '../http/text-file.js';
import { describeDType } from '../npy/dtype.js';
import { NpzArchive, openNpy, type NpyArray } from '../npy/array.js';
import { formatNumber } from '../util/format.js';
import { elementCount } from '../util/shape.js';
import { INTEGER_RANGES } from '../onnx/tensor-types.js';
import { ORT_TYPE_OF, isOipDatatype, type OipDatatype, type OipRequestTensor, type OipTensorMetadata } from './protocol.js';

/** One array of the sample, with its values as numbers (exact for every dtype but huge 64-bit integers). */
export interface SampleArray {
  /** The .npz key or the JSON input name; undefined for a single .npy file. */
  name?: string;
  shape: number[];
  /** numpy's description of the dtype, or the JSON datatype. */
  dtype: string;
  values: number[];
}

export interface Sample {
  path: string;
  format: 'npy' | 'npz' | 'json';
  arrays: SampleArray[];
}

/** A sample is a smoke test's request: a few rows, not a data set. */
export const MAX_SAMPLE_ELEMENTS = 1_000_000;

function tooLarge(path: string, n: number): UserError {
  return new UserError(`The sample ${path} holds ${n} values; a smoke test sends at most ${MAX_SAMPLE_ELEMENTS}.`, {
    file: path,
    input: 'sample',
    hint: 'Save a few rows (e.g. numpy.save("sample.npy", x[:16])).',
  });
}

async function readArray(array: NpyArray, path: string, name?: string): Promise<SampleArray> {
  const n = array.rows * array.rowLength;
  if (n > MAX_SAMPLE_ELEMENTS) throw tooLarge(path, n);
  const d = array.dtype;
  const out =
    d.kind === 'i' && d.size === 8 ? new BigInt64Array(n) : d.kind === 'u' && d.size === 8 ? new BigUint64Array(n) : new Float64Array(n);
  await array.readRows(0, array.rows, out);
  const values = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const v = out[i];
    if (typeof v === 'bigint') {
      if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
        throw new UserError(`The sample ${array.label} holds ${v} at element ${i}, beyond what JSON numbers carry exactly (2^53).`, {
          file: path,
          input: 'sample',
        });
      }
      values[i] = Number(v);
    } else {
      values[i] = v;
    }
  }
  return { name, shape: [...array.shape], dtype: describeDType(d), values };
}

function flattenJson(v: unknown, out: number[]): boolean {
  if (Array.isArray(v)) return v.every((x) => flattenJson(x, out));
  if (typeof v === 'number') out.push(v);
  else if (typeof v === 'boolean') out.push(v ? 1 : 0);
  else return false;
  return true;
}

/** One input of an infer request, as a sample array. */
function requestInput(raw: unknown, i: number): ParseResult<SampleArray> {
  const t = raw as Record<string, unknown>;
  if (!t || typeof t.name !== 'string') return parseError(`inputs[${i}] has no name`);
  if (!Array.isArray(t.shape) || !t.shape.every((x) => Number.isInteger(x) && x >= 0)) return parseError(`input ${t.name} has no shape`);
  const values: number[] = [];
  if (!flattenJson(t.data, values)) return parseError(`input ${t.name} has non-numeric data`);
  const shape = t.shape as number[];
  if (values.length !== elementCount(shape))
    return parseError(`input ${t.name} has ${values.length} values for shape [${shape.join(', ')}]`);
  return parsed({ name: t.name, shape, dtype: typeof t.datatype === 'string' ? t.datatype : 'number', values });
}

/** The inputs of an Open Inference Protocol infer request written as JSON. */
export function parseInferRequestInputs(text: string): ParseResult<SampleArray[]> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return parseError(`invalid JSON (${messageOf(e)})`);
  }
  const inputs = (json as { inputs?: unknown })?.inputs;
  if (!Array.isArray(inputs) || inputs.length === 0) return parseError('no inputs list');
  const arrays: SampleArray[] = [];
  for (let i = 0; i < inputs.length; i++) {
    const a = requestInput(inputs[i], i);
    if (!a.ok) return a;
    arrays.push(a.value);
  }
  return parsed(arrays);
}

async function loadJsonSample(path: string): Promise<Sample> {
  const text = await readTextFileInput(path, { input: 'sample', what: 'The sample', expected: 'an infer request as JSON' });
  const arrays = parseInferRequestInputs(text);
  if (!arrays.ok) {
    throw new UserError(`The sample ${path} is not an Open Inference Protocol infer request: ${arrays.error}.`, {
      file: path,
      input: 'sample',
      hint: 'Expected {"inputs": [{"name": ..., "shape": [...], "datatype": "FP32", "data": [...]}]}.',
    });
  }
  for (const a of arrays.value) if (a.values.length > MAX_SAMPLE_ELEMENTS) throw tooLarge(path, a.values.length);
  return { path, format: 'json', arrays: arrays.value };
}

/** The npy reader's errors name the file but not the input: this one is the sample input. */
function asSampleError(e: unknown): never {
  if (e instanceof UserError && !e.input)
    throw new UserError(`Input sample: ${e.message}`, { file: e.file, input: 'sample', hint: e.hint, cause: e.cause });
  throw e;
}

async function loadNpzSample(path: string): Promise<Sample> {
  const archive = await NpzArchive.open(path).catch(asSampleError);
  try {
    const arrays: SampleArray[] = [];
    for (const key of archive.keys) {
      const array = await archive.array(key, 'sample').catch(asSampleError);
      try {
        arrays.push(await readArray(array, path, key));
      } finally {
        await array.close();
      }
    }
    if (arrays.length === 0) throw new UserError(`The sample ${path} holds no arrays.`, { file: path, input: 'sample' });
    return { path, format: 'npz', arrays };
  } finally {
    archive.close();
  }
}

async function loadNpySample(path: string): Promise<Sample> {
  const array = await openNpy(path).catch(asSampleError);
  try {
    return { path, format: 'npy', arrays: [await readArray(array, path)] };
  } finally {
    await array.close();
  }
}

/** Reads the `sample` input: an .npy file, an .npz archive (one array per model input) or an infer request as JSON. */
export async function loadSample(path: string): Promise<Sample> {
  const lower = path.toLowerCase();
  if (lower.endsWith('.json')) return loadJsonSample(path);
  if (lower.endsWith('.npz')) return loadNpzSample(path);
  if (lower.endsWith('.npy')) return loadNpySample(path);
  throw new UserError(`The sample ${path} is neither .npy, .npz nor .json.`, { file: path, input: 'sample' });
}

/**
 * A value cast to a datatype the way numpy's astype does for values in range: float32 rounds to
 * nearest, integers truncate toward zero, bool is "not zero". Out of range is an error (numpy's
 * result there is platform-defined).
 */
export function castValue(v: number, datatype: OipDatatype): number | boolean | undefined {
  switch (datatype) {
    case 'BOOL':
      return v !== 0;
    case 'FP64':
      return v;
    case 'FP32':
    case 'FP16': // sent as float32 values; the server rounds to half precision
      return Math.fround(v);
    default: {
      if (!Number.isFinite(v)) return undefined;
      const t = Math.trunc(v);
      // the type's range, within the integers a JSON number holds exactly
      const [lo, end] = INTEGER_RANGES[ORT_TYPE_OF[datatype]];
      return t < Math.max(lo, Number.MIN_SAFE_INTEGER) || t > Math.min(end - 1, Number.MAX_SAFE_INTEGER) ? undefined : t;
    }
  }
}

function shapeFits(shape: readonly number[], wanted: readonly number[]): boolean {
  return shape.length === wanted.length && wanted.every((d, i) => d < 0 || d === shape[i]);
}

const fmt = (s: readonly number[]) => `[${s.map((d) => (d < 0 ? '-1' : String(d))).join(', ')}]`;

/** The sample array for a model input: the one of its name, or the only one for a model with one input. */
function arrayFor(sample: Sample, meta: OipTensorMetadata, inputs: readonly OipTensorMetadata[]): SampleArray {
  const array =
    sample.arrays.find((a) => a.name === meta.name) ?? (inputs.length === 1 && sample.arrays.length === 1 ? sample.arrays[0] : undefined);
  if (array) return array;
  const names = sample.arrays.map((a) => a.name ?? '(the .npy array)').join(', ');
  throw new UserError(
    `The sample ${sample.path} has no array for the model input '${meta.name}' (the server lists ${inputs.map((i) => `'${i.name}'`).join(', ')}; the sample holds ${names}).`,
    { file: sample.path, input: 'sample', hint: 'For several inputs, save an .npz with one array per input name (numpy.savez).' },
  );
}

/** One request input: the array with its own shape (which must fit the input's), cast to the input's datatype. */
function requestTensor(sample: Sample, array: SampleArray, meta: OipTensorMetadata): OipRequestTensor {
  if (!isOipDatatype(meta.datatype)) {
    throw new UserError(
      `The model input '${meta.name}' has datatype ${meta.datatype}, which this action cannot send (numeric and BOOL inputs only).`,
      {
        input: 'sample',
      },
    );
  }
  const datatype = meta.datatype;
  const what = `The sample ${sample.path}${array.name ? ` (${array.name})` : ''}`;
  if (!shapeFits(array.shape, meta.shape)) {
    throw new UserError(`${what} has shape ${fmt(array.shape)}; the model input '${meta.name}' takes ${fmt(meta.shape)} (-1: any size).`, {
      file: sample.path,
      input: 'sample',
    });
  }
  const data = array.values.map((v, i) => {
    const c = castValue(v, datatype);
    if (c === undefined) {
      throw new UserError(`${what} holds ${formatNumber(v, 6)} at element ${i}, outside the range of ${datatype} (input '${meta.name}').`, {
        file: sample.path,
        input: 'sample',
      });
    }
    return c;
  });
  return { name: meta.name, datatype, shape: [...array.shape], data: data as number[] | boolean[] };
}

/** A model input as a sample is checked against it: its name and Open Inference Protocol datatype. */
export interface DeclaredInput {
  name: string;
  datatype: string;
}

/**
 * An infer request written as JSON says which inputs it fills, and with which datatype: each must
 * be an input `model` has (the server's model, or the local model file), with the datatype it
 * takes. Sent as it is, a wrong name or type would pass unseen (cast, or answered with another
 * model's error). An .npy or .npz sample names no datatype (its arrays are cast) and an .npz may
 * hold arrays for other models.
 */
export function checkDeclaredInputs(sample: Sample, inputs: readonly DeclaredInput[], model: string): void {
  if (sample.format !== 'json') return;
  const takes = `${model} takes ${inputs.map((i) => `'${i.name}' ${i.datatype}`).join(', ')}`;
  for (const a of sample.arrays) {
    const input = inputs.find((i) => i.name === a.name);
    if (!input) {
      throw new UserError(`The sample ${sample.path} fills the input '${a.name ?? ''}', which ${model} does not have (${takes}).`, {
        file: sample.path,
        input: 'sample',
        hint: 'Name each input of the infer request as the model names it.',
      });
    }
    if (isOipDatatype(a.dtype) && a.dtype !== input.datatype) {
      throw new UserError(`The sample ${sample.path} declares the input '${a.name ?? ''}' as ${a.dtype}; ${takes}.`, {
        file: sample.path,
        input: 'sample',
        hint: 'Write the datatype the model takes, or leave datatype out to have the values cast to it.',
      });
    }
  }
}

/**
 * The inputs of an infer request: each input the server's metadata lists, from the sample array
 * of that name (or the only array, for a model with one input), cast to the metadata's datatype,
 * with the sample's shape (which must fit the metadata's, -1 being any size). A JSON sample's
 * inputs must be the metadata's, with its datatypes (checkDeclaredInputs).
 */
export function buildInferInputs(sample: Sample, inputs: readonly OipTensorMetadata[]): OipRequestTensor[] {
  if (inputs.length === 0)
    throw new UserError('The server lists no inputs for the model; there is nothing to send the sample to.', { input: 'model-name' });
  checkDeclaredInputs(sample, inputs, "the server's model");
  return inputs.map((meta) => requestTensor(sample, arrayFor(sample, meta, inputs), meta));
}
