// Damaged .npz archives (test/fixtures/npy-fuzz/make_npz_cases.py, with numpy's verdict on each):
// a member's CRC-32 is checked on every path — streamed (C order) and inflated to a temporary file
// for random access (Fortran order) — its data must be exactly as long as its header says, and the
// size the archive declares is never trusted beyond what the member holds.
import { describe, expect, it } from 'vitest';

import { UserError } from '../errors.js';
import { fixture, readJson } from '../../../../test/fixtures.js';
import { NpzArchive } from './array.js';

const { cases } = readJson<{ cases: Record<string, { ok: boolean; error?: string; shape?: number[]; values?: number[] }> }>(
  'npy-fuzz',
  'npz_cases.json',
);

async function readMember(name: string): Promise<{ shape: number[]; values: number[] } | UserError> {
  const archive = await NpzArchive.open(fixture('npy-fuzz', 'npz', name)).catch((e: unknown) => e);
  if (!(archive instanceof NpzArchive)) return archive as UserError;
  try {
    const array = await archive.array('x');
    const out = new Float64Array(array.rows * array.rowLength);
    await array.readRows(0, array.rows, out);
    await array.close();
    return { shape: [...array.shape], values: Array.from(out) };
  } catch (e) {
    return e as UserError;
  } finally {
    archive.close();
  }
}

describe('.npz members against numpy', () => {
  for (const [name, numpy] of Object.entries(cases)) {
    it(`${name}: ${numpy.ok ? 'numpy reads it' : `numpy refuses it (${numpy.error})`}`, async () => {
      const got = await readMember(name);
      if (!numpy.ok) {
        expect(got, JSON.stringify(got)).toBeInstanceOf(UserError);
        return;
      }
      if (got instanceof Error) {
        // stricter than numpy on purpose, and saying so
        expect(got).toBeInstanceOf(UserError);
        expect(['trailing_bytes.npz', 'size_lie.npz']).toContain(name);
        return;
      }
      expect(got.shape).toEqual(numpy.shape);
      expect(got.values).toEqual(numpy.values);
    });
  }

  it('a flipped data byte fails the CRC-32 on the streamed path and on the random-access copy of a Fortran member', async () => {
    for (const name of ['c_flipped.npz', 'fortran_flipped.npz']) {
      const got = await readMember(name);
      expect(got).toBeInstanceOf(UserError);
      expect((got as UserError).message).toMatch(/is corrupt: .*CRC-32/);
    }
  });

  it('refuses trailing bytes in a member, and an archive that declares more than the member holds', async () => {
    expect((await readMember('trailing_bytes.npz')) as UserError).toHaveProperty(
      'message',
      expect.stringMatching(/8 bytes after its data/),
    );
    expect(await readMember('size_lie.npz')).toBeInstanceOf(UserError);
  });
});
