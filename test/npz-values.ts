// An .npz member's shape and values (as float64, C order) through the project's own reader, for
// tests that feed numpy-written fixtures to a model: the reader itself is tested against numpy in
// packages/core/src/npy.
import { NpzArchive } from '../packages/core/src/npy/array.js';

export async function openNpz(path: string, key: string): Promise<{ shape: number[]; values: number[] }> {
  const archive = await NpzArchive.open(path);
  try {
    const array = await archive.array(key);
    const out = new Float64Array(array.rows * array.rowLength);
    await array.readRows(0, array.rows, out);
    await array.close();
    return { shape: [...array.shape], values: Array.from(out) };
  } finally {
    archive.close();
  }
}
