// NumberDuplicates (distinct-duplicates.ts) against a Map over the same values: the rows holding a
// duplicated value and the duplicated values that come first in row order, counted in memory and
// spilled to disk (tables of a few slots force the spill on small columns).
import { existsSync, readdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { NumberDuplicates, type DuplicateLimits } from './distinct-duplicates.js';

const spillRoot = mkdtempSync(join(tmpdir(), 'distinct-duplicates-test-'));
afterAll(() => rmSync(spillRoot, { recursive: true, force: true }));

/** The oracle: counts and first rows by a Map; the `keep` duplicated values with the smallest first rows. */
function oracle(values: number[], keep: number): { unexpected: number; earliest: number[] } {
  const seen = new Map<number, { count: number; first: number }>();
  values.forEach((v, row) => {
    const x = v === 0 ? 0 : v;
    const e = seen.get(x);
    if (e) e.count++;
    else seen.set(x, { count: 1, first: row });
  });
  const duplicated = [...seen].filter(([, e]) => e.count > 1);
  return {
    unexpected: duplicated.reduce((s, [, e]) => s + e.count, 0),
    earliest: duplicated
      .sort((a, b) => a[1].first - b[1].first)
      .slice(0, keep)
      .map(([x]) => x),
  };
}

function count(
  values: number[],
  keep: number,
  limits: Partial<DuplicateLimits>,
): { unexpected: number; earliest: number[]; spilled: boolean } {
  const d = new NumberDuplicates(keep, { directory: spillRoot, ...limits });
  values.forEach((v, row) => d.add(v, row));
  const spilled = d.spilled;
  const { unexpected, earliest } = d.finish();
  return { unexpected, earliest: [...earliest], spilled };
}

const doubles = fc.oneof(
  fc.integer({ min: -40, max: 40 }),
  fc.constantFrom(0, -0, Infinity, -Infinity, Number.MAX_VALUE, Number.MIN_VALUE, 2 ** 53, 0.1 + 0.2),
  fc.double({ noNaN: true }),
);

describe('NumberDuplicates', () => {
  it('agrees with a Map, in memory and spilled to 1, 4 or 64 partitions (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.array(doubles, { maxLength: 300, size: 'max' }),
        fc.integer({ min: 0, max: 6 }),
        fc.constantFrom<Partial<DuplicateLimits>>(
          {},
          { maxSlots: 8, partitions: 1 },
          { maxSlots: 16, partitions: 4 },
          { maxSlots: 32, partitions: 64 },
        ),
        (values, keep, limits) => {
          const got = count(values, keep, limits);
          const want = oracle(values, keep);
          expect(got.unexpected).toBe(want.unexpected);
          expect(new Set(got.earliest)).toEqual(new Set(want.earliest));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('spills past maxSlots and removes its files; 200,000 distinct values with 3 duplicated late (hand count)', () => {
    const values = Array.from({ length: 200_000 }, (_, i) => i * 1.5);
    values.push(7.5, 299_998.5, 7.5, 3); // 7.5 (row 5) three times, 299,998.5 (row 199,999) twice; 3 (row 2) twice
    const got = count(values, 2, { maxSlots: 1024, partitions: 16 });
    expect(got.spilled).toBe(true);
    expect(got.unexpected).toBe(3 + 2 + 2);
    // the first rows: 3 at row 2, 7.5 at row 5, 299,998.5 at row 199,999: the two earliest are 3 and 7.5
    expect(new Set(got.earliest)).toEqual(new Set([3, 7.5]));
    expect(readdirSync(spillRoot)).toEqual([]);
  });

  it('stays in memory below maxSlots', () => {
    const got = count([1, 2, 3, 2], 5, { maxSlots: 1024 });
    expect(got).toEqual({ unexpected: 2, earliest: [2], spilled: false });
  });

  it('a partition holding more distinct values than maxSlots grows its table (all in one partition)', () => {
    const values = Array.from({ length: 5000 }, (_, i) => i % 2500);
    const got = count(values, 3, { maxSlots: 64, partitions: 1 });
    expect(got.spilled).toBe(true);
    expect(got.unexpected).toBe(5000);
    expect(new Set(got.earliest)).toEqual(new Set([0, 1, 2]));
    expect(existsSync(spillRoot)).toBe(true);
  });
});
