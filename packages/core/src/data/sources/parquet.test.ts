/**
 * The Parquet reader against the table numpy/pandas wrote (fixtures/make_parquet_fixtures.py:
 * parquet-expected.json), stored by DuckDB with every codec (make_parquet_fixtures.mjs).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetMetadataAsync } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { UserError } from '../../errors.js';
import { cellAt, type Cell } from '../table.js';
import { ParquetTable } from './parquet.js';

const DIR = join(import.meta.dirname, 'fixtures', 'parquet');
const expected = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'parquet-expected.json'), 'utf8')) as {
  rows: number;
  columns: Record<string, unknown[]>;
  groups: Record<string, unknown[]>;
};
const NAMES = Object.keys(expected.columns);
/** What pandas (with pyarrow) names each column's dtype: integers with a null are float64, booleans with one object. */
const DTYPES = ['float64', 'int64', 'int32', 'float64', 'float32', 'object', 'bool', 'object', 'object', 'datetime64[ns]'];
const CODECS: Record<string, string> = {
  uncompressed: 'UNCOMPRESSED',
  snappy: 'SNAPPY',
  gzip: 'GZIP',
  zstd: 'ZSTD',
  brotli: 'BROTLI',
  lz4: 'LZ4_RAW', // DuckDB writes 'lz4' as LZ4_RAW
  lz4_raw: 'LZ4_RAW',
};

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'parquet-test-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

function enc(cell: Cell): unknown {
  if (typeof cell === 'bigint') return { int: cell.toString() };
  return cell;
}

async function readAll(table: ParquetTable, columns?: string[], batchRows?: number): Promise<{ cells: unknown[][]; sizes: number[] }> {
  const names = columns ?? table.columns.map((c) => c.name);
  const cells: unknown[][] = names.map(() => []);
  const sizes: number[] = [];
  for await (const b of table.batches({ columns, batchRows })) {
    sizes.push(b.rows);
    b.columns.forEach((values, k) => {
      expect(values.length).toBe(b.rows);
      for (let i = 0; i < b.rows; i++) cells[k].push(enc(cellAt(values, i)));
    });
  }
  return { cells, sizes };
}

describe('Parquet files of every codec read as numpy/pandas wrote the table', () => {
  for (const [codec, stored] of Object.entries(CODECS)) {
    it(codec, async () => {
      const path = join(DIR, `table.${codec}.parquet`);
      const bytes = await readFile(path);
      const file = {
        byteLength: bytes.byteLength,
        slice: (s: number, e?: number) => bytes.buffer.slice(bytes.byteOffset + s, bytes.byteOffset + (e ?? bytes.byteLength)),
      };
      const meta = await parquetMetadataAsync(file);
      expect(meta.row_groups.flatMap((g) => g.columns.map((c) => c.meta_data?.codec))).toEqual(NAMES.map(() => stored));

      const table = await ParquetTable.open(path);
      try {
        expect(table.format).toBe('parquet');
        expect(table.rows).toBe(expected.rows);
        expect(table.columns).toEqual(NAMES.map((name, k) => ({ name, dtype: DTYPES[k] })));
        const { cells, sizes } = await readAll(table);
        expect(sizes).toEqual([250]);
        NAMES.forEach((name, k) => expect(cells[k], name).toEqual(expected.columns[name]));
      } finally {
        await table.close();
      }
    });
  }
});

describe('Parquet batches', () => {
  it('numbers come as Float64Arrays (NaN for null); text, booleans and dates as cells', async () => {
    const table = await ParquetTable.open(join(DIR, 'table.snappy.parquet'));
    const kinds: boolean[] = [];
    for await (const b of table.batches({ batchRows: 1000 })) {
      b.columns.forEach((v) => kinds.push(v instanceof Float64Array));
      break;
    }
    await table.close();
    // i64 holds 2^60 + 1: its column is cells (bigint)
    expect(kinds).toEqual([false, true, true, true, true, false, false, false, false, false]);
  });

  it('span no row group, restart from row 0, read only the columns asked for in their order', async () => {
    const table = await ParquetTable.open(join(DIR, 'groups.parquet'));
    try {
      expect(table.columns).toEqual([
        { name: 'k', dtype: 'float64' },
        { name: 'x', dtype: 'float64' },
        { name: 'tag', dtype: 'object' },
      ]);
      const first = await readAll(table, ['tag', 'k'], 1000);
      expect(first.sizes).toEqual([1000, 1000, 48, 1000, 1000, 48, 204]);
      expect(first.cells).toEqual([expected.groups.tag, expected.groups.k]);
      const again = await readAll(table, ['x']);
      expect(again.sizes).toEqual([2048, 2048, 204]);
      expect(again.cells).toEqual([expected.groups.x]);
      await expect(readAll(table, ['nope'])).rejects.toThrow(/groups\.parquet has no column 'nope'/);
    } finally {
      await table.close();
    }
  });
});

describe('Parquet errors name the file', () => {
  async function failure(bytes: Buffer | string): Promise<UserError> {
    const path = join(tmp, 'bad.parquet');
    await writeFile(path, bytes);
    try {
      const table = await ParquetTable.open(path);
      try {
        await readAll(table);
      } finally {
        await table.close();
      }
    } catch (e) {
      expect(e).toBeInstanceOf(UserError);
      expect((e as UserError).file).toBe(path);
      return e as UserError;
    }
    throw new Error('no error');
  }

  it('a CSV file, an empty file, a truncated file, a missing file', async () => {
    expect((await failure('a,b\n1,2\n')).message).toMatch(/bad\.parquet is not a readable Parquet file: /);
    expect((await failure('')).message).toMatch(/is not a readable Parquet file/);
    const whole = await readFile(join(DIR, 'table.snappy.parquet'));
    expect((await failure(whole.subarray(0, whole.byteLength >> 1))).message).toMatch(/is not a readable Parquet file/);
    await expect(ParquetTable.open(join(tmp, 'none.parquet'))).rejects.toThrow(/The Parquet file .*none\.parquet does not exist\./);
  });

  it('a column chunk cut short', async () => {
    const whole = Buffer.from(await readFile(join(DIR, 'table.uncompressed.parquet')));
    // zero the bytes of the first row group's data: page headers no longer parse
    whole.fill(0, 4, 2000);
    expect((await failure(whole)).message).toMatch(/bad\.parquet is not a readable Parquet file: column 'i64': /);
  });
});
