import onnxProto from 'onnx-proto';

import { UserError, fileProblem, messageOf } from '../errors.js';
import { FileTooLargeError, readRegularFile } from '../util/files.js';
import { formatBytes } from '../util/format.js';
import { sha256Hex } from '../util/hash.js';
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
  /** SHA-256 of the bytes decoded (the full 64 hex digits): the file is read once, hashed from memory. */
  sha256: string;
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
 * The largest model file read (2 GiB - 1): protobuf cannot encode a larger ModelProto, so a larger
 * .onnx is not a model (weights beyond it go to external data); checked before a byte is read.
 */
export const MAX_MODEL_BYTES = 2 ** 31 - 1;

/** What a file that is no ONNX model often is instead, by its first bytes. */
const FOREIGN_FORMATS: { is: (bytes: Uint8Array) => boolean; what: string; hint: string }[] = [
  {
    is: isLfsPointer,
    what: 'is a Git LFS pointer file, not the model',
    hint: 'Check out with LFS (actions/checkout with lfs: true) or download the real file.',
  },
  {
    is: (b) => b[0] === 0x50 && b[1] === 0x4b && (b[2] === 3 || b[2] === 5) && (b[3] === 4 || b[3] === 6),
    what: 'is a zip archive, not an ONNX model',
    hint: 'Unzip it and give the .onnx file inside (an .npz goes to reference-inputs or reference-outputs).',
  },
  {
    is: (b) => b[0] === 0x1f && b[1] === 0x8b,
    what: 'is gzip-compressed, not an ONNX model',
    hint: 'Decompress it (gunzip) and give the .onnx file.',
  },
];

/**
 * The file's bytes. It must be a regular file (a FIFO would block the read forever) of at most
 * MAX_MODEL_BYTES, checked on the open handle before reading; a missing, unreadable, oversized,
 * LFS-pointer, zip or gzip file is the user's error.
 */
async function readModelBytes(path: string): Promise<Buffer> {
  const refuse = (what: string, hint?: string) => new UserError(`The model ${path} ${what}.`, { file: path, input: 'model', hint });
  let bytes: Buffer;
  try {
    bytes = await readRegularFile(path, MAX_MODEL_BYTES);
  } catch (e) {
    if (e instanceof FileTooLargeError) {
      throw refuse(
        `is ${formatBytes(e.size)}, larger than any ONNX model file (protobuf's limit, 2 GiB)`,
        'Save the weights as external data: onnx.save_model(model, path, save_as_external_data=True).',
      );
    }
    throw refuse(fileProblem(e, 'an ONNX model file'));
  }
  const foreign = FOREIGN_FORMATS.find((f) => f.is(bytes));
  if (foreign) throw refuse(foreign.what, foreign.hint);
  return bytes;
}

const REEXPORT_HINT = 'Export it again (torch.onnx.export, onnx.save), or copy the whole file again.';

function decodeModel(bytes: Buffer, path: string): ModelProto & { graph: onnxProto.onnx.IGraphProto } {
  let model: ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (e) {
    // protobufjs reading past the end: a field announces more bytes than the file has left
    const why = /index out of range/.test(messageOf(e))
      ? `it ends inside a field after ${formatBytes(bytes.byteLength)} (${messageOf(e)}): the file is cut short`
      : messageOf(e);
    throw new UserError(`The model ${path} does not decode as an ONNX ModelProto: ${why}.`, {
      file: path,
      input: 'model',
      hint: REEXPORT_HINT,
    });
  }
  if (!model.graph || !model.irVersion) {
    throw new UserError(`The model ${path} does not decode as an ONNX model: it has no ${model.graph ? 'ir_version' : 'graph'}.`, {
      file: path,
      input: 'model',
      hint: REEXPORT_HINT,
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

/**
 * A byte count of an external data entry: ONNX stores `offset` and `length` as decimal strings.
 * Anything but a whole number from 0 to 2^53 - 1 is refused here, before any file is read (a
 * negative or NaN position makes Node 24's FileHandle.read throw "out of range").
 */
function byteCount(text: string): number | undefined {
  if (!/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** The external data reference of tensor `t` of the model at `path`, its offset and length checked. */
function externalDataRef(t: TensorProto, path: string): ExternalDataRef {
  const entries = Object.fromEntries((t.externalData ?? []).map((e) => [e.key ?? '', e.value ?? '']));
  const tensor = t.name ?? '';
  const location = entries.location ?? '';
  const refuse = (what: string) =>
    new UserError(
      `The model ${path}: tensor '${tensor}' has external data ${what} (in ${location || 'no file'}); expected a whole number of bytes from 0 to 2^53 - 1.`,
      { file: path, input: 'model', hint: 'Save the model again: onnx.save_model(model, path, save_as_external_data=True).' },
    );
  const offset = byteCount(entries.offset ?? '0');
  if (offset === undefined) throw refuse(`offset '${entries.offset}'`);
  // without `length`, the dims say it (and the dims of a crafted file may be negative)
  const size = ONNX_TYPES[t.dataType ?? 0]?.size ?? 0;
  const length = byteCount(entries.length ?? String(Math.ceil(tensorElements(t) * size)));
  if (length === undefined) {
    throw refuse(entries.length === undefined ? `dims [${(t.dims ?? []).map(toNumber).join(', ')}]` : `length '${entries.length}'`);
  }
  if (!Number.isSafeInteger(offset + length)) throw refuse(`offset ${offset} + length ${length}`);
  return { tensor, location, offset, length };
}

/** Where the initializers stored outside the model file say their bytes are. */
function externalDataRefs(graph: onnxProto.onnx.IGraphProto, path: string): ExternalDataRef[] {
  return (graph.initializer ?? []).filter(storedExternally).map((t) => externalDataRef(t, path));
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
    sha256: sha256Hex(bytes),
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
    externalData: externalDataRefs(graph, path),
  };
  return { model, info };
}
