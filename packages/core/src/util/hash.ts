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
 * Each file's SHA-256, computed on a worker thread (hashing runs on the thread that calls update),
 * one file after another. Plain CommonJS source: the bundles carry no separate worker file.
 */
const EACH_FILE_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { createReadStream } = require('node:fs');
(async () => {
  const digests = [];
  for (const path of workerData) {
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk);
    digests.push(hash.digest('hex'));
  }
  parentPort.postMessage(digests);
})().catch((e) => { throw e; });
`;

function sha256EachOnWorker(paths: string[]): Promise<string[]> {
  return new Promise<string[]>((resolve, reject) => {
    const worker = new Worker(EACH_FILE_WORKER, { eval: true, workerData: paths });
    worker.once('message', (digests: string[]) => resolve(digests));
    // the file's own error (ENOENT, EACCES) with its code, as a read on this thread would give it
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the hashing worker exited with code ${code}`)));
  });
}

/**
 * SHA-256 (hex) of each file, and of all of them: for one file its own, for several the SHA-256 of
 * their digests, each in hex followed by a line break, in order (what
 * `sha256sum F1 F2 | cut -d' ' -f1 | sha256sum` prints). Every byte is hashed once, on a worker
 * thread, so that this thread goes on meanwhile (the models load, the first batch is scored).
 */
export async function sha256EachAndAll(paths: string[]): Promise<{ each: string[]; all: string }> {
  const each = await sha256EachOnWorker(paths);
  return { each, all: each.length === 1 ? each[0] : sha256Hex(each.map((d) => `${d}\n`).join('')) };
}
