import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { shardRange } from './compare.js';
import { findPartialFiles, parseShard, readPartial, serializePartial, type PartialBody, type PartialManifest } from './partial-result.js';

describe('shardRange: whole batches, contiguous, as even as they go', () => {
  it.each([
    // rows, batch, shards -> rows per shard (by hand: ceil(rows / batch) batches shared out floor(k * B / n))
    [1003, 200, 1, [1003]],
    [1003, 200, 3, [400, 400, 203]],
    [1003, 200, 7, [0, 200, 200, 200, 200, 200, 3]],
    [4096, 4096, 2, [0, 4096]],
    [10, 4, 2, [4, 6]],
    [2_000_000, 4096, 4, [499_712, 499_712, 499_712, 500_864]],
  ])('%i rows in batches of %i over %i shards', (rows, batch, count, sizes) => {
    const ranges = Array.from({ length: count }, (_, i) => shardRange(rows, batch, i + 1, count));
    expect(ranges.map((r) => r.end - r.start)).toEqual(sizes);
    ranges.forEach((r, i) => {
      expect(r.start).toBe(i === 0 ? 0 : ranges[i - 1].end);
      expect(r.start % batch === 0 || r.start === rows).toBe(true);
    });
    expect(ranges.at(-1)!.end).toBe(rows);
  });
});

describe('parseShard', () => {
  it.each([
    ['1/1', { index: 1, count: 1 }],
    ['3/4', { index: 3, count: 4 }],
    [' 2 / 7 ', { index: 2, count: 7 }],
  ])('%s', (text, value) => expect(parseShard(text)).toEqual({ ok: true, value }));
  it.each([
    ['0/3', 'k must be 1..n (3)'],
    ['4/3', 'k must be 1..n (3)'],
    ['1/0', 'n must be 1..4096'],
    ['1/5000', 'n must be 1..4096'],
    ['1', 'it is not of the form k/n'],
    ['a/b', 'it is not of the form k/n'],
    ['1.5/3', 'it is not of the form k/n'],
  ])('%s is refused: %s', (text, error) => expect(parseShard(text)).toEqual({ ok: false, error }));
});

describe('a partial file', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'partial-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const manifest = { format: 'ml-gate/evaluate-baseline/partial/v1', shard: { index: 1, count: 2 } } as unknown as Omit<
    PartialManifest,
    'contentSha256'
  >;
  const body = {
    report: { status: 'partial' },
    scoring: { task: 'regression' },
    statistics: { task: 'regression', rows: 3 },
  } as unknown as PartialBody;

  it('reads back what was written; a changed byte of the body or a cut file is refused, naming the file', async () => {
    const file = join(dir, 'sub', 'partial-1-of-2.json');
    await rm(join(dir, 'sub'), { recursive: true, force: true });
    await import('node:fs/promises').then((fs) => fs.mkdir(join(dir, 'sub')));
    const text = serializePartial(manifest, body);
    await writeFile(file, text);
    expect(await readPartial(file)).toMatchObject({ ...body, manifest: { shard: { index: 1, count: 2 } } });
    expect(await findPartialFiles(dir)).toEqual([file]);

    await writeFile(file, text.replace('"rows":3', '"rows":4'));
    await expect(readPartial(file)).rejects.toThrow(`The partial result ${file} does not match the SHA-256 its manifest records`);
    await writeFile(file, text.slice(0, 50));
    await expect(readPartial(file)).rejects.toThrow(/is not JSON/);
    await writeFile(file, text.replace('partial/v1', 'partial/v0'));
    await expect(readPartial(file)).rejects.toThrow(/has format 'ml-gate\/evaluate-baseline\/partial\/v0'; expected/);
    await expect(readPartial(join(dir, 'none.json'))).rejects.toThrow(/none\.json does not exist/);
  });
});
