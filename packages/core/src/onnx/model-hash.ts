/**
 * The SHA-256 of a model as onnxruntime loads it: the .onnx file and the external data files its
 * initializers name (ONNX's `location`), so that a model retrained into a new weights file beside
 * an unchanged graph is a different model to a cache, a shard's manifest and the report. The file
 * is streamed once; it is decoded only when its bytes mention `location` (the key of an external
 * data entry), so that a model with its weights inline is not decoded for nothing.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { dirname, resolve } from 'node:path';

import { readModel } from './model-file.js';

const MARKER = Buffer.from('location');

/** Streams `path` into `hash`; returns whether its bytes hold `marker` (also across chunk boundaries). */
async function hashFile(hash: Hash, path: string, marker?: Buffer): Promise<boolean> {
  let found = false;
  let tail: Buffer = Buffer.alloc(0);
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    const bytes = chunk as Buffer;
    hash.update(bytes);
    if (marker && !found) {
      found = Buffer.concat([tail, bytes.subarray(0, marker.length - 1)]).includes(marker) || bytes.includes(marker);
      tail = bytes.subarray(Math.max(0, bytes.length - (marker.length - 1)));
    }
  }
  return found;
}

/** The external data files the model at `path` names, resolved beside it, each once, in the order first named. */
async function externalDataFiles(path: string): Promise<string[]> {
  const { info } = await readModel(path);
  const dir = dirname(resolve(path));
  return [...new Set(info.externalData.map((ref) => resolve(dir, ref.location)))];
}

/** SHA-256 (hex) of the model file followed by its external data files, and the files hashed. */
export async function sha256Model(path: string): Promise<{ sha256: string; files: string[] }> {
  const hash = createHash('sha256');
  const mentionsLocation = await hashFile(hash, path, MARKER);
  const external = mentionsLocation ? await externalDataFiles(path) : [];
  for (const file of external) await hashFile(hash, file);
  return { sha256: hash.digest('hex'), files: [path, ...external] };
}
