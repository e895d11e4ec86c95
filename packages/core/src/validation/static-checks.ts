import { open, realpath, stat } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve } from 'node:path';

import { halfToNumber } from '../npy/dtype.js';
import { isLfsPointer, tensorElements, type ExternalDataRef, type ModelInfo, type ModelProto, type TensorProto } from '../onnx/model-file.js';
import { fail, pass, skip, type Check } from './check.js';

/** An external data file as found on disk. */
interface ExternalFile {
  path: string;
  size: number;
}

export interface ExternalDataResult {
  check: Check;
  /** Refs whose bytes are all on disk, by tensor name, with the file they are in. */
  readable: Map<string, { ref: ExternalDataRef; path: string }>;
  files: ExternalFile[];
}

/**
 * External data references (ONNX's `location`/`offset`/`length`) must stay inside the model's
 * folder, name files that exist, that are long enough, and that are not Git LFS pointers.
 */
export async function checkExternalData(info: ModelInfo): Promise<ExternalDataResult> {
  const id = 'external-data';
  const title = 'External data';
  const readable = new Map<string, { ref: ExternalDataRef; path: string }>();
  if (info.externalData.length === 0) return { check: pass(id, title, 'all tensors are stored in the model file'), readable, files: [] };
  const dir = dirname(resolve(info.path));
  const problems: string[] = [];
  const files = new Map<string, ExternalFile | null>();
  for (const ref of info.externalData) {
    if (!ref.location) {
      problems.push(`tensor '${ref.tensor}' is marked external but has no location`);
      continue;
    }
    const path = resolve(dir, ref.location);
    const rel = relative(dir, path);
    if (isAbsolute(ref.location) || rel.startsWith('..') || isAbsolute(rel)) {
      problems.push(`tensor '${ref.tensor}' points outside the model's folder (${ref.location})`);
      continue;
    }
    if (!files.has(path)) {
      try {
        const s = await stat(path);
        if (!s.isFile()) throw new Error('not a file');
        // a link inside the folder may still lead out of it
        const real = relative(await realpath(dir), await realpath(path));
        if (real.startsWith('..') || isAbsolute(real)) {
          problems.push(`tensor '${ref.tensor}' points outside the model's folder (${ref.location} is a link to ${await realpath(path)})`);
          files.set(path, null);
          continue;
        }
        const handle = await open(path, 'r');
        const head = new Uint8Array(64);
        try {
          await handle.read(head, 0, 64, 0);
        } finally {
          await handle.close();
        }
        if (isLfsPointer(head)) {
          problems.push(`${ref.location} is a Git LFS pointer file, not the tensor data (check out with lfs: true)`);
          files.set(path, null);
        } else files.set(path, { path, size: s.size });
      } catch {
        problems.push(`tensor '${ref.tensor}' needs ${ref.location}, which does not exist next to the model`);
        files.set(path, null);
      }
    }
    const file = files.get(path);
    if (!file) continue;
    if (ref.offset + ref.length > file.size) {
      problems.push(
        `tensor '${ref.tensor}' needs bytes ${ref.offset}..${ref.offset + ref.length} of ${ref.location}, which holds ${file.size}`,
      );
      continue;
    }
    readable.set(ref.tensor, { ref, path });
  }
  const found = [...files.values()].filter((f): f is ExternalFile => f !== null);
  const check = problems.length
    ? fail(id, title, problems.join('; '))
    : pass(id, title, `${info.externalData.length} tensors in ${found.length} file(s), all present and complete`);
  return { check, readable, files: found };
}

const FLOAT_TYPES = new Set([1, 10, 11, 16]); // float32, float16, float64, bfloat16

function countNonFiniteBytes(bytes: Uint8Array, dataType: number): { bad: number; first: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let bad = 0;
  let first = -1;
  const size = dataType === 11 ? 8 : dataType === 1 ? 4 : 2;
  const n = Math.floor(bytes.byteLength / size);
  for (let i = 0; i < n; i++) {
    const o = i * size;
    const v =
      dataType === 1
        ? view.getFloat32(o, true)
        : dataType === 11
          ? view.getFloat64(o, true)
          : dataType === 10
            ? halfToNumber(view.getUint16(o, true))
            : new Float32Array(new Uint32Array([view.getUint16(o, true) << 16]).buffer)[0]; // bfloat16
    if (!Number.isFinite(v)) {
      bad++;
      if (first < 0) first = i;
    }
  }
  return { bad, first };
}

async function nonFinite(t: TensorProto, external?: { ref: ExternalDataRef; path: string }): Promise<{ bad: number; first: number }> {
  const type = t.dataType ?? 0;
  if (external) {
    const handle = await open(external.path, 'r');
    try {
      const size = type === 11 ? 8 : type === 1 ? 4 : 2;
      const chunk = new Uint8Array(Math.max(size, (1 << 20) - ((1 << 20) % size)));
      let bad = 0;
      let first = -1;
      for (let done = 0; done < external.ref.length; ) {
        const want = Math.min(chunk.byteLength, external.ref.length - done);
        const { bytesRead } = await handle.read(chunk, 0, want, external.ref.offset + done);
        if (bytesRead === 0) break;
        const r = countNonFiniteBytes(chunk.subarray(0, bytesRead), type);
        if (r.bad && first < 0) first = done / size + r.first;
        bad += r.bad;
        done += bytesRead;
      }
      return { bad, first };
    } finally {
      await handle.close();
    }
  }
  if (t.rawData && t.rawData.byteLength) return countNonFiniteBytes(t.rawData, type);
  // typed fields: float32 in float_data, float64 in double_data, 16-bit floats as bits in int32_data
  const values: number[] =
    type === 1 ? (t.floatData ?? []) : type === 11 ? (t.doubleData ?? []) : (t.int32Data ?? []).map((b) => (type === 10 ? halfToNumber(b) : new Float32Array(new Uint32Array([b << 16]).buffer)[0]));
  let bad = 0;
  let first = -1;
  values.forEach((v, i) => {
    if (!Number.isFinite(v)) {
      bad++;
      if (first < 0) first = i;
    }
  });
  return { bad, first };
}

/** No initializer (weight) holds NaN or Inf, inline or in external data that is readable. */
export async function checkInitializersFinite(model: ModelProto, external: ExternalDataResult['readable']): Promise<Check> {
  const id = 'initializers-finite';
  const title = 'Weights are finite';
  const problems: string[] = [];
  let checked = 0;
  let unreadable = 0;
  for (const t of model.graph?.initializer ?? []) {
    if (!FLOAT_TYPES.has(t.dataType ?? 0)) continue;
    const isExternal = t.dataLocation === 1;
    const ext = isExternal ? external.get(t.name ?? '') : undefined;
    if (isExternal && !ext) {
      unreadable++;
      continue;
    }
    checked++;
    const { bad, first } = await nonFinite(t, ext);
    if (bad) problems.push(`'${t.name}' holds ${bad} NaN/Inf value(s) of ${tensorElements(t)} (first at flat index ${first})`);
  }
  if (problems.length) return fail(id, title, problems.join('; '));
  if (checked === 0 && unreadable === 0) return skip(id, title, 'the model has no floating-point initializers');
  return pass(id, title, `${checked} floating-point initializer(s) hold no NaN or Inf${unreadable ? `; ${unreadable} with unreadable external data not checked` : ''}`);
}

export function checkSize(info: ModelInfo, files: ExternalFile[], maxMb: number | undefined): Check {
  const total = info.sizeBytes + files.reduce((a, f) => a + f.size, 0);
  const mb = total / (1024 * 1024);
  const size = (bytes: number) => (bytes < 1048576 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1048576).toFixed(2)} MB`);
  const what = `${size(total)}${files.length ? ` (model file ${size(info.sizeBytes)} + ${files.length} external data file(s))` : ''}`;
  if (maxMb === undefined) return skip('size', 'Size', `${what}; no max-size-mb set`);
  return mb <= maxMb ? pass('size', 'Size', `${what} <= max-size-mb ${maxMb}`) : fail('size', 'Size', `${what} exceeds max-size-mb ${maxMb}`);
}
