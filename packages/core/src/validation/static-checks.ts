import { halfToNumber } from '../npy/dtype.js';
import {
  ONNX_TYPES,
  formatOpsets,
  storedExternally,
  tensorElements,
  type ModelInfo,
  type ModelProto,
  type TensorProto,
  type ValueInfo,
} from '../onnx/model-file.js';
import { openRegularFile } from '../util/files.js';
import { formatBytes, formatNumber } from '../util/format.js';
import { fail, pass, skip, verdict, type Check } from './check.js';
import type { ExternalDataResult, ExternalFile, ReadableExternal } from './external-data.js';
import { compareSignature, formatEntry, type Signature } from './signature.js';
import { runtimeSupportProblems, RUNTIME_SUPPORT } from './support.js';

// The checks of the decoded file, before onnxruntime sees it.

const inputsAndOutputs = (info: ModelInfo): ValueInfo[] => [...info.inputs, ...info.outputs];

/** readModel decoded the file (or threw): what it found. */
export function checkDecodes(info: ModelInfo): Check {
  return pass(
    'decodes',
    `IR ${info.irVersion}, ${info.nodes} nodes, ${info.initializers} initializers, producer ${info.producer.name || '?'} ${info.producer.version}`.trim(),
  );
}

export function checkRuntimeSupport(info: ModelInfo): Check {
  const { onnxruntime, maxIrVersion, maxOpset } = RUNTIME_SUPPORT;
  return verdict(
    'runtime-support',
    runtimeSupportProblems(info),
    () =>
      `IR ${info.irVersion}, ${formatOpsets(info.opsets)}; onnxruntime ${onnxruntime} supports up to IR ${maxIrVersion}, ai.onnx ${maxOpset['']}`,
  );
}

/** The model's inputs and outputs against the signature input, when one is given. */
export function checkSignature(info: ModelInfo, expected: Signature | undefined): Check {
  const entries = inputsAndOutputs(info).map(formatEntry).join('; ');
  if (!expected) return skip('signature', `no signature given; the model has ${entries}`);
  return verdict('signature', compareSignature(expected, info.inputs, info.outputs), () => entries);
}

/** With dynamic-batch, every input and output has a symbolic first dimension. */
export function checkBatchDimension(info: ModelInfo, dynamicBatch: boolean): Check {
  if (!dynamicBatch) return skip('batch-dimension', 'dynamic-batch is false');
  const fixed = inputsAndOutputs(info).filter((v) => !v.shape || v.shape.length === 0 || typeof v.shape[0] === 'number');
  const problems = fixed.length
    ? [`${fixed.map(formatEntry).join('; ')}: the first dimension is fixed; export with dynamic_axes={name: {0: 'batch'}}`]
    : [];
  return verdict('batch-dimension', problems, () =>
    inputsAndOutputs(info)
      .map((v) => `${v.name}[0] = ${v.shape![0] ?? '?'}`)
      .join(', '),
  );
}

function bfloat16(bits: number): number {
  return new Float32Array(new Uint32Array([bits << 16]).buffer)[0];
}

/** How each floating-point element type is read from little-endian bytes; the types checked. */
const READ_FLOAT: Record<number, (view: DataView, offset: number) => number> = {
  1: (view, o) => view.getFloat32(o, true),
  10: (view, o) => halfToNumber(view.getUint16(o, true)),
  11: (view, o) => view.getFloat64(o, true),
  16: (view, o) => bfloat16(view.getUint16(o, true)),
};

function decodeFloats(bytes: Uint8Array, dataType: number): Float64Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const size = ONNX_TYPES[dataType].size;
  const read = READ_FLOAT[dataType];
  const values = new Float64Array(Math.floor(bytes.byteLength / size));
  for (let i = 0; i < values.length; i++) values[i] = read(view, i * size);
  return values;
}

/** How many values are NaN or Inf, and the flat index of the first (-1: none). */
export interface NonFinite {
  bad: number;
  first: number;
}

/** Counts NaN and Inf in `values`, numbering them from flat index `from`. */
export function countNonFinite(values: ArrayLike<number>, from = 0): NonFinite {
  let bad = 0;
  let first = -1;
  for (let i = 0; i < values.length; i++) {
    if (Number.isFinite(values[i])) continue;
    bad++;
    if (first < 0) first = from + i;
  }
  return { bad, first };
}

/** The tensor's bytes in external data, read in chunks of about 1 MiB (whole elements). */
async function externalNonFinite(external: ReadableExternal, dataType: number): Promise<NonFinite> {
  const size = ONNX_TYPES[dataType].size;
  const chunk = new Uint8Array(Math.max(size, (1 << 20) - ((1 << 20) % size)));
  const total: NonFinite = { bad: 0, first: -1 };
  const handle = await openRegularFile(external.path);
  try {
    for (let done = 0; done < external.ref.length;) {
      const want = Math.min(chunk.byteLength, external.ref.length - done);
      const { bytesRead } = await handle.read(chunk, 0, want, external.ref.offset + done);
      if (bytesRead === 0) break;
      const r = countNonFinite(decodeFloats(chunk.subarray(0, bytesRead), dataType), done / size);
      if (total.first < 0) total.first = r.first;
      total.bad += r.bad;
      done += bytesRead;
    }
    return total;
  } finally {
    await handle.close();
  }
}

/** A tensor's values stored in the model file. */
function inlineValues(t: TensorProto, dataType: number): ArrayLike<number> {
  if (t.rawData && t.rawData.byteLength) return decodeFloats(t.rawData, dataType);
  // typed fields: float32 in float_data, float64 in double_data, 16-bit floats as bits in int32_data
  if (dataType === 1) return t.floatData ?? [];
  if (dataType === 11) return t.doubleData ?? [];
  return (t.int32Data ?? []).map((b) => (dataType === 10 ? halfToNumber(b) : bfloat16(b)));
}

/** No initializer (weight) holds NaN or Inf, inline or in external data that is readable. */
export async function checkInitializersFinite(model: ModelProto, external: ExternalDataResult['readable']): Promise<Check> {
  const problems: string[] = [];
  let checked = 0;
  let unreadable = 0;
  for (const t of model.graph?.initializer ?? []) {
    const dataType = t.dataType ?? 0;
    if (!(dataType in READ_FLOAT)) continue;
    const ext = storedExternally(t) ? external.get(t.name ?? '') : undefined;
    if (storedExternally(t) && !ext) {
      unreadable++;
      continue;
    }
    checked++;
    const { bad, first } = ext ? await externalNonFinite(ext, dataType) : countNonFinite(inlineValues(t, dataType));
    if (bad) problems.push(`'${t.name}' holds ${bad} NaN/Inf value(s) of ${tensorElements(t)} (first at flat index ${first})`);
  }
  if (!problems.length && checked === 0 && unreadable === 0)
    return skip('initializers-finite', 'the model has no floating-point initializers');
  return verdict(
    'initializers-finite',
    problems,
    () =>
      `${checked} floating-point initializer(s) hold no NaN or Inf${unreadable ? `; ${unreadable} with unreadable external data not checked` : ''}`,
  );
}

export function checkSize(info: ModelInfo, files: ExternalFile[], maxMb: number | undefined): Check {
  const total = info.sizeBytes + files.reduce((a, f) => a + f.size, 0);
  const what = `${formatBytes(total)}${files.length ? ` (model file ${formatBytes(info.sizeBytes)} + ${files.length} external data file(s))` : ''}`;
  if (maxMb === undefined) return skip('size', `${what}; no max-size-mb set`);
  const limit = `max-size-mb ${formatNumber(maxMb)}`;
  // MB as max-size-mb's description means it: 1024 * 1024 bytes
  return total / (1024 * 1024) <= maxMb ? pass('size', `${what} <= ${limit}`) : fail('size', `${what} exceeds ${limit}`);
}
