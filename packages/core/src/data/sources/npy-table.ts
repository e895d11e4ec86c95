/**
 * A `.npy` array or an `.npz` archive as a TableSource, read through the npy reader a batch of
 * rows at a time (memory: one batch). A 2-D array is rows x columns, a 1-D array one column; an
 * .npz holds either one 2-D array or 1-D arrays of one length, each a column.
 *
 * Column names: options.columnNames, else `<file>.columns.json` beside the data (a JSON list of
 * names), else an .npz's array names (1-D members), else col_0..col_{k-1}. dtypes are numpy's
 * names (float64, int32, uint8, bool...). Numbers come as Float64Arrays (an int64 beyond 2^53 is
 * rounded, as numpy's astype(float) rounds it), booleans as cells.
 */
import { readFile } from 'node:fs/promises';

import { UserError, messageOf } from '../../errors.js';
import { NpzArchive, openNpy, type NpyArray } from '../../npy/array.js';
import type { DType } from '../../npy/dtype.js';
import type { BatchOptions, Cell, ColumnInfo, ColumnValues, TableBatch, TableFormat, TableSource } from '../table.js';
import { batchRowsOf, columnPlan } from './columns.js';

export interface NpyTableOptions {
  columnNames?: readonly string[];
  input?: string;
}

/** numpy's name for a dtype. */
export function numpyDtypeName(d: DType): string {
  if (d.kind === 'b') return 'bool';
  return `${{ f: 'float', i: 'int', u: 'uint' }[d.kind]}${d.size * 8}`;
}

/** Where the columns are: the columns of one array (2-D or 1-D), or one 1-D .npz member each. */
type Layout = { kind: 'matrix'; member?: string } | { kind: 'members'; members: string[] };

interface Described {
  layout: Layout;
  rows: number;
  dtypes: string[];
  defaultNames: string[];
}

function shapeError(path: string, what: string, input?: string): UserError {
  return new UserError(
    `${path} ${what}; expected a 2-D array (rows x columns), a 1-D array (one column) or an .npz of 1-D arrays of one length.`,
    {
      file: path,
      input,
    },
  );
}

function describeMatrix(path: string, a: NpyArray, input?: string, member?: string): Described {
  if (a.shape.length > 2) throw shapeError(path, `holds an array of shape (${a.shape.join(', ')})`, input);
  const k = a.shape.length === 2 ? a.shape[1] : 1;
  const dtype = numpyDtypeName(a.dtype);
  return {
    layout: { kind: 'matrix', member },
    rows: a.rows,
    dtypes: Array.from({ length: k }, () => dtype),
    defaultNames: Array.from({ length: k }, (_, j) => `col_${j}`),
  };
}

async function describeNpz(path: string, zip: NpzArchive, input?: string): Promise<Described> {
  const keys = zip.keys;
  if (keys.length === 0) throw shapeError(path, 'holds no arrays', input);
  const shapes: { key: string; shape: readonly number[]; dtype: string }[] = [];
  for (const key of keys) {
    const a = await zip.array(key, input);
    shapes.push({ key, shape: a.shape, dtype: numpyDtypeName(a.dtype) });
    await a.close();
  }
  if (shapes.length === 1 && shapes[0].shape.length === 2) {
    const [{ key, shape, dtype }] = shapes;
    return {
      layout: { kind: 'matrix', member: key },
      rows: shape[0],
      dtypes: Array.from({ length: shape[1] }, () => dtype),
      defaultNames: Array.from({ length: shape[1] }, (_, j) => `col_${j}`),
    };
  }
  const notFlat = shapes.find((s) => s.shape.length !== 1);
  if (notFlat) throw shapeError(path, `holds array '${notFlat.key}' of shape (${notFlat.shape.join(', ')}) beside other arrays`, input);
  const rows = shapes[0].shape[0];
  const other = shapes.find((s) => s.shape[0] !== rows);
  if (other)
    throw shapeError(path, `holds arrays of different lengths ('${shapes[0].key}': ${rows}, '${other.key}': ${other.shape[0]})`, input);
  return { layout: { kind: 'members', members: keys }, rows, dtypes: shapes.map((s) => s.dtype), defaultNames: keys };
}

/** The names from `<file>.columns.json`, or undefined when there is no such file. */
async function namesBeside(path: string, input?: string): Promise<string[] | undefined> {
  const file = `${path}.columns.json`;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new UserError(`${file} cannot be read: ${messageOf(e)}.`, { file, input, cause: e });
  }
  let names: unknown;
  try {
    names = JSON.parse(text);
  } catch (e) {
    throw new UserError(`${file} is not JSON: ${messageOf(e)}; expected a list of column names.`, { file, input, cause: e });
  }
  if (!Array.isArray(names) || !names.every((n) => typeof n === 'string')) {
    throw new UserError(`${file} is not a JSON list of strings; expected the column names of ${path}.`, { file, input });
  }
  return names;
}

function checkNames(path: string, names: readonly string[], count: number, from: string, input?: string): void {
  if (names.length !== count) {
    throw new UserError(
      `${from} gives ${names.length} column name${names.length === 1 ? '' : 's'} for ${path}, which has ${count} column${count === 1 ? '' : 's'}.`,
      {
        file: path,
        input,
      },
    );
  }
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n))
      throw new UserError(`${from} names column '${n}' of ${path} twice; column names must be distinct.`, { file: path, input });
    seen.add(n);
  }
}

/** Column j of `count` row-major rows of `width` values: numbers, or booleans for a bool column. */
function columnOf(buf: Float64Array, j: number, width: number, count: number, dtype: string): ColumnValues {
  if (dtype === 'bool') {
    const cells = new Array<Cell>(count);
    for (let i = 0; i < count; i++) cells[i] = buf[i * width + j] !== 0;
    return cells;
  }
  if (width === 1) return buf;
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = buf[i * width + j];
  return out;
}

export class NpyTable implements TableSource {
  readonly columns: ColumnInfo[];

  private constructor(
    readonly path: string,
    readonly format: TableFormat,
    readonly rows: number,
    names: readonly string[],
    private readonly described: Described,
    private readonly zip?: NpzArchive,
    private readonly input?: string,
  ) {
    this.columns = names.map((name, j) => ({ name, dtype: described.dtypes[j] }));
  }

  /** Opens a .npy file or an .npz archive (`format`) and learns its columns' names and dtypes. */
  static async open(path: string, format: 'npy' | 'npz', options: NpyTableOptions = {}): Promise<NpyTable> {
    const { input } = options;
    let zip: NpzArchive | undefined;
    let described: Described;
    if (format === 'npz') {
      zip = await NpzArchive.open(path);
      described = await describeNpz(path, zip, input).catch((e: unknown) => {
        zip?.close();
        throw e;
      });
    } else {
      const a = await openNpy(path);
      try {
        described = describeMatrix(path, a, input);
      } finally {
        await a.close();
      }
    }
    try {
      const count = described.dtypes.length;
      let names = options.columnNames;
      if (names) checkNames(path, names, count, 'The column names given', input);
      names ??= await namesBeside(path, input);
      if (names && names !== options.columnNames) checkNames(path, names, count, `${path}.columns.json`, input);
      return new NpyTable(path, format, described.rows, names ?? described.defaultNames, described, zip, input);
    } catch (e) {
      zip?.close();
      throw e;
    }
  }

  private openArray(member?: string): Promise<NpyArray> {
    return this.zip && member !== undefined ? this.zip.array(member, this.input) : openNpy(this.path);
  }

  async *batches(options: BatchOptions = {}): AsyncGenerator<TableBatch> {
    const { indexes } = columnPlan(this, options.columns);
    const batchRows = batchRowsOf(options.batchRows);
    const layout = this.described.layout;
    const dtypes = this.described.dtypes;
    // a matrix is one array read whole; members are opened one per column asked for
    const arrays = layout.kind === 'matrix' ? [await this.openArray(layout.member)] : [];
    try {
      if (layout.kind === 'members') for (const c of indexes) arrays.push(await this.openArray(layout.members[c]));
      const width = dtypes.length;
      for (let start = 0; start < this.rows; start += batchRows) {
        const n = Math.min(batchRows, this.rows - start);
        const columns: ColumnValues[] = [];
        if (layout.kind === 'matrix') {
          const buf = new Float64Array(n * width);
          await arrays[0].readRows(start, n, buf);
          for (const c of indexes) columns.push(columnOf(buf, c, width, n, dtypes[c]));
        } else {
          for (const [k, c] of indexes.entries()) {
            const buf = new Float64Array(n);
            await arrays[k].readRows(start, n, buf);
            columns.push(columnOf(buf, 0, 1, n, dtypes[c]));
          }
        }
        yield { rows: n, columns };
      }
    } finally {
      for (const a of arrays) await a.close();
    }
  }

  close(): Promise<void> {
    this.zip?.close();
    return Promise.resolve();
  }
}
