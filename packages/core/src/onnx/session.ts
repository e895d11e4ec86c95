import { availableParallelism } from 'node:os';
import type { InferenceSession, Tensor } from 'onnxruntime-node';

import { UserError, fileProblem, messageOf } from '../errors.js';
import { checkReadableRegularFile } from '../util/files.js';
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
  /** The action input that named the file: every error about this model names it. */
  pathInput: string;
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

function tensorInfo(meta: InferenceSession.ValueMetadata, path: string, options: LoadModelOptions): TensorInfo {
  if (!meta.isTensor) {
    throw new UserError(
      `The ${options.role} ${path} (input ${options.inputOfPath}) has a non-tensor value '${meta.name}' (a sequence or map).`,
      {
        file: path,
        input: options.inputOfPath,
        hint: 'Export the model with plain tensor inputs and outputs (for skl2onnx: options={"zipmap": False}).',
      },
    );
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

/**
 * Checks that `path` is a regular file this process can read (stat alone would pass an unreadable
 * file, which onnxruntime would then report as a corrupt model; a FIFO would block onnxruntime's
 * read past every deadline, a device stream without end). The UserError keeps the file system's
 * error as its cause, so that a caller can tell a missing file from an unreadable one.
 */
async function checkModelFile(path: string, role: string, inputOfPath: string): Promise<void> {
  try {
    await checkReadableRegularFile(path);
  } catch (e) {
    throw new UserError(`The ${role} ${path} (input ${inputOfPath}) ${fileProblem(e, 'an .onnx file')}.`, {
      file: path,
      input: inputOfPath,
      cause: e,
    });
  }
}

async function openSession(ort: OnnxRuntime, path: string, options: LoadModelOptions): Promise<InferenceSession> {
  try {
    return await createSession(ort, path, options.threads);
  } catch (e) {
    throw new UserError(
      `The ${options.role} ${path} (input ${options.inputOfPath}) cannot be loaded by onnxruntime: ${messageOf(e).trim()}`,
      {
        file: path,
        input: options.inputOfPath,
        hint: 'Check that it is a complete ONNX file (not a Git LFS pointer) whose opset this onnxruntime supports.',
        cause: e,
      },
    );
  }
}

const listTensors = (xs: TensorInfo[]) => xs.map((x) => `${x.name} ${x.type}${formatShape(x.shape)}`).join(', ');

/** The input the features are fed to: the named one, or the only one; the model may have no other. */
function pickInput(inputs: TensorInfo[], path: string, role: string, name: string | undefined): TensorInfo {
  let input: TensorInfo | undefined;
  if (name) {
    input = inputs.find((x) => x.name === name);
    if (!input) {
      throw new UserError(`The ${role} ${path} has no input '${name}' (input input-name); its inputs are: ${listTensors(inputs)}.`, {
        file: path,
        input: 'input-name',
      });
    }
  } else if (inputs.length === 1) {
    input = inputs[0];
  } else {
    throw new UserError(
      `The ${role} ${path} has ${inputs.length} inputs (${listTensors(inputs)}); set input-name to the one that takes the features.`,
      {
        file: path,
        input: 'input-name',
      },
    );
  }
  if (inputs.length > 1) {
    const others = inputs.filter((x) => x !== input).map((x) => x.name);
    throw new UserError(
      `The ${role} ${path} also needs input(s) ${others.join(', ')}, but only one can be fed from eval-data: '${input.name}' (input input-name).`,
      { file: path, input: 'input-name', hint: 'Export the model with the features as its only input.' },
    );
  }
  return input;
}

/** The output scored: the named one, or the first. */
function pickOutput(outputs: TensorInfo[], path: string, role: string, name: string | undefined): TensorInfo {
  if (!name) return outputs[0];
  const output = outputs.find((x) => x.name === name);
  if (!output) {
    throw new UserError(`The ${role} ${path} has no output '${name}' (input output-name); its outputs are: ${listTensors(outputs)}.`, {
      file: path,
      input: 'output-name',
    });
  }
  return output;
}

/** Opens an ONNX model in onnxruntime and picks the input and output to use. */
export async function loadModel(ort: OnnxRuntime, path: string, options: LoadModelOptions): Promise<LoadedModel> {
  const { role } = options;
  await checkModelFile(path, role, options.inputOfPath);
  const session = await openSession(ort, path, options);
  try {
    const inputs = session.inputMetadata.map((m) => tensorInfo(m, path, options));
    const outputs = session.outputMetadata.map((m) => tensorInfo(m, path, options));
    const input = pickInput(inputs, path, role, options.inputName);
    const output = pickOutput(outputs, path, role, options.outputName);
    return { path, pathInput: options.inputOfPath, session, inputs, outputs, input, output };
  } catch (e) {
    await session.release();
    throw e;
  }
}
