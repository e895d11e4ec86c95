import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** SHA-256 (hex) of the files' bytes, one after another, streamed. */
export async function sha256Files(...paths: string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const path of paths) {
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  }
  return hash.digest('hex');
}

/** SHA-256 (hex) of each file and of all of them in order, in one read of each file. */
export async function sha256EachAndAll(paths: string[]): Promise<{ each: string[]; all: string }> {
  const all = createHash('sha256');
  const each: string[] = [];
  for (const path of paths) {
    const one = createHash('sha256');
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
      one.update(chunk as Buffer);
      all.update(chunk as Buffer);
    }
    each.push(one.digest('hex'));
  }
  return { each, all: all.digest('hex') };
}
