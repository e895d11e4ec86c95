import { createHash } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { fixture } from '../../../../test/fixtures.js';
import { sha256Model } from './model-hash.js';

const sha = async (...files: string[]) =>
  createHash('sha256')
    .update(Buffer.concat(await Promise.all(files.map((f) => readFile(f)))))
    .digest('hex');

describe('sha256Model', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'model-hash-'));
    await cp(fixture('onnx', 'external'), dir, { recursive: true });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('a model with its weights inline: the SHA-256 of the file', async () => {
    const path = fixture('shards', 'classification', 'new.onnx');
    expect(await sha256Model(path)).toEqual({ sha256: await sha(path), files: [path] });
  });

  it('a model with external data: the file, then its weights file (test/fixtures/onnx/external)', async () => {
    const model = join(dir, 'model.onnx');
    const weights = join(dir, 'weights.bin');
    const first = await sha256Model(model);
    expect(first).toEqual({ sha256: await sha(model, weights), files: [model, weights] });
    // new weights beside the same graph: another model
    const bytes = await readFile(weights);
    bytes[0] ^= 1;
    await writeFile(weights, bytes);
    expect((await sha256Model(model)).sha256).not.toBe(first.sha256);
  });
});
