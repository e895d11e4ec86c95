import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import type { InferenceSession, Tensor } from 'onnxruntime-node';

import { UserError, messageOf } from '../errors.js';
import type { OnnxRuntime } from './runtime.js';

export interface TensorInfo {
  name: string;
  /** ONNX element type as onnxruntime names it: float32, int64, ... */
  type: Tensor.Type;
  /** Dimensions; a string is a symbolic dimension, -1 an unknown one. */
  shape: (number | string)[];
}

export interface LoadedModel {
  path: string;
  session: InferenceSession;
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  /** The input features are fed to, and the output scored. */
  input: TensorInfo;
  output: TensorInfo;
}

export interface LoadModelOptions {
  /** Which model this is, for messages: "new model", "baseline model". */
  role: string;
  /** The action input that named the file. */
  inputOfPath: string;
  threads?: number;
  inputName?: string;
  outputName?: string;
}

function tensorInfo(meta: InferenceSession.ValueMetadata, path: string, role: string): TensorInfo {
  if (!meta.isTensor) {
    throw new UserError(`The ${role} ${path} has a non-tensor value '${meta.name}' (a sequence or map).`, {
      file: path,
      hint: 'Export the model with plain tensor inputs and outputs (for skl2onnx: options={"zipmap": False}).',
    });
  }
  return { name: meta.name, type: meta.type, shape: meta.shape.map((d) => d) };
}

export function formatShape(shape: readonly (number | string)[]): string {
  return `[${shape.map((d) => (d === -1 ? '?' : String(d))).join(', ')}]`;
}

/**
 * An onnxruntime CPU session with the options every action uses. threads 0 means one per CPU the
 * process may use: onnxruntime-node 1.30's own default for 0 runs one thread (measured, see
 * docs/benchmarks.md). Idle pool threads do not spin: the actions run two sessions one after the
 * other, and a spinning pool of one would take the core the other needs.
 */
export function createSession(ort: OnnxRuntime, path: string, threads = 0): Promise<InferenceSession> {
  return ort.InferenceSession.create(path, {
    intraOpNumThreads: threads > 0 ? threads : availableParallelism(),
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    executionProviders: ['cpu'],
    extra: { session: { intra_op: { allow_spinning: '0' } } },
    // onnxruntime would also print load errors to stderr; the callers report them as errors of ours
    logSeverityLevel: 4,
  });
}

/** Opens an ONNX model in onnxruntime and picks the input and output to use. */
export async function loadModel(ort: OnnxRuntime, path: string, options: LoadModelOptions): Promise<LoadedModel> {
  const { role, inputOfPath } = options;
  try {
    const s = await stat(path);
    if (!s.isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const what = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a directory, expected an .onnx file' : `cannot be read: ${messageOf(e)}`;
    throw new UserError(`The ${role} ${path} (input ${inputOfPath}) ${what}.`, { file: path, input: inputOfPath });
  }
  let session: InferenceSession;
  try {
    session = await createSession(ort, path, options.threads);
  } catch (e) {
    throw new UserError(`The ${role} ${path} cannot be loaded by onnxruntime: ${messageOf(e).trim()}`, {
      file: path,
      input: inputOfPath,
      hint: 'Check that it is a complete ONNX file (not a Git LFS pointer) whose opset this onnxruntime supports.',
      cause: e,
    });
  }
  try {
    const inputs = session.inputMetadata.map((m) => tensorInfo(m, path, role));
    const outputs = session.outputMetadata.map((m) => tensorInfo(m, path, role));
    const list = (xs: TensorInfo[]) => xs.map((x) => `${x.name} ${x.type}${formatShape(x.shape)}`).join(', ');

    let input: TensorInfo | undefined;
    if (options.inputName) {
      input = inputs.find((x) => x.name === options.inputName);
      if (!input) {
        throw new UserError(`The ${role} ${path} has no input '${options.inputName}'; its inputs are: ${list(inputs)}.`, {
          file: path,
          input: 'input-name',
        });
      }
    } else if (inputs.length === 1) {
      input = inputs[0];
    } else {
      throw new UserError(`The ${role} ${path} has ${inputs.length} inputs (${list(inputs)}); set input-name to the one that takes the features.`, {
        file: path,
        input: 'input-name',
      });
    }
    if (inputs.length > 1) {
      const others = inputs.filter((x) => x !== input).map((x) => x.name);
      throw new UserError(
        `The ${role} ${path} also needs input(s) ${others.join(', ')}, but only '${input.name}' can be fed from eval-data.`,
        { file: path, input: 'input-name', hint: 'Export the model with the features as its only input.' },
      );
    }
    let output: TensorInfo | undefined;
    if (options.outputName) {
      output = outputs.find((x) => x.name === options.outputName);
      if (!output) {
        throw new UserError(`The ${role} ${path} has no output '${options.outputName}'; its outputs are: ${list(outputs)}.`, {
          file: path,
          input: 'output-name',
        });
      }
    } else {
      output = outputs[0];
    }
    return { path, session, inputs, outputs, input, output };
  } catch (e) {
    await session.release();
    throw e;
  }
}
