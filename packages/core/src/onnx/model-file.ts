import type { Stats } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import onnxProto from 'onnx-proto';

import { UserError, fileProblem, messageOf } from '../errors.js';
import { elementCount } from '../util/shape.js';

const { onnx } = onnxProto;
export type ModelProto = InstanceType<typeof onnx.ModelProto>;
export type TensorProto = onnxProto.onnx.ITensorProto;

/** ONNX TensorProto.DataType -> the name onnxruntime uses, and bytes per element (0: variable). */
export const ONNX_TYPES: Record<number, { name: string; size: number }> = {
  1: { name: 'float32', size: 4 },
  2: { name: 'uint8', size: 1 },
  3: { name: 'int8', size: 1 },
  4: { name: 'uint16', size: 2 },
  5: { name: 'int16', size: 2 },
  6: { name: 'int32', size: 4 },
  7: { name: 'int64', size: 8 },
  8: { name: 'string', size: 0 },
  9: { name: 'bool', size: 1 },
  10: { name: 'float16', size: 2 },
  11: { name: 'float64', size: 8 },
  12: { name: 'uint32', size: 4 },
  13: { name: 'uint64', size: 8 },
  14: { name: 'complex64', size: 8 },
  15: { name: 'complex128', size: 16 },
  16: { name: 'bfloat16', size: 2 },
  17: { name: 'float8e4m3fn', size: 1 },
  18: { name: 'float8e4m3fnuz', size: 1 },
  19: { name: 'float8e5m2', size: 1 },
  20: { name: 'float8e5m2fnuz', size: 1 },
  21: { name: 'uint4', size: 0.5 },
  22: { name: 'int4', size: 0.5 },
  23: { name: 'float4e2m1', size: 0.5 },
};

export function typeName(dataType: number | null | undefined): string {
  return ONNX_TYPES[dataType ?? 0]?.name ?? `type ${dataType}`;
}

/**
 * An int64 field as onnx-proto decodes it: a number or a Long. Typed unknown because onnx-proto's
 * declarations name a global Long type that nothing declares (it is `any` to TypeScript).
 */
export function toNumber(v: unknown): number {
  if (v === null || v === undefined) return 0;
  return typeof v === 'number' ? v : (v as { toNumber(): number }).toNumber();
}

export interface ValueInfo {
  name: string;
  type: string;
  /** Dimensions: a number, a symbolic name, or null for an unknown one; null shape: rank unknown. */
  shape: (number | string | null)[] | null;
}

export interface ExternalDataRef {
  tensor: string;
  location: string;
  offset: number;
  /** Bytes the tensor needs (from `length`, else dims x element size). */
  length: number;
}

export interface ModelInfo {
  path: string;
  sizeBytes: number;
  irVersion: number;
  opsets: { domain: string; version: number }[];
  producer: { name: string; version: string };
  domain: string;
  modelVersion: number;
  docString: string;
  graphName: string;
  metadata: Record<string, string>;
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  /** Node count per operator, `domain::Op` for non-default domains. */
  operators: Record<string, number>;
  nodes: number;
  initializers: number;
  /** Elements in all initializers. */
  parameters: number;
  externalData: ExternalDataRef[];
}

/** "ai.onnx 13, ai.onnx.ml 3": the default domain by its name. */
export function formatOpsets(opsets: ModelInfo['opsets']): string {
  return opsets.map((o) => `${o.domain || 'ai.onnx'} ${o.version}`).join(', ');
}

const LFS_POINTER = 'version https://git-lfs.github.com/spec/';

export function isLfsPointer(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.subarray(0, LFS_POINTER.length)).toString('latin1') === LFS_POINTER;
}

function valueInfo(v: onnxProto.onnx.IValueInfoProto): ValueInfo {
  const tensor = v.type?.tensorType;
  if (!tensor) return { name: v.name ?? '', type: v.type?.sequenceType ? 'sequence' : v.type?.mapType ? 'map' : 'unknown', shape: null };
  const dims = tensor.shape?.dim;
  return {
    name: v.name ?? '',
    type: typeName(tensor.elemType),
    // a dimension is a symbol, a size, or unknown (neither set; decoded as size 0)
    shape: tensor.shape
      ? (dims ?? []).map((d) => (d.dimParam ? d.dimParam : toNumber(d.dimValue) > 0 ? toNumber(d.dimValue) : null))
      : null,
  };
}

/** An initializer whose bytes are in an external data file, not in the model file. */
export function storedExternally(t: TensorProto): boolean {
  return t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL;
}

export function tensorElements(t: TensorProto): number {
  return elementCount((t.dims ?? []).map(toNumber));
}

/**
 * stat of a regular file. Anything else throws, a directory with EISDIR (for fileProblem): asked
 * first because reading a directory fails differently per platform, and reading a FIFO waits forever.
 */
export async function statFile(path: string): Promise<Stats> {
  const s = await stat(path);
  if (!s.isFile()) throw Object.assign(new Error('not a regular file'), { code: s.isDirectory() ? 'EISDIR' : undefined });
  return s;
}

/** The file's bytes; a missing, unreadable or LFS-pointer file is the user's error. */
async function readModelBytes(path: string): Promise<Buffer> {
  let bytes: Buffer;
  try {
    await statFile(path);
    bytes = await readFile(path);
  } catch (e) {
    throw new UserError(`The model ${path} ${fileProblem(e, 'an ONNX model file')}.`, { file: path, input: 'model' });
  }
  if (isLfsPointer(bytes)) {
    throw new UserError(`The model ${path} is a Git LFS pointer file, not the model.`, {
      file: path,
      input: 'model',
      hint: 'Check out with LFS (actions/checkout with lfs: true) or download the real file.',
    });
  }
  return bytes;
}

function decodeModel(bytes: Buffer, path: string): ModelProto & { graph: onnxProto.onnx.IGraphProto } {
  let model: ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (e) {
    throw new UserError(`The model ${path} does not decode as an ONNX ModelProto: ${messageOf(e)}.`, { file: path, input: 'model' });
  }
  if (!model.graph || !model.irVersion) {
    throw new UserError(`The model ${path} does not decode as an ONNX model: it has no ${model.graph ? 'ir_version' : 'graph'}.`, {
      file: path,
      input: 'model',
    });
  }
  return model as ModelProto & { graph: onnxProto.onnx.IGraphProto };
}

/** Node count per operator, `domain::Op` for non-default domains. */
function operatorCounts(graph: onnxProto.onnx.IGraphProto): Record<string, number> {
  const operators: Record<string, number> = {};
  for (const node of graph.node ?? []) {
    const key = node.domain && node.domain !== 'ai.onnx' ? `${node.domain}::${node.opType}` : (node.opType ?? '?');
    operators[key] = (operators[key] ?? 0) + 1;
  }
  return operators;
}

/** Where the initializers stored outside the model file say their bytes are. */
function externalDataRefs(graph: onnxProto.onnx.IGraphProto): ExternalDataRef[] {
  return (graph.initializer ?? []).filter(storedExternally).map((t) => {
    const entries = Object.fromEntries((t.externalData ?? []).map((e) => [e.key ?? '', e.value ?? '']));
    const size = ONNX_TYPES[t.dataType ?? 0]?.size ?? 0;
    return {
      tensor: t.name ?? '',
      location: entries.location ?? '',
      offset: Number(entries.offset ?? 0),
      length: entries.length !== undefined ? Number(entries.length) : Math.ceil(tensorElements(t) * size),
    };
  });
}

/** Reads and decodes an ONNX file (without its external data). */
export async function readModel(path: string): Promise<{ model: ModelProto; info: ModelInfo }> {
  const bytes = await readModelBytes(path);
  const model = decodeModel(bytes, path);
  const graph = model.graph;
  const initializers = graph.initializer ?? [];
  const initializerNames = new Set(initializers.map((t) => t.name));
  const info: ModelInfo = {
    path,
    sizeBytes: bytes.byteLength,
    irVersion: toNumber(model.irVersion),
    opsets: (model.opsetImport ?? []).map((o) => ({ domain: o.domain ?? '', version: toNumber(o.version) })),
    producer: { name: model.producerName ?? '', version: model.producerVersion ?? '' },
    domain: model.domain ?? '',
    modelVersion: toNumber(model.modelVersion),
    docString: model.docString ?? '',
    graphName: graph.name ?? '',
    metadata: Object.fromEntries((model.metadataProps ?? []).map((p) => [p.key ?? '', p.value ?? ''])),
    // before IR 4, initializers were also listed as graph inputs
    inputs: (graph.input ?? []).filter((v) => !initializerNames.has(v.name)).map(valueInfo),
    outputs: (graph.output ?? []).map(valueInfo),
    operators: operatorCounts(graph),
    nodes: (graph.node ?? []).length,
    initializers: initializerNames.size,
    parameters: initializers.reduce((sum, t) => sum + tensorElements(t), 0),
    externalData: externalDataRefs(graph),
  };
  return { model, info };
}
