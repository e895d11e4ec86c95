import { describe, expect, it } from 'vitest';

import type { Cell, ColumnValues } from '../table.js';
import { canonicalNumber, HashSet64, RowHasher } from './row-hash.js';

function hashes(...columns: ColumnValues[]): [number, number][] {
  const h = new RowHasher();
  h.start(columns[0].length);
  for (const c of columns) h.add(c);
  return Array.from({ length: columns[0].length }, (_, i) => [h.hashA(i), h.hashB(i)]);
}

describe('RowHasher: one hash for one normalised row', () => {
  it('numbers by value whatever the representation: 1, 1.0, 1n, -0 and 0', () => {
    const cells: Cell[] = [1, 1n, 0, -0];
    const [a, b, c, d] = hashes(cells);
    const [fa] = hashes(Float64Array.of(1.0));
    expect(a).toEqual(b);
    expect(a).toEqual(fa);
    expect(c).toEqual(d);
    expect(a).not.toEqual(c);
  });

  it('a fraction at float32 precision: 0.1 matches the double of float32(0.1), not 0.1000001', () => {
    expect(canonicalNumber(0.1)).toBe(Math.fround(0.1));
    const [x, y, z] = hashes([0.1, 0.10000000149011612, 0.1000001]);
    expect(x).toEqual(y);
    expect(x).not.toEqual(z);
  });

  it('text trimmed and apart from numbers and booleans; missing equal to missing (null or NaN)', () => {
    const [a, b, one, t, n1] = hashes([' x ', 'x', '1', true, null]);
    const [one2, t2, n2] = hashes([1, 'true', NaN] as Cell[]);
    expect(a).toEqual(b);
    expect(one).not.toEqual(one2);
    expect(t).not.toEqual(t2);
    expect(n1).toEqual(n2);
  });

  it('column order and boundaries matter: (ab, c) differs from (a, bc)', () => {
    const [x] = hashes(['ab'], ['c']);
    const [y] = hashes(['a'], ['bc']);
    expect(x).not.toEqual(y);
  });
});

describe('HashSet64', () => {
  it('adds, finds with the first row, and grows past 3/4 full keeping every entry', () => {
    const set = new HashSet64(16);
    for (let i = 0; i < 10_000; i++) expect(set.add(i * 7919, i ^ 0x55, i)).toBe(-1);
    expect(set.size).toBe(10_000);
    for (let i = 0; i < 10_000; i++) expect(set.get(i * 7919, i ^ 0x55)).toBe(i);
    expect(set.add(7919 * 5, 5 ^ 0x55, 99_999)).toBe(5);
    expect(set.get(1, 2)).toBe(-1);
  });

  it('the hash (0, 0), the empty mark, is stored as (0, 1)', () => {
    const set = new HashSet64();
    expect(set.add(0, 0, 3)).toBe(-1);
    expect(set.get(0, 0)).toBe(3);
  });
});
