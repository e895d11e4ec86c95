import tdigest from 'tdigest';
import { describe, expect, it } from 'vitest';
import { SeededTDigest } from './seeded-tdigest.js';

/** 50,000 values in ascending order, the input the package's shuffle is there for. */
const values = Array.from({ length: 50_000 }, (_, i) => Math.sqrt(i) + (i % 7) / 10);
const qs = [0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99];

function quantiles(digest: InstanceType<typeof tdigest.TDigest>): number[] {
  for (let i = 0; i < values.length; i += 64) digest.push(values.slice(i, i + 64));
  digest.compress();
  return digest.percentile(qs);
}

describe('SeededTDigest', () => {
  it('gives the same quantiles run after run, where the package alone does not', () => {
    const seeded = Array.from({ length: 5 }, () => quantiles(new SeededTDigest(0.01)));
    for (const q of seeded) expect(q).toEqual(seeded[0]);
    const unseeded = Array.from({ length: 5 }, () => quantiles(new tdigest.TDigest(0.01)));
    expect(unseeded.some((q) => q.some((x, i) => x !== unseeded[0][i]))).toBe(true);
  });

  it('is as close to the exact quantiles as the package (0.5% of the range here)', () => {
    const sorted = [...values].sort((a, b) => a - b);
    const range = sorted.at(-1)! - sorted[0];
    const got = quantiles(new SeededTDigest(0.01));
    qs.forEach((q, i) => expect(Math.abs(got[i] - sorted[Math.floor(q * (sorted.length - 1))]) / range).toBeLessThan(0.005));
  });

  it('leaves Math.random as it found it, also when compress throws', () => {
    const before = Math.random;
    const digest = new SeededTDigest();
    digest.push([1, 2, 3]);
    digest.compress();
    expect(Math.random).toBe(before);
    const broken = new SeededTDigest();
    broken.push([1, 2, 3]);
    (broken as unknown as { push_centroid: () => void }).push_centroid = () => {
      throw new Error('inside compress');
    };
    expect(() => broken.compress()).toThrow('inside compress');
    expect(Math.random).toBe(before);
  });
});
