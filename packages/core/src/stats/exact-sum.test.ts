import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { readJson } from '../../../../test/fixtures.js';
import { ExactSum } from './exact-sum.js';

interface SumCase {
  name: string;
  xs: number[];
  value: number | 'inf' | '-inf';
  fsum: string;
}

const decode = (v: SumCase['value']): number => (v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v);

function sumOf(xs: readonly number[]): ExactSum {
  const s = new ExactSum();
  for (const x of xs) s.add(x);
  return s;
}

/** Sums the parts of `xs` cut at `cuts` separately, then merges them in reverse order. */
function splitAndMerge(xs: readonly number[], cuts: readonly number[]): ExactSum {
  const edges = [0, ...[...cuts].sort((a, b) => a - b), xs.length];
  const parts = edges.slice(1).map((end, i) => sumOf(xs.slice(edges[i], end)));
  const total = new ExactSum();
  for (const part of parts.reverse()) total.merge(part);
  return total;
}

/**
 * An independent reference: Python's math.fsum transcribed (Shewchuk's partials, then CPython's
 * correctly rounded sum of them). Valid while no partial sum overflows (the tests bound the inputs).
 */
function referenceFsum(xs: readonly number[]): number {
  const partials: number[] = [];
  for (let x of xs) {
    let i = 0;
    for (let y of partials) {
      if (Math.abs(x) < Math.abs(y)) [x, y] = [y, x];
      const hi = x + y;
      const lo = y - (hi - x);
      if (lo !== 0) partials[i++] = lo;
      x = hi;
    }
    partials.length = i;
    partials.push(x);
  }
  let n = partials.length;
  if (n === 0) return 0;
  let hi = partials[--n];
  let lo = 0;
  while (n > 0) {
    const x = hi;
    const y = partials[--n];
    hi = x + y;
    lo = y - (hi - x);
    if (lo !== 0) break;
  }
  if (n > 0 && ((lo < 0 && partials[n - 1] < 0) || (lo > 0 && partials[n - 1] > 0))) {
    const y = lo * 2;
    const x = hi + y;
    if (y === x - hi) hi = x;
  }
  return hi;
}

describe('ExactSum against math.fsum and exact rational sums (test/fixtures/stats/make_exact_sum.py)', () => {
  const { cases } = readJson<{ cases: SumCase[] }>('stats', 'exact_sum.json');

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const expected = decode(c.value);
    // exact: the value is the correctly rounded exact sum, digit for digit (Object.is: +0, not -0)
    expect(sumOf(c.xs).value()).toBe(expected);
    expect(sumOf([...c.xs].reverse()).value()).toBe(expected);
    expect(splitAndMerge(c.xs, [Math.floor(c.xs.length / 3), Math.floor(c.xs.length / 2)]).value()).toBe(expected);
    // a shard's JSON, written and read back, holds the same sum
    const written = JSON.parse(JSON.stringify(sumOf(c.xs)));
    expect(ExactSum.fromJSON(written).value()).toBe(expected);
  });

  it('covers the cases math.fsum raises on and agrees with it everywhere else', () => {
    expect(cases.filter((c) => c.fsum !== 'agrees').map((c) => c.name)).toEqual([
      'intermediate overflow, finite total',
      'overflow',
      'largest double plus half an ulp (tie, odd: overflows)',
      'negative overflow',
    ]);
  });
});

describe('ExactSum: order and sharding cannot change a digit (fast-check)', () => {
  const anyDouble = fc.double({ noNaN: true, noDefaultInfinity: true });
  const shuffled = (arb: fc.Arbitrary<number>) =>
    fc.array(arb, { maxLength: 60 }).chain((xs) =>
      fc.record({
        xs: fc.constant(xs),
        permuted: fc.shuffledSubarray(xs, { minLength: xs.length, maxLength: xs.length }),
        cuts: fc.array(fc.nat({ max: xs.length }), { maxLength: 6 }),
      }),
    );

  it('any permutation, any split and merge: the same value and the same JSON', () => {
    fc.assert(
      fc.property(shuffled(anyDouble), ({ xs, permuted, cuts }) => {
        const reference = sumOf(xs);
        const merged = splitAndMerge(permuted, cuts);
        expect(Object.is(merged.value(), reference.value())).toBe(true);
        expect(merged.toJSON()).toEqual(reference.toJSON());
      }),
      { numRuns: 500 },
    );
  });

  it('equals math.fsum (transcribed) where math.fsum cannot overflow', () => {
    // |x| <= 1e300 and at most 60 numbers: no partial sum of the reference passes 1.8e308
    const bounded = fc.double({ min: -1e300, max: 1e300, noNaN: true });
    fc.assert(
      fc.property(shuffled(bounded), ({ xs, permuted, cuts }) => {
        const expected = referenceFsum(xs);
        expect(sumOf(xs).value()).toBe(expected === 0 ? 0 : expected);
        expect(splitAndMerge(permuted, cuts).value()).toBe(expected === 0 ? 0 : expected);
      }),
      { numRuns: 1000 },
    );
  });

  it('toJSON is the shortest expansion: non-overlapping doubles, largest first, whose sum is exact', () => {
    const s = sumOf([1, 2 ** -60, 2 ** -120, -(2 ** -200)]);
    expect(s.toJSON()).toEqual([1, 2 ** -60, 2 ** -120, -(2 ** -200)]);
    expect(sumOf([0.1, 0.2]).toJSON()).toEqual([0.30000000000000004, -(2 ** -55)]);
    expect(new ExactSum().toJSON()).toEqual([]);
  });
});

describe('ExactSum: carries and the full range', () => {
  it('stays exact past the carry interval (2^20 adds)', () => {
    // 2 - 2^-52 has all 53 bits set: its middle piece is 2^32 - 1, the largest a chunk takes, so
    // 2^22 of them overflow a chunk's 2^53 unless carried; the exact total 2^23 - 2^-30 is a double
    const s = new ExactSum();
    const n = 2 ** 22;
    for (let i = 0; i < n; i++) s.add(2 - 2 ** -52);
    expect(s.value()).toBe(2 ** 23 - 2 ** -30);
    const negative = new ExactSum();
    for (let i = 0; i < n; i++) negative.add(-(2 ** 1000) * (2 - 2 ** -52));
    expect(negative.value()).toBe(-(2 ** 1023) + 2 ** 970);
    negative.merge(s);
    // 2^23 is far below half an ulp of 2^1023: merged, the total rounds to the same double
    expect(negative.value()).toBe(-(2 ** 1023) + 2 ** 970);
  });

  it('sums subnormals exactly and rounds a subnormal result to its own grid', () => {
    expect(sumOf([5e-324, 5e-324, 5e-324]).value()).toBe(1.5e-323);
    expect(sumOf([2.2250738585072014e-308, -5e-324]).value()).toBe(2.225073858507201e-308);
    expect(sumOf([1e-310, -1e-310]).value()).toBe(0);
  });

  it('merging a sum into itself doubles it', () => {
    const s = sumOf([0.1, 0.7, 1e-20]);
    s.merge(s);
    expect(s.value()).toBe(sumOf([0.1, 0.7, 1e-20, 0.1, 0.7, 1e-20]).value());
  });
});

describe('ExactSum: non-finite addends (documented: NaN is NaN, infinities propagate, +Inf and -Inf make NaN)', () => {
  it('propagates them, in any order and through merges', () => {
    expect(sumOf([1, NaN, 2]).value()).toBeNaN();
    expect(sumOf([1, Infinity, 1e308]).value()).toBe(Infinity);
    expect(sumOf([-Infinity, 1]).value()).toBe(-Infinity);
    expect(sumOf([Infinity, 1, -Infinity]).value()).toBeNaN();
    const finite = sumOf([1, 2]);
    finite.merge(sumOf([Infinity]));
    expect(finite.value()).toBe(Infinity);
    finite.merge(sumOf([NaN]));
    expect(finite.value()).toBeNaN();
  });

  it('writes a non-finite sum as one number; JSON turns it into null, read back as NaN', () => {
    expect(sumOf([Infinity, 3]).toJSON()).toEqual([Infinity]);
    const json = JSON.parse(JSON.stringify(sumOf([NaN])));
    expect(json).toEqual([null]);
    expect(ExactSum.fromJSON(json).value()).toBeNaN();
  });
});
