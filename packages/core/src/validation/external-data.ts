import { realpath } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';

import { fileProblem } from '../errors.js';
import { isLfsPointer, type ExternalDataRef, type ModelInfo } from '../onnx/model-file.js';
import { openRegularFile, pathInside } from '../util/files.js';
import { verdict, type Check } from './check.js';

/** An external data file as found on disk. */
export interface ExternalFile {
  path: string;
  size: number;
}

/** An external tensor whose bytes are all on disk, and the file they are in. */
export interface ReadableExternal {
  ref: ExternalDataRef;
  path: string;
}

export interface ExternalDataResult {
  check: Check;
  /** Refs whose bytes are all on disk, by tensor name. */
  readable: Map<string, ReadableExternal>;
  files: ExternalFile[];
}

/** The size and the first bytes of a regular file (a FIFO or a device is refused before it is read). */
async function sizeAndHead(path: string, bytes: number): Promise<{ size: number; head: Uint8Array }> {
  const handle = await openRegularFile(path);
  try {
    const head = new Uint8Array(bytes);
    const { size } = await handle.stat();
    const { bytesRead } = await handle.read(head, 0, bytes, 0);
    return { size, head: head.subarray(0, bytesRead) };
  } finally {
    await handle.close();
  }
}

/**
 * The data file `ref` names (at `path`, inside `dir`) as found on disk, or what is wrong with it:
 * missing, unreadable or not a regular file, a link leading out of the folder, a Git LFS pointer.
 */
async function inspectDataFile(dir: string, path: string, ref: ExternalDataRef): Promise<ExternalFile | string> {
  try {
    // a link inside the folder may still lead out of it: asked before the file is opened
    const real = await realpath(path);
    if (!pathInside(await realpath(dir), real))
      return `tensor '${ref.tensor}' points outside the model's folder (${ref.location} is a link to ${real})`;
    const { size, head } = await sizeAndHead(real, 64);
    if (isLfsPointer(head)) return `${ref.location} is a Git LFS pointer file, not the tensor data (check out with lfs: true)`;
    return { path, size };
  } catch (e) {
    const where = (e as NodeJS.ErrnoException).code === 'ENOENT' ? ' next to the model' : '';
    return `tensor '${ref.tensor}' needs ${ref.location}, which ${fileProblem(e, 'a file of tensor data')}${where}`;
  }
}

/**
 * External data references (ONNX's `location`/`offset`/`length`) must stay inside the model's
 * folder, name files that exist, that are long enough, and that are not Git LFS pointers.
 */
export async function checkExternalData(info: ModelInfo): Promise<ExternalDataResult> {
  const readable = new Map<string, ReadableExternal>();
  const dir = dirname(resolve(info.path));
  const problems: string[] = [];
  // a file's problem is told once, for the first tensor in it
  const files = new Map<string, ExternalFile | null>();
  for (const ref of info.externalData) {
    const path = resolve(dir, ref.location);
    if (!ref.location || isAbsolute(ref.location) || !pathInside(dir, ref.location)) {
      problems.push(
        ref.location
          ? `tensor '${ref.tensor}' points outside the model's folder (${ref.location})`
          : `tensor '${ref.tensor}' is marked external but has no location`,
      );
      continue;
    }
    if (!files.has(path)) {
      const found = await inspectDataFile(dir, path, ref);
      if (typeof found === 'string') problems.push(found);
      files.set(path, typeof found === 'string' ? null : found);
    }
    const file = files.get(path);
    if (!file) continue;
    if (ref.offset + ref.length > file.size)
      problems.push(
        `tensor '${ref.tensor}' needs bytes ${ref.offset}..${ref.offset + ref.length} of ${ref.location}, which holds ${file.size}`,
      );
    else readable.set(ref.tensor, { ref, path });
  }
  const found = [...files.values()].filter((f): f is ExternalFile => f !== null);
  const check = verdict('external-data', problems, () =>
    info.externalData.length
      ? `${info.externalData.length} tensors in ${found.length} file(s), all present and complete`
      : 'all tensors are stored in the model file',
  );
  return { check, readable, files: found };
}
