/**
 * .npy/.npz tables against what numpy wrote (fixtures/make_npy_fixtures.py: npy-expected.json),
 * and openTable's choice of reader.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { UserError } from '../../errors.js';
import { cellAt, type Cell, type TableSource } from '../table.js';
import { NpyTable } from './npy-table.js';
import { openTable } from './open-table.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const NPY = join(FIXTURES, 'npy');
const expected = JSON.parse(readFileSync(join(FIXTURES, 'npy-expected.json'), 'utf8')) as Record<
  string,
  { names: string[]; dtypes: string[]; values: unknown[][] }
>;

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'npy-test-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function readAll(table: TableSource, columns?: string[], batchRows?: number): Promise<{ cells: Cell[][]; sizes: number[] }> {
  const names = columns ?? table.columns.map((c) => c.name);
  const cells: Cell[][] = names.map(() => []);
  const sizes: number[] = [];
  for await (const b of table.batches({ columns, batchRows })) {
    sizes.push(b.rows);
    b.columns.forEach((values, k) => {
      expect(values.length).toBe(b.rows);
      for (let i = 0; i < b.rows; i++) cells[k].push(cellAt(values, i));
    });
  }
  return { cells, sizes };
}

describe('.npy / .npz tables read as numpy wrote them', () => {
  for (const [name, want] of Object.entries(expected)) {
    it(name, async () => {
      const table = await openTable(join(NPY, name));
      try {
        expect(table.format).toBe(name.endsWith('.npz') ? 'npz' : 'npy');
        expect(table.rows).toBe(want.values[0].length);
        expect(table.columns).toEqual(want.names.map((n, j) => ({ name: n, dtype: want.dtypes[j] })));
        for (const batchRows of [undefined, 3]) {
          const { cells } = await readAll(table, undefined, batchRows);
          // float32 values are compared as numpy widened them (exact in a double)
          expect(cells).toEqual(want.values);
        }
      } finally {
        await table.close();
      }
    });
  }

  it('batches restart from row 0 and read only the columns asked for, in that order', async () => {
    const table = await openTable(join(NPY, 'columns.npz'));
    const want = expected['columns.npz'].values;
    try {
      const first = await readAll(table, ['d', 'a'], 300);
      expect(first.sizes).toEqual([300, 300, 300, 100]);
      expect(first.cells).toEqual([want[3], want[0]]);
      const again = await readAll(table, ['c']);
      expect(again.cells).toEqual([want[2]]);
      const matrix = await openTable(join(NPY, 'matrix.npy'));
      expect((await readAll(matrix, ['col_2', 'col_0'], 2)).cells).toEqual([
        expected['matrix.npy'].values[2],
        expected['matrix.npy'].values[0],
      ]);
    } finally {
      await table.close();
    }
  });

  it('names from the option take the place of the file beside it or the defaults', async () => {
    const table = await openTable(join(NPY, 'named.npy'), { columnNames: ['u', 'i'] });
    expect(table.columns.map((c) => c.name)).toEqual(['u', 'i']);
    const vector = await openTable(join(NPY, 'vector.npy'), { columnNames: ['score'] });
    expect((await readAll(vector, ['score'])).cells).toEqual(expected['vector.npy'].values);
  });
});

describe('.npy / .npz errors name the file', () => {
  async function failure(path: string, options: { columnNames?: string[] } = {}): Promise<UserError> {
    try {
      const t = await NpyTable.open(path, path.endsWith('.npz') ? 'npz' : 'npy', { ...options, input: 'data' });
      await t.close();
    } catch (e) {
      expect(e).toBeInstanceOf(UserError);
      return e as UserError;
    }
    throw new Error('no error');
  }

  it('a 3-D array, ragged or mixed .npz members', async () => {
    expect((await failure(join(NPY, 'cube.npy'))).message).toMatch(/cube\.npy holds an array of shape \(2, 2, 2\); expected a 2-D array/);
    expect((await failure(join(NPY, 'ragged.npz'))).message).toMatch(/ragged\.npz holds arrays of different lengths \('a': 3, 'b': 4\)/);
    expect((await failure(join(NPY, 'mixed.npz'))).message).toMatch(/mixed\.npz holds array 'm' of shape \(3, 2\) beside other arrays/);
  });

  it('column names that do not fit', async () => {
    const e = await failure(join(NPY, 'matrix.npy'), { columnNames: ['a', 'b'] });
    expect(e.message).toMatch(/The column names given gives 2 column names for .*matrix\.npy, which has 3 columns\./);
    expect(e.file).toMatch(/matrix\.npy$/);
    expect(e.input).toBe('data');
    expect((await failure(join(NPY, 'matrix.npy'), { columnNames: ['a', 'b', 'a'] })).message).toMatch(/names column 'a' .* twice/);
    const path = join(tmp, 'm.npy');
    await writeFile(path, readFileSync(join(NPY, 'matrix.npy')));
    await writeFile(`${path}.columns.json`, '["x", "y"]');
    expect((await failure(path)).message).toMatch(/m\.npy\.columns\.json gives 2 column names for .*m\.npy, which has 3 columns/);
    await writeFile(`${path}.columns.json`, '{"x": 1}');
    expect((await failure(path)).message).toMatch(/m\.npy\.columns\.json is not a JSON list of strings/);
  });

  it('not an array, a missing file', async () => {
    const path = join(tmp, 'text.npy');
    await writeFile(path, 'a,b\n1,2\n');
    expect((await failure(path)).file).toBe(path);
    expect((await failure(join(tmp, 'none.npz'))).message).toMatch(/none\.npz does not exist/);
  });
});

describe('openTable', () => {
  it('picks the reader by extension, or by the format given', async () => {
    expect((await openTable(join(FIXTURES, 'csv', 'tabs.tsv'))).format).toBe('csv');
    const pq = await openTable(join(FIXTURES, 'parquet', 'groups.parquet'));
    expect(pq.format).toBe('parquet');
    await pq.close();
    const path = join(tmp, 'data.txt');
    await writeFile(path, 'a;b\n1;2\n');
    const csv = await openTable(path, { format: 'csv', csv: { delimiter: ';' } });
    expect(csv.columns.map((c) => c.name)).toEqual(['a', 'b']);
  });

  it('an unknown extension is a UserError naming the file and the extensions read', async () => {
    const e: unknown = await openTable('data/train.xlsx', { input: 'data' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UserError);
    expect((e as UserError).message).toBe(
      'data/train.xlsx has an extension validate-data does not read; expected .csv, .tsv, .parquet, .pq, .npy or .npz.',
    );
    expect((e as UserError).file).toBe('data/train.xlsx');
    expect((e as UserError).input).toBe('data');
  });
});
