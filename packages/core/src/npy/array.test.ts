import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { fixture, readJson } from '../../../../test/fixtures.js';
import { NpzArchive, openNpy, type NpyArray } from './array.js';

interface Expected {
  dtype: string;
  fortran: boolean;
  shape: number[];
  values: number[];
}
const manifest = readJson<Record<string, Expected>>('npy', 'manifest.json');

async function readAll(array: NpyArray, batch: number, out: Float64Array | Float32Array = new Float64Array(array.rows * array.rowLength)) {
  for (let r = 0; r < array.rows; r += batch) {
    const n = Math.min(batch, array.rows - r);
    await array.readRows(r, n, out, r * array.rowLength);
  }
  return out;
}

describe('openNpy: every dtype, order and byte order numpy writes', () => {
  const names = Object.keys(manifest).filter((n) => !n.startsWith('npz_'));
  it('covers the matrix the issue asks for', () => {
    for (const code of ['f2', 'f4', 'f8', 'i1', 'i2', 'i4', 'i8', 'u1', 'u2', 'u4', 'u8', 'b1']) {
      expect(names.filter((n) => n.startsWith(code + '_')).length).toBeGreaterThanOrEqual(2);
    }
    expect(names.some((n) => n.includes('_be_F'))).toBe(true);
  });
  for (const name of names) {
    it(`${name} (${manifest[name].dtype}, ${manifest[name].fortran ? 'Fortran' : 'C'} order)`, async () => {
      const want = manifest[name];
      const array = await openNpy(fixture('npy', name + '.npy'));
      expect(array.shape).toEqual(want.shape);
      expect(array.dtype.descr).toBe(want.dtype);
      expect(array.fortranOrder).toBe(want.fortran);
      // batches of 3 rows (the last one short) must give numpy's C-order values
      expect(Array.from(await readAll(array, 3))).toEqual(want.values);
      await array.close();
    });
  }

  it('casts to float32 the way astype(np.float32) does', async () => {
    const array = await openNpy(fixture('npy', 'f8_be_F.npy'));
    const out = new Float32Array(array.rows * array.rowLength);
    await readAll(array, 4, out);
    expect(Array.from(out)).toEqual(Array.from(Float32Array.from(manifest.f8_be_F.values)));
    await array.close();
  });

  it('casts to bool the way astype(bool) does: every non-zero value is True', async () => {
    // floats like 1/3 would store as 0 in a plain byte array; numpy makes them True
    const array = await openNpy(fixture('npy', 'f4_le_C.npy'));
    const out = new Uint8Array(array.rows * array.rowLength);
    await array.readRows(0, array.rows, out, 0, true);
    expect(Array.from(out)).toEqual(manifest.f4_le_C.values.map((v) => (v !== 0 ? 1 : 0)));
    const wide = await openNpy(fixture('npy', 'u2_le_C.npy'));
    const bits = new Uint8Array(wide.rows * wide.rowLength);
    await wide.readRows(0, wide.rows, bits, 0, true);
    expect(Array.from(bits)).toEqual(manifest.u2_le_C.values.map((v) => (v !== 0 ? 1 : 0)));
    await array.close();
    await wide.close();
  });

  it('keeps 64-bit integers exact into an int64 tensor, either byte order', async () => {
    for (const name of ['i8_le_C', 'i8_be_F']) {
      const array = await openNpy(fixture('npy', `${name}.npy`));
      const out = new BigInt64Array(array.rows * array.rowLength);
      await array.readRows(0, array.rows, out);
      // the fixture's values are multiples of 10**12, exact as doubles too
      expect(Array.from(out)).toEqual(manifest[name].values.map((v) => BigInt(v)));
      await array.close();
    }
  });

  it('casts float to int64 by truncation toward zero', async () => {
    const array = await openNpy(fixture('npy', 'f4_le_C.npy'));
    const out = new BigInt64Array(array.rows * array.rowLength);
    await array.readRows(0, array.rows, out);
    expect(Array.from(out, Number)).toEqual(manifest.f4_le_C.values.map((v) => Math.trunc(Math.fround(v)) + 0));
    await array.close();
  });
});

describe('NpzArchive', () => {
  for (const file of ['stored.npz', 'deflated.npz']) {
    it(`reads ${file} members in batches, including a Fortran-order one`, async () => {
      const npz = await NpzArchive.open(fixture('npy', file));
      for (const key of ['features', 'fortran']) {
        const array = await npz.array(key);
        expect(array.shape).toEqual([7, 3]);
        expect(Array.from(await readAll(array, 2))).toEqual(manifest.npz_features.values);
        await array.close();
      }
      const labels = await npz.array('labels.npy');
      expect(Array.from(await readAll(labels, 4))).toEqual(manifest.labels_1d.values);
      await labels.close();
      npz.close();
    });
  }

  it('reads a big-endian float64 member of a deflated archive', async () => {
    const npz = await NpzArchive.open(fixture('npy', 'deflated.npz'));
    const big = await npz.array('big');
    expect(big.dtype.descr).toBe('>f8');
    const f32 = Float32Array.from(manifest.npz_features.values);
    expect(Array.from(await readAll(big, 5))).toEqual(Array.from(f32));
    await big.close();
    npz.close();
  });

  it('names the members when a key is missing', async () => {
    const npz = await NpzArchive.open(fixture('npy', 'stored.npz'));
    await expect(npz.array('x', 'features')).rejects.toThrow(/stored\.npz has no array 'x'; it holds: features, labels, fortran/);
    npz.close();
  });

  it('detects a corrupted member by its CRC-32 once the member is read to its end', async () => {
    const bytes = Buffer.from(await readFile(fixture('npy', 'stored.npz')));
    // stored (not deflated): the features member's data starts after its 128-byte .npy header
    const at = bytes.indexOf(Buffer.from('\x93NUMPY', 'latin1')) + 128 + 4;
    bytes[at] ^= 0x01;
    const path = join(await mkdtemp(join(tmpdir(), 'npz-')), 'corrupt.npz');
    await writeFile(path, bytes);
    const npz = await NpzArchive.open(path);
    const features = await npz.array('features');
    await expect(readAll(features, 7)).rejects.toThrow(
      /corrupt\.npz:features\.npy is corrupt: its CRC-32 is [0-9a-f]+, the archive records [0-9a-f]+\./,
    );
    await features.close();
    npz.close();
  });

  it('rejects a file that is not a zip archive', async () => {
    await expect(NpzArchive.open(fixture('npy', 'not_npy.npy'))).rejects.toThrow(/not_npy\.npy is not a valid \.npz \(zip\) archive/);
  });
});

describe('openNpy: bad files', () => {
  it('rejects a file without the magic', async () => {
    await expect(openNpy(fixture('npy', 'not_npy.npy'))).rejects.toThrow(
      /not_npy\.npy is not a valid \.npy array: it does not start with the \\x93NUMPY magic/,
    );
  });
  it('rejects a truncated file before reading data', async () => {
    await expect(openNpy(fixture('npy', 'truncated.npy'))).rejects.toThrow(
      /truncated\.npy is truncated: its header promises shape \(7, 3\) of float32 \(little-endian\), 212 bytes in all, but it holds 202/,
    );
  });
  it('rejects an unsupported dtype naming it', async () => {
    await expect(openNpy(fixture('npy', 'complex.npy'))).rejects.toThrow(/complex\.npy holds dtype '<c8'/);
  });
  it('names a missing file', async () => {
    await expect(openNpy(fixture('npy', 'nope.npy'))).rejects.toThrow(/The \.npy file .*nope\.npy does not exist\./);
  });
  it('refuses a FIFO at once (a read would block forever), and a directory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'npy-bad-'));
    const fifo = join(dir, 'features.npy');
    execFileSync('mkfifo', [fifo]);
    const started = Date.now();
    await expect(openNpy(fifo)).rejects.toThrow(/features\.npy is a FIFO \(named pipe\), expected a file\./);
    expect(Date.now() - started).toBeLessThan(5000);
    await expect(openNpy(dir)).rejects.toThrow(/is a directory, expected a file\./);
    await expect(NpzArchive.open(fifo)).rejects.toThrow(/is a FIFO \(named pipe\)/);
  });
  it('refuses rows larger than 1 GiB before allocating: a Fortran-order array with 0 rows of 10^12 elements', async () => {
    // the header numpy.save writes for np.empty((0, 1000000, 1000000), dtype='<f8', order='F')
    const header = "{'descr': '<f8', 'fortran_order': True, 'shape': (0, 1000000, 1000000), }";
    const padded = header + ' '.repeat(64 - ((10 + header.length + 1) % 64)) + '\n';
    const file = Buffer.concat([Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, padded.length, 0]), Buffer.from(padded, 'latin1')]);
    const path = join(await mkdtemp(join(tmpdir(), 'npy-rows-')), 'huge.npy');
    await writeFile(path, file);
    await expect(openNpy(path)).rejects.toThrow(
      /huge\.npy has rows of 1000000000000 elements .* rows of at most 1073741824 bytes are read/,
    );
  });
});
