import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { sha256EachAndAll, sha256Files } from './hash.js';

const sha = (...buffers: Buffer[]) => createHash('sha256').update(Buffer.concat(buffers)).digest('hex');

describe('sha256EachAndAll', () => {
  let dir: string;
  const a = randomBytes(3 << 20); // over the 1 MiB read size: several chunks
  const b = randomBytes(12345);
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hash-'));
    await writeFile(join(dir, 'a'), a);
    await writeFile(join(dir, 'b'), b);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('gives each file’s SHA-256 (on a worker), and the SHA-256 of their hex digests a line each', async () => {
    const got = await sha256EachAndAll([join(dir, 'a'), join(dir, 'b')]);
    // as `sha256sum a b | cut -d' ' -f1 | sha256sum` computes it
    expect(got).toEqual({ each: [sha(a), sha(b)], all: sha(Buffer.from(`${sha(a)}\n${sha(b)}\n`)) });
    expect(await sha256Files(join(dir, 'a'), join(dir, 'b'))).toBe(sha(a, b));
  });

  it('one file: the same digest for both', async () => {
    expect(await sha256EachAndAll([join(dir, 'b')])).toEqual({ each: [sha(b)], all: sha(b) });
  });

  it('a file that is not there fails with its errno code', async () => {
    await expect(sha256EachAndAll([join(dir, 'a'), join(dir, 'missing')])).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
