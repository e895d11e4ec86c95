/**
 * The CSV reader against pandas: fixtures/make_csv_fixtures.py wrote the files and what
 * pandas.read_csv reads from them (csv-expected.json, csv-literals.json); every value and dtype
 * here is pandas'. Where the reader knowingly differs (a number or boolean in a column pandas
 * makes text keeps its type here: the column's type is known only after the last row), the test
 * says so.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { UserError } from '../../errors.js';
import { cellAt, type Cell, type TableSource } from '../table.js';
import { CsvTable, type CsvOptions } from './csv.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const CSV = join(FIXTURES, 'csv');
type Expected = { columns: string[]; dtypes: string[]; values: unknown[][] };
const expectedFiles = JSON.parse(readFileSync(join(FIXTURES, 'csv-expected.json'), 'utf8')) as Record<string, Expected>;
const literals = JSON.parse(readFileSync(join(FIXTURES, 'csv-literals.json'), 'utf8')) as Record<string, { dtype: string; value: unknown }>;

const OPTIONS: Record<string, CsvOptions> = {
  'semicolon.csv': { delimiter: ';', quote: "'" },
  'custom-nulls.csv': { nullValues: ['-999', 'missing'] },
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'csv-test-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function tempCsv(text: string, name = 't.csv'): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

/** A cell as the fixtures' JSON writes it. */
function enc(cell: Cell): unknown {
  if (typeof cell === 'bigint') return cell >= -(2n ** 53n) && cell <= 2n ** 53n ? Number(cell) : { int: cell.toString() };
  if (typeof cell === 'number' && !Number.isFinite(cell)) return { float: cell > 0 ? 'inf' : '-inf' };
  return cell;
}

/** Every column's cells over all batches, and whether each batch's column came as a Float64Array. */
async function readAll(source: TableSource, columns?: string[], batchRows?: number): Promise<{ cells: Cell[][]; typed: boolean[][] }> {
  const names = columns ?? source.columns.map((c) => c.name);
  const cells: Cell[][] = names.map(() => []);
  const typed: boolean[][] = names.map(() => []);
  for await (const batch of source.batches({ columns, batchRows })) {
    batch.columns.forEach((values, k) => {
      expect(values.length).toBe(batch.rows);
      typed[k].push(values instanceof Float64Array);
      for (let i = 0; i < batch.rows; i++) cells[k].push(cellAt(values, i));
    });
  }
  return { cells, typed };
}

/** Our cell against pandas' value; in an object column pandas keeps '1' and 'True' as text. */
function expectCell(got: Cell, want: unknown, dtype: string, where: string): void {
  if (dtype === 'object' && typeof want === 'string' && (typeof got === 'number' || typeof got === 'bigint')) {
    expect(Number(got), where).toBe(Number(want));
  } else if (dtype === 'float64' && typeof got === 'bigint') {
    // an integer beyond 2^53 is read exactly, before a later decimal makes pandas' column float64
    expect(Number(got), where).toBe(want);
  } else if (dtype === 'object' && typeof want === 'string' && typeof got === 'boolean') {
    expect(String(got), where).toBe(want.toLowerCase());
  } else {
    expect(enc(got), where).toEqual(want);
  }
}

describe('CSV literals typed as pandas types them', () => {
  for (const [literal, want] of Object.entries(literals)) {
    it(JSON.stringify(literal), async () => {
      const table = await CsvTable.open(await tempCsv(`a\n"${literal}"\n`));
      const { cells } = await readAll(table);
      expect(table.columns[0].dtype).toBe(want.dtype);
      expectCell(cells[0][0], want.value, want.dtype, literal);
    });
  }
});

describe('CSV fixtures read as pandas reads them', () => {
  for (const [name, want] of Object.entries(expectedFiles)) {
    for (const [batchRows, chunkBytes] of [
      [undefined, undefined],
      [2, 7],
    ] as const) {
      it(`${name} (batches of ${batchRows ?? 'default'} rows, ${chunkBytes ?? 'default'}-byte reads)`, async () => {
        const table = await CsvTable.open(join(CSV, name), { ...OPTIONS[name], chunkBytes });
        expect(table.format).toBe('csv');
        expect(table.columns.map((c) => c.name)).toEqual(want.columns);
        const { cells } = await readAll(table, undefined, batchRows);
        expect(table.columns.map((c) => c.dtype)).toEqual(want.dtypes);
        want.values.forEach((column, k) => {
          expect(cells[k].length).toBe(column.length);
          column.forEach((v, i) => expectCell(cells[k][i], v, want.dtypes[k], `${name} ${want.columns[k]}[${i}]`));
        });
      });
    }
  }

  it('numeric batches come as Float64Arrays; a column turns into cells from the batch text appears in', async () => {
    const path = await tempCsv('n,m\n1,1\n2,2\n3,x\n4,4\n');
    const { cells, typed } = await readAll(await CsvTable.open(path), undefined, 2);
    expect(typed).toEqual([
      [true, true],
      [true, false],
    ]);
    expect(cells[1]).toEqual([1, 2, 'x', 4]);
  });
});

describe('CSV batches', () => {
  const spanning = expectedFiles['spanning.csv'];

  it('span chunks and restart from row 0 on every call', async () => {
    const table = await CsvTable.open(join(CSV, 'spanning.csv'), { chunkBytes: 1000 });
    const sizes: number[] = [];
    for await (const b of table.batches({ batchRows: 1000 })) sizes.push(b.rows);
    expect(sizes).toEqual([1000, 1000]);
    const again = await readAll(table, ['x'], 700);
    expect(again.cells[0].map(enc)).toEqual(spanning.values[0]);
  });

  it('read only the columns asked for, in the order asked', async () => {
    const table = await CsvTable.open(join(CSV, 'spanning.csv'));
    const { cells } = await readAll(table, ['maybe', 'x']);
    expect(cells.map((c) => c.map(enc))).toEqual([spanning.values[3], spanning.values[0]]);
    // only the columns read get their dtypes
    expect(table.columns.map((c) => c.dtype)).toEqual(['float64', 'object', 'object', 'float64']);
  });

  it('an unknown column is a UserError naming the file', async () => {
    const table = await CsvTable.open(join(CSV, 'spanning.csv'));
    await expect(readAll(table, ['nope'])).rejects.toThrow(/spanning\.csv has no column 'nope'; it has 4 columns: x, k, label, maybe/);
  });
});

describe('CSV errors name the file', () => {
  async function failure(text: string, options: CsvOptions = {}): Promise<UserError> {
    const path = await tempCsv(text, 'bad.csv');
    try {
      await readAll(await CsvTable.open(path, options));
    } catch (e) {
      expect(e).toBeInstanceOf(UserError);
      expect((e as UserError).file).toBe(path);
      return e as UserError;
    }
    throw new Error('no error');
  }

  it('a record with too few or too many fields', async () => {
    expect((await failure('a,b,c\n1,2,3\n\n4,5\n')).message).toMatch(/bad\.csv: line 4 has 2 fields; the header has 3\.$/);
    expect((await failure('a,b\n1,2\n"x\ny",2,3,4\n')).message).toMatch(/bad\.csv: line 3 has 4 fields; the header has 2\.$/);
  });

  it('a quote left open names the line it opened on', async () => {
    expect((await failure('a,b\n1,2\n3,"4\n5,6\n')).message).toMatch(
      /bad\.csv: the quote opened on line 3 is not closed by the end of the file\./,
    );
  });

  it('stray quotes', async () => {
    expect((await failure('a,b\n1,x"y\n')).message).toMatch(/line 2 has a quote inside the unquoted field 'x"'/);
    expect((await failure('a,b\n1,"x"y\n')).message).toMatch(/line 2 has 'y\n' after the closing quote/);
  });

  it('headers: empty file, a column with no name, a name twice', async () => {
    expect((await failure('')).message).toMatch(/bad\.csv is empty; expected a header row/);
    expect((await failure('\n\n')).message).toMatch(/is empty/);
    expect((await failure('a,,c\n1,2,3\n')).message).toMatch(/column 2 of the header \(line 1\) has no name/);
    expect((await failure('a,b,a\n1,2,3\n')).message).toMatch(/names column 'a' twice/);
  });

  it('a missing file, bad delimiter or quote options', async () => {
    await expect(CsvTable.open(join(dir, 'missing.csv'))).rejects.toThrow(/The CSV file .*missing\.csv does not exist\./);
    expect((await failure('a\n1\n', { delimiter: ';;' })).message).toMatch(/delimiter .* is ';;'; expected one ASCII character/);
    expect((await failure('a\n1\n', { delimiter: "'", quote: "'" })).message).toMatch(/must differ/);
  });
});
