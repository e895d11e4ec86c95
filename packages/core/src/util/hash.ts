import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Worker } from 'node:worker_threads';

/** SHA-256 (hex) of a string's UTF-8 bytes, or of bytes. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** SHA-256 (hex) of the files' bytes, one after another, streamed. */
export async function sha256Files(...paths: string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const path of paths) {
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  }
  return hash.digest('hex');
}

/**
 * The per-file hashes, computed on a worker thread (hashing runs on the thread that calls update, so
 * the two digests of sha256EachAndAll run on two cores instead of one after the other on one).
 * Plain CommonJS source: the bundles carry no separate worker file.
 */
const EACH_FILE_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { createReadStream } = require('node:fs');
(async () => {
  const each = [];
  for (const path of workerData) {
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk);
    each.push(hash.digest('hex'));
  }
  parentPort.postMessage(each);
})().catch((e) => { throw e; });
`;

function sha256EachOnWorker(paths: string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(EACH_FILE_WORKER, { eval: true, workerData: paths });
    worker.once('message', (each: string[]) => resolve(each));
    // the file's own error (ENOENT, EACCES) with its code, as the main thread's read would give it
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the hashing worker exited with code ${code}`)));
  });
}

/**
 * SHA-256 (hex) of each file and of all of them in order (the concatenation's). One file: one digest.
 * Several: each file's on a worker thread while this one hashes them all.
 */
export async function sha256EachAndAll(paths: string[]): Promise<{ each: string[]; all: string }> {
  if (paths.length === 1) {
    const one = await sha256Files(paths[0]);
    return { each: [one], all: one };
  }
  const each = sha256EachOnWorker(paths);
  // observed at once: an error of the worker while this thread hashes is reported below, not unhandled
  each.catch(() => {});
  const all = await sha256Files(...paths);
  return { each: await each, all };
}
