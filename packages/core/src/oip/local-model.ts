import type { Tensor } from 'onnxruntime-node';

import { UserError, messageOf } from '../errors.js';
import type { OnnxRuntime } from '../onnx/runtime.js';
import { loadModel, type LoadedModel } from '../onnx/session.js';
import { newInputArray } from '../onnx/tensor-types.js';
import type { OipRequestTensor } from './protocol.js';
import type { ParityTensor } from './parity.js';

/** The values sent to the server, as a tensor of the model's input type (cast as numpy's astype). */
function typedArray(type: string, data: readonly (number | boolean)[]): Tensor['data'] {
  const out = newInputArray(type, data.length);
  if (!out) throw new UserError(`The model's input has element type ${type}, which the parity check cannot feed.`, { input: 'model' });
  data.forEach((v, i) => {
    const n = typeof v === 'boolean' ? (v ? 1 : 0) : v;
    if (out instanceof BigInt64Array || out instanceof BigUint64Array) out[i] = BigInt(Math.trunc(n));
    else out[i] = type === 'bool' ? (n !== 0 ? 1 : 0) : n;
  });
  return out;
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
  const feed = new ort.Tensor(model.input.type as any, typedArray(model.input.type, source.data) as any, source.shape);
  let results: Record<string, Tensor>;
  try {
    results = await model.session.run({ [model.input.name]: feed });
  } catch (e) {
    throw new UserError(`The model ${model.path} cannot run the sample: ${messageOf(e).trim()}`, { file: model.path, input: 'model' });
  }
  return model.outputs.map((o) => {
    const t = results[o.name];
    const data = Array.from(t.data as ArrayLike<number | bigint | boolean>, (v) => Number(v));
    return { name: o.name, shape: [...t.dims], data };
  });
}
