/**
 * One column chunk of a Parquet row group decoded straight into a column of the table: pages are
 * decompressed and decoded by hyparquet's page functions, and their values scattered by the
 * definition levels into a Float64Array (numbers, NaN for null) or an array of cells, with no
 * row objects and no per-row list assembly (hyparquet's parquetRead assembles every value of an
 * OPTIONAL column through its nested-list code: 3x slower on a 1M x 20 file).
 */
import { parquetHeader } from 'hyparquet/src/column.js';
import { convert, convertWithDictionary } from 'hyparquet/src/convert.js';
import { decompressPage, readDataPage, readDataPageV2 } from 'hyparquet/src/datapage.js';
import { readPlain } from 'hyparquet/src/plain.js';
import type { ColumnDecoder, DecodedArray, PageHeader } from 'hyparquet/src/types.js';

import type { Cell, ColumnValues } from '../table.js';

/** How a column's values come out: numbers (Float64Array, bigint beyond 2^53) or cells. */
export type ValueKind = 'number' | 'cell' | 'date';

export interface ChunkColumn {
  decoder: ColumnDecoder;
  kind: ValueKind;
  /** The definition level of a present value (0: REQUIRED). */
  maxDefinition: number;
}

/** A decoded value as a cell: dates as ISO text, bytes as hex, anything else structured as JSON. */
function toCell(v: unknown, kind: ValueKind): Cell {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case 'number':
      return Number.isNaN(v) ? null : v;
    case 'bigint':
      return Number.isSafeInteger(Number(v)) ? Number(v) : v;
    case 'string':
    case 'boolean':
      return v;
  }
  if (v instanceof Date) return kind === 'date' ? v.toISOString().slice(0, 10) : v.toISOString();
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex');
  return JSON.stringify(v, (_, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));
}

/** Where the values of a chunk go: a Float64Array until a number needs a bigint, then cells. */
class Output {
  nums: Float64Array | null;
  cells: Cell[] | null;
  constructor(
    rows: number,
    readonly kind: ValueKind,
  ) {
    this.nums = kind === 'number' ? new Float64Array(rows) : null;
    this.cells = kind === 'number' ? null : new Array<Cell>(rows).fill(null);
  }

  toCells(): Cell[] {
    if (this.cells) return this.cells;
    const nums = this.nums as Float64Array;
    this.cells = Array.from(nums, (x) => (Number.isNaN(x) ? null : x));
    this.nums = null;
    return this.cells;
  }

  /** Writes `count` values from `values` at rows [at, at + count), none missing. */
  dense(values: DecodedArray, at: number, count: number): void {
    const nums = this.nums;
    if (
      nums &&
      (values instanceof Float64Array || values instanceof Float32Array || values instanceof Int32Array || values instanceof Uint32Array)
    ) {
      nums.set(values.subarray(0, count), at);
      return;
    }
    for (let i = 0; i < count; i++) this.put(at + i, values[i]);
  }

  put(r: number, v: unknown): void {
    if (this.nums) {
      if (typeof v === 'number') {
        this.nums[r] = v;
        return;
      }
      if (typeof v === 'bigint' && Number.isSafeInteger(Number(v))) {
        this.nums[r] = Number(v);
        return;
      }
      if (v === null || v === undefined) {
        this.nums[r] = NaN;
        return;
      }
      this.toCells();
    }
    (this.cells as Cell[])[r] = toCell(v, this.kind);
  }

  /** Rows left as they are (null) in a cells column, NaN in a numeric one. */
  missing(r: number): void {
    if (this.nums) this.nums[r] = NaN;
    else (this.cells as Cell[])[r] = null;
  }

  values(): ColumnValues {
    return this.nums ?? (this.cells as Cell[]);
  }
}

/** Scatters a page's present values over its rows by the definition levels; returns the missing count. */
function scatter(out: Output, at: number, rows: number, levels: number[] | undefined, values: DecodedArray, maxDefinition: number): number {
  if (!levels || levels.length === 0) {
    out.dense(values, at, rows);
    return 0;
  }
  let v = 0;
  let missing = 0;
  for (let i = 0; i < rows; i++) {
    if (levels[i] === maxDefinition) out.put(at + i, values[v++]);
    else {
      out.missing(at + i);
      missing++;
    }
  }
  return missing;
}

interface PageRead {
  rows: number;
  levels: number[] | undefined;
  values: DecodedArray;
  encoding: string;
}

/** Decodes the data page whose header was just read (bytes: the page as stored). */
function readData(header: PageHeader, bytes: Uint8Array, decoder: ColumnDecoder): PageRead {
  if (header.type === 'DATA_PAGE') {
    const daph = header.data_page_header;
    if (!daph) throw new Error('parquet data page header is undefined');
    const page = decompressPage(bytes, Number(header.uncompressed_page_size), decoder.codec, decoder.compressors);
    const { definitionLevels, dataPage } = readDataPage(page, daph, decoder);
    return { rows: daph.num_values, levels: definitionLevels, values: dataPage, encoding: daph.encoding };
  }
  const daph2 = header.data_page_header_v2;
  if (!daph2) throw new Error('parquet data page header v2 is undefined');
  const { definitionLevels, dataPage } = readDataPageV2(bytes, header, decoder);
  return { rows: daph2.num_rows, levels: definitionLevels, values: dataPage, encoding: daph2.encoding };
}

/**
 * Decodes a column chunk (`bytes`: from its first page to its end) of a row group of `rows`
 * rows; returns the values and how many are missing.
 */
export function decodeChunk(bytes: Uint8Array, rows: number, column: ChunkColumn): { values: ColumnValues; missing: number } {
  const { decoder, maxDefinition } = column;
  const reader = { view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset: 0 };
  const out = new Output(rows, column.kind);
  let dictionary: DecodedArray | undefined;
  let row = 0;
  let missing = 0;
  while (row < rows && reader.offset < bytes.byteLength) {
    const header = parquetHeader(reader);
    const stored = bytes.subarray(reader.offset, reader.offset + header.compressed_page_size);
    reader.offset += header.compressed_page_size;
    if (header.type === 'DICTIONARY_PAGE') {
      const page = decompressPage(stored, Number(header.uncompressed_page_size), decoder.codec, decoder.compressors);
      const view = new DataView(page.buffer, page.byteOffset, page.byteLength);
      const count = header.dictionary_page_header?.num_values ?? 0;
      dictionary = convert(readPlain({ view, offset: 0 }, decoder.type, count, decoder.element.type_length), decoder);
    } else if (header.type === 'DATA_PAGE' || header.type === 'DATA_PAGE_V2') {
      const page = readData(header, stored, decoder);
      if (row + page.rows > rows) throw new Error(`parquet column chunk holds more than the row group's ${rows} rows`);
      const values = convertWithDictionary(page.values, dictionary, page.encoding as never, decoder);
      missing += scatter(out, row, page.rows, page.levels, values, maxDefinition);
      row += page.rows;
    }
  }
  if (row < rows) throw new Error(`parquet column chunk ends after ${row} of its row group's ${rows} rows`);
  return { values: out.values(), missing };
}
