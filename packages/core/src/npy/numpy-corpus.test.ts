// The .npy reader against numpy itself: test/fixtures/npy-fuzz/corpus.json holds 3,757 files —
// valid ones written by numpy and mutations of them (byte flips, inserts, deletes, truncations,
// damaged length fields, extra or missing data, header dicts rewritten by hand) — each with
// numpy's verdict, made by test/fixtures/npy-fuzz/make_corpus.py (np.load, allow_pickle=False).
// The property, for every file: our reader refuses it with a clear error (a UserError), or reads
// exactly the array numpy reads (same shape, same values in C order). Never an internal error, never
// an array numpy would not give.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { UserError } from '../errors.js';
import { readJson } from '../../../../test/fixtures.js';
import { openNpy } from './array.js';

interface Verdict {
  ok: boolean;
  error?: string;
  descr?: string;
  shape?: number[];
  values?: (number | string)[];
}
interface Entry {
  name: string;
  file: string;
  numpy: Verdict;
}

const corpus = readJson<{ count: number; entries: Entry[] }>('npy-fuzz', 'corpus.json');
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'npy-corpus-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

type Outcome =
  { kind: 'refused'; message: string } | { kind: 'internal'; message: string } | { kind: 'read'; shape: number[]; values: Float64Array };

async function readWithOurs(path: string): Promise<Outcome> {
  try {
    const array = await openNpy(path);
    try {
      const values = new Float64Array(array.rows * array.rowLength);
      if (array.rows > 0) await array.readRows(0, array.rows, values);
      return { kind: 'read', shape: [...array.shape], values };
    } finally {
      await array.close();
    }
  } catch (e) {
    if (e instanceof UserError) return { kind: 'refused', message: e.describe() };
    return { kind: 'internal', message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  }
}

/** Why this reader refuses a file numpy reads, for the figures in docs/reliability.md. */
const STRICT_REASONS: [string, RegExp][] = [
  ['bytes after the data', /bytes after its data/],
  ['a dtype spelling numpy.save does not write', /this reader does not take/],
  ['a 0-d array', /holds a single scalar/],
  ['a Python literal form numpy.save does not write', /stricter than numpy/],
];

/** The errors of a file numpy reads and this reader refuses on purpose. */
const STRICTER = /stricter than numpy|numpy\.load would ignore them|holds a single scalar|this reader does not take/;

const numpyValue = (v: number | string) => (typeof v === 'number' ? v : v === 'nan' ? NaN : v === 'inf' ? Infinity : -Infinity);

describe('the .npy reader against numpy, over a corpus of mutated files', () => {
  it(`refuses clearly or reads numpy's array, for every one of the ${corpus.count} files`, async () => {
    const tally = {
      files: 0,
      bothRead: 0,
      originalsRead: 0,
      unexplainedStrictness: [] as string[],
      strictBy: {} as Record<string, number>,
      bothRefused: 0,
      strictRefusals: 0,
      internalErrors: [] as string[],
      readButNumpyRefused: [] as string[],
      readDifferently: [] as string[],
    };
    for (const [i, e] of corpus.entries.entries()) {
      const path = join(dir, `${i}.npy`);
      await writeFile(path, Buffer.from(e.file, 'base64'));
      const ours = await readWithOurs(path);
      tally.files++;
      if (ours.kind === 'internal') tally.internalErrors.push(`${e.name}: ${ours.message}`);
      else if (ours.kind === 'refused') {
        if (e.numpy.ok) {
          tally.strictRefusals++;
          // where this reader is stricter than numpy, its error says so (or names what it does not take)
          if (!STRICTER.test(ours.message)) tally.unexplainedStrictness.push(`${e.name}: ${ours.message}`);
          const reason = STRICT_REASONS.find(([, pattern]) => pattern.test(ours.message))?.[0] ?? 'other';
          tally.strictBy[reason] = (tally.strictBy[reason] ?? 0) + 1;
        } else tally.bothRefused++;
      } else if (!e.numpy.ok) tally.readButNumpyRefused.push(`${e.name}: numpy says ${e.numpy.error}`);
      else if (e.numpy.values === undefined)
        tally.readButNumpyRefused.push(`${e.name}: numpy reads a ${e.numpy.descr} array we cannot hold`);
      else {
        const same =
          JSON.stringify(ours.shape) === JSON.stringify(e.numpy.shape) &&
          ours.values.length === e.numpy.values.length &&
          e.numpy.values.every((v, j) => Object.is(numpyValue(v), ours.values[j]));
        if (same && e.name.endsWith('/original')) tally.originalsRead++;
        if (same) tally.bothRead++;
        else tally.readDifferently.push(`${e.name}: ours (${ours.shape.join(', ')}) vs numpy (${e.numpy.shape?.join(', ')})`);
      }
    }
    console.log(
      `npy corpus: ${tally.files} files; both read the same array: ${tally.bothRead}; both refuse: ${tally.bothRefused}; ` +
        `we refuse what numpy reads: ${tally.strictRefusals}; we read what numpy refuses: ${tally.readButNumpyRefused.length}; ` +
        `read differently: ${tally.readDifferently.length}; internal errors: ${tally.internalErrors.length}; ` +
        `refused on purpose: ${JSON.stringify(tally.strictBy)}`,
    );
    expect(tally.files).toBe(corpus.count);
    expect(tally.internalErrors).toEqual([]);
    expect(tally.readButNumpyRefused).toEqual([]);
    expect(tally.readDifferently).toEqual([]);
    expect(tally.unexplainedStrictness).toEqual([]);
    // the reader is not simply refusing everything: numpy's own files all read (but the 0-d one:
    // an eval set has one row per example), and most of what numpy reads
    expect(tally.originalsRead).toBe(corpus.entries.filter((e) => e.name.endsWith('/original') && e.numpy.shape?.length).length);
    expect(tally.bothRead).toBeGreaterThan(500);
  });
});
