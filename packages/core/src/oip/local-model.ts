import type { Tensor } from 'onnxruntime-node';

import { UserError, fileProblem, messageOf } from '../errors.js';
import type { OnnxRuntime } from '../onnx/runtime.js';
import { formatShape, loadModel, type LoadedModel } from '../onnx/session.js';
import { INTEGER_RANGES, newInputArray, tensorValues } from '../onnx/tensor-types.js';
import { statRegularFile } from '../util/files.js';
import { OIP_DATATYPES, ORT_TYPE_OF, type OipRequestTensor } from './protocol.js';
import type { ParityTensor } from './parity.js';
import { checkDeclaredInputs, type Sample } from './sample.js';

/**
 * The values sent to the server, as a tensor of the model's input type (cast as numpy's astype:
 * an integer type truncates toward zero). A value an integer input cannot hold (NaN, ±Infinity, or
 * beyond the type's range once truncated) is the sample's error, not wrapped nor read as 0.
 */
function typedArray(type: string, data: readonly (number | boolean)[], model: LoadedModel): Tensor['data'] {
  const out = newInputArray(type, data.length);
  if (!out) throw new UserError(`The model's input has element type ${type}, which the parity check cannot feed.`, { input: 'model' });
  const range = INTEGER_RANGES[type];
  data.forEach((v, i) => {
    const n = typeof v === 'boolean' ? (v ? 1 : 0) : v;
    if (range) {
      const t = Math.trunc(n);
      if (!(t >= range[0] && t < range[1])) {
        throw new UserError(
          `The sample holds ${n} (element ${i} of the values sent), which the ${type} input '${model.input.name}' of the model ${model.path} cannot hold (${type} takes integers from ${BigInt(range[0])} to ${BigInt(range[1]) - 1n}).`,
          { input: 'sample' },
        );
      }
      if (out instanceof BigInt64Array || out instanceof BigUint64Array) out[i] = BigInt(t);
      else out[i] = t;
    } else out[i] = type === 'bool' ? (n !== 0 ? 1 : 0) : n;
  });
  return out;
}

/**
 * The `model` input is a regular file: checked before onnxruntime is provisioned (a download on a
 * fresh runner), so that a missing file or a FIFO fails at once.
 */
export async function checkParityModelFile(path: string): Promise<void> {
  try {
    await statRegularFile(path);
  } catch (e) {
    throw new UserError(`Input model ${path} ${fileProblem(e, 'an ONNX model file')}.`, { file: path, input: 'model' });
  }
}

/** onnxruntime's element type as the Open Inference Protocol names it (FP32 for float32). */
function oipDatatypeOf(type: string): string {
  return OIP_DATATYPES.find((d) => ORT_TYPE_OF[d] === type) ?? type.toUpperCase();
}

/** A sample dimension against a model's: a symbolic or unknown (-1) dimension takes any size. */
const shapeFitsModel = (shape: readonly number[], model: readonly (number | string)[]) =>
  shape.length === model.length && model.every((d, i) => typeof d !== 'number' || d < 0 || d === shape[i]);

/**
 * The sample against the local model, before the server is contacted: a JSON sample's input names
 * and datatypes (checkDeclaredInputs), and the shape of the array the model is fed (the one of its
 * input's name, or the only one). The server's metadata is checked the same way before the first
 * infer request; a mismatch with either is the sample's.
 */
export function checkSampleForLocalModel(sample: Sample, model: LoadedModel): void {
  const { input } = model;
  checkDeclaredInputs(sample, [{ name: input.name, datatype: oipDatatypeOf(input.type) }], `the model ${model.path}`);
  const array = sample.arrays.find((a) => a.name === input.name) ?? (sample.arrays.length === 1 ? sample.arrays[0] : undefined);
  if (!array) {
    const held = sample.arrays.map((a) => `'${a.name ?? ''}'`).join(', ');
    throw new UserError(
      `The sample ${sample.path} has no array for '${input.name}', the input of the model ${model.path} (it holds ${held}).`,
      {
        file: sample.path,
        input: 'sample',
      },
    );
  }
  if (!shapeFitsModel(array.shape, input.shape)) {
    throw new UserError(
      `The sample ${sample.path}${array.name ? ` (${array.name})` : ''} has shape [${array.shape.join(', ')}]; the model ${model.path} takes ${formatShape(input.shape)} for '${input.name}' (a name or ?: any size).`,
      { file: sample.path, input: 'sample' },
    );
  }
}

/**
 * The `model` input: the local model the served outputs are compared with. It is fed the arrays
 * sent to the server, so it takes one input (loadModel's "which input" question has no answer here).
 */
export async function loadParityModel(ort: OnnxRuntime, path: string): Promise<LoadedModel> {
  try {
    return await loadModel(ort, path, { role: 'model', inputOfPath: 'model', threads: 1 });
  } catch (e) {
    if (e instanceof UserError && e.input === 'input-name') {
      throw new UserError(`The model ${path} has several inputs; the parity check supports models with one input.`, {
        file: path,
        input: 'model',
      });
    }
    throw e;
  }
}

/**
 * Runs the local model on the very values sent to the server (cast to the model's input type)
 * and returns every output as numbers.
 */
export async function runLocalModel(ort: OnnxRuntime, model: LoadedModel, inputs: readonly OipRequestTensor[]): Promise<ParityTensor[]> {
  const source = inputs.find((t) => t.name === model.input.name) ?? (inputs.length === 1 ? inputs[0] : undefined);
  if (!source) {
    throw new UserError(
      `The model ${model.path} takes '${model.input.name}', but the server's inputs are ${inputs.map((t) => `'${t.name}'`).join(', ')}.`,
      {
        file: model.path,
        input: 'model',
      },
    );
  }
  const feed = new ort.Tensor(model.input.type as any, typedArray(model.input.type, source.data, model) as any, source.shape);
  let results: Record<string, Tensor>;
  try {
    results = await model.session.run({ [model.input.name]: feed });
  } catch (e) {
    throw new UserError(`The model ${model.path} cannot run the sample: ${messageOf(e).trim()}`, { file: model.path, input: 'model' });
  }
  return model.outputs.map((o) => {
    const t = results[o.name];
    // tensorValues: float16 decoded (bits on Node 20), 64-bit integers as numbers
    return { name: o.name, shape: [...t.dims], data: Array.from(tensorValues(t)) };
  });
}
