import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

import { isPlainFileName, pathInside, runnerTemp, runnerTempDir } from './files.js';

describe('pathInside', () => {
  const root = resolve('/work/out');
  it.each([
    ['a.json', join(root, 'a.json')],
    ['a/b/../c.json', join(root, 'a', 'c.json')],
    ['./a/', join(root, 'a')],
    ['..a', join(root, '..a')],
    ['../out/a', join(root, 'a')], // leaves and comes back: where it lands is what counts
  ])('%j is inside', (rel, full) => {
    expect(pathInside(root, rel)).toBe(full);
  });

  it.each([['..'], ['../a'], ['a/../../b'], ['/etc/passwd'], [''], ['.'], ['a/..']])('%j is not', (rel) => {
    expect(pathInside(root, rel)).toBeUndefined();
  });

  it('the root is resolved first (relative, trailing separator, the file system root)', () => {
    expect(pathInside('out/', 'a')).toBe(resolve('out', 'a'));
    expect(pathInside('/', 'etc')).toBe('/etc');
    expect(pathInside('/', '../etc')).toBe('/etc'); // .. of / is / itself: nothing leaves it
  });
});

describe('isPlainFileName', () => {
  it.each([
    ['model.onnx', true],
    ['partial-1-of-2', true],
    ['..a', true],
    ['a b', true],
    ['', false],
    ['.', false],
    ['..', false],
    ['a/b', false],
    ['a\\b', false],
    ['a\0b', false],
  ])('%j: %s', (name, plain) => {
    expect(isPlainFileName(name)).toBe(plain);
  });
});

describe('runnerTemp and runnerTempDir', () => {
  it('RUNNER_TEMP when set, else the OS temporary folder', () => {
    expect(runnerTemp({ RUNNER_TEMP: '/home/runner/work/_temp' })).toBe('/home/runner/work/_temp');
    expect(runnerTemp({ RUNNER_TEMP: '' })).toBe(tmpdir());
    expect(runnerTemp({})).toBe(tmpdir());
  });

  it('a new empty folder with the prefix in RUNNER_TEMP, private to this user', async () => {
    const runner = await mkdtemp(join(tmpdir(), 'runner-temp-'));
    try {
      const [a, b] = [
        await runnerTempDir('ml-gate-x-', { RUNNER_TEMP: runner }),
        await runnerTempDir('ml-gate-x-', { RUNNER_TEMP: runner }),
      ];
      expect(a).not.toBe(b);
      for (const dir of [a, b]) {
        expect([dirname(dir), basename(dir).startsWith('ml-gate-x-')]).toEqual([runner, true]);
        expect(await readdir(dir)).toEqual([]);
        expect((await stat(dir)).mode & 0o777).toBe(0o700);
      }
    } finally {
      await rm(runner, { recursive: true, force: true });
    }
  });
});
