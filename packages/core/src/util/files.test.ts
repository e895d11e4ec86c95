import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

import { isPlainFileName, pathInside } from './files.js';

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
