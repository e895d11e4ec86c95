/**
 * The Open Inference Protocol (KServe V2) as a client sees it: model metadata, infer requests
 * built from arrays, and infer responses, validated into plain values.
 * https://kserve.github.io/website/latest/modelserving/data_plane/v2_protocol/
 */
import { parseError, parsed, type ParseResult } from '../errors.js';
import { elementCount } from '../util/shape.js';

/** Tensor datatypes of the protocol this client can send and read (BYTES is not supported). */
export const OIP_DATATYPES = [
  'BOOL',
  'UINT8',
  'UINT16',
  'UINT32',
  'UINT64',
  'INT8',
  'INT16',
  'INT32',
  'INT64',
  'FP16',
  'FP32',
  'FP64',
] as const;
export type OipDatatype = (typeof OIP_DATATYPES)[number];

export function isOipDatatype(s: unknown): s is OipDatatype {
  return typeof s === 'string' && (OIP_DATATYPES as readonly string[]).includes(s);
}

/** onnxruntime's name of each datatype's element type. */
export const ORT_TYPE_OF: Record<OipDatatype, string> = {
  BOOL: 'bool',
  UINT8: 'uint8',
  UINT16: 'uint16',
  UINT32: 'uint32',
  UINT64: 'uint64',
  INT8: 'int8',
  INT16: 'int16',
  INT32: 'int32',
  INT64: 'int64',
  FP16: 'float16',
  FP32: 'float32',
  FP64: 'float64',
};

export interface OipTensorMetadata {
  name: string;
  datatype: string;
  /** -1 for a dynamic dimension. */
  shape: number[];
}

export interface OipModelMetadata {
  name: string;
  versions?: string[];
  platform?: string;
  inputs: OipTensorMetadata[];
  outputs: OipTensorMetadata[];
}

/** An input of an infer request: data flattened in row-major order. */
export interface OipRequestTensor {
  name: string;
  datatype: OipDatatype;
  shape: number[];
  data: number[] | boolean[];
}

/** An output of an infer response, data flattened (booleans as 0 and 1). */
export interface OipResponseTensor {
  name: string;
  datatype: string;
  shape: number[];
  data: number[];
}

export interface OipInferResponse {
  modelName?: string;
  modelVersion?: string;
  id?: string;
  outputs: OipResponseTensor[];
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const isShape = (v: unknown): v is number[] => Array.isArray(v) && v.every((d) => Number.isInteger(d) && d >= -1);

function tensorMetadata(v: unknown, where: string): ParseResult<OipTensorMetadata> {
  if (!isObject(v)) return parseError(`${where} is not an object`);
  if (typeof v.name !== 'string') return parseError(`${where} has no name`);
  if (typeof v.datatype !== 'string') return parseError(`${where} (${v.name}) has no datatype`);
  if (!isShape(v.shape)) return parseError(`${where} (${v.name}) has no shape (a list of integers, -1 for dynamic)`);
  return parsed({ name: v.name, datatype: v.datatype, shape: v.shape });
}

/** The metadata's `inputs` or `outputs` list (an absent list is empty). */
function tensorList(json: Record<string, unknown>, key: 'inputs' | 'outputs'): ParseResult<OipTensorMetadata[]> {
  const list = json[key];
  if (list === undefined) return parsed([]);
  if (!Array.isArray(list)) return parseError(`the model metadata's ${key} is not a list`);
  const out: OipTensorMetadata[] = [];
  for (let i = 0; i < list.length; i++) {
    const t = tensorMetadata(list[i], `${key}[${i}]`);
    if (!t.ok) return parseError(`the model metadata's ${t.error}`);
    out.push(t.value);
  }
  return parsed(out);
}

/** Validates a `GET /v2/models/{name}` answer. */
export function parseModelMetadata(json: unknown): ParseResult<OipModelMetadata> {
  if (!isObject(json)) return parseError('the model metadata is not a JSON object');
  if (typeof json.name !== 'string') return parseError('the model metadata has no name');
  const inputs = tensorList(json, 'inputs');
  if (!inputs.ok) return inputs;
  const outputs = tensorList(json, 'outputs');
  if (!outputs.ok) return outputs;
  const versions = Array.isArray(json.versions) ? json.versions.map(String) : undefined;
  return parsed({
    name: json.name,
    versions,
    platform: typeof json.platform === 'string' ? json.platform : undefined,
    inputs: inputs.value,
    outputs: outputs.value,
  });
}

/** The body of `POST /v2/models/{name}/infer`. */
export function buildInferRequest(inputs: readonly OipRequestTensor[], id?: string): Record<string, unknown> {
  return {
    ...(id ? { id } : {}),
    inputs: inputs.map((t) => ({ name: t.name, shape: t.shape, datatype: t.datatype, data: t.data })),
  };
}

function flatten(v: unknown, out: number[]): boolean {
  if (Array.isArray(v)) return v.every((x) => flatten(x, out));
  if (typeof v === 'number') out.push(v);
  else if (typeof v === 'boolean') out.push(v ? 1 : 0);
  else if (v === 'NaN' || v === 'Infinity' || v === '-Infinity') out.push(Number(v));
  else return false;
  return true;
}

/** One output of an infer response: a name, a shape and as many numbers as the shape holds. */
function responseTensor(o: unknown, i: number): ParseResult<OipResponseTensor> {
  if (!isObject(o) || typeof o.name !== 'string') return parseError(`outputs[${i}] of the infer response has no name`);
  if (!isShape(o.shape)) return parseError(`output ${o.name} of the infer response has no valid shape`);
  const data: number[] = [];
  if (!flatten(o.data, data))
    return parseError(`output ${o.name} of the infer response has non-numeric data (BYTES outputs are not compared)`);
  const n = elementCount(o.shape);
  if (data.length !== n)
    return parseError(`output ${o.name} of the infer response has ${data.length} values for shape [${o.shape.join(', ')}] (${n})`);
  return parsed({ name: o.name, datatype: typeof o.datatype === 'string' ? o.datatype : '', shape: o.shape, data });
}

/** Validates an infer response: every output has a name, a shape and as many numbers as the shape holds. */
export function parseInferResponse(json: unknown): ParseResult<OipInferResponse> {
  if (!isObject(json)) return parseError('the infer response is not a JSON object');
  if (!Array.isArray(json.outputs)) return parseError('the infer response has no outputs list');
  const outputs: OipResponseTensor[] = [];
  for (let i = 0; i < json.outputs.length; i++) {
    const t = responseTensor(json.outputs[i], i);
    if (!t.ok) return t;
    outputs.push(t.value);
  }
  const str = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);
  return parsed({ modelName: str(json.model_name), modelVersion: str(json.model_version), id: str(json.id), outputs });
}

/** A model of the repository index (`POST /v2/repository/index`: Triton, KServe's model repository extension). */
export interface OipRepositoryModel {
  name: string;
  version?: string;
  /** READY, UNAVAILABLE, LOADING... as the server words it. */
  state?: string;
}

/** Validates a repository index: a list of objects with a name (version and state when given). */
export function parseRepositoryIndex(json: unknown): ParseResult<OipRepositoryModel[]> {
  if (!Array.isArray(json)) return parseError('the repository index is not a JSON list');
  const models: OipRepositoryModel[] = [];
  for (const m of json) {
    if (!isObject(m) || typeof m.name !== 'string') return parseError('an entry of the repository index has no name');
    const str = (v: unknown) => (typeof v === 'string' && v ? v : typeof v === 'number' ? String(v) : undefined);
    models.push({ name: m.name, version: str(m.version), state: str(m.state) });
  }
  return parsed(models);
}
