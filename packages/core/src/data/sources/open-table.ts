/** The one way a table file is opened: its format from the option or from its extension. */
import { UserError } from '../../errors.js';
import type { TableFormat, TableSource } from '../table.js';
import { CsvTable, type CsvOptions } from './csv.js';
import { NpyTable } from './npy-table.js';
import { ParquetTable } from './parquet.js';

export interface OpenTableOptions {
  /** The format (default: from the extension: .csv/.tsv, .parquet/.pq, .npy, .npz). */
  format?: TableFormat;
  /** The action input that named the file, for messages. */
  input?: string;
  csv?: Omit<CsvOptions, 'chunkBytes'>;
  /** Column names for a .npy/.npz (default: `<file>.columns.json`, an .npz's array names, col_0...). */
  columnNames?: readonly string[];
}

const EXTENSIONS: readonly [RegExp, TableFormat][] = [
  [/\.(csv|tsv)$/i, 'csv'],
  [/\.(parquet|pq)$/i, 'parquet'],
  [/\.npy$/i, 'npy'],
  [/\.npz$/i, 'npz'],
];

/** The format a file's extension says, or a UserError naming the file and the extensions read. */
export function formatOf(path: string, input?: string): TableFormat {
  const found = EXTENSIONS.find(([re]) => re.test(path));
  if (!found) {
    throw new UserError(`${path} has an extension validate-data does not read; expected .csv, .tsv, .parquet, .pq, .npy or .npz.`, {
      file: path,
      input,
      hint: 'Name the file with one of these extensions, or set its format.',
    });
  }
  return found[1];
}

export async function openTable(path: string, options: OpenTableOptions = {}): Promise<TableSource> {
  const format = options.format ?? formatOf(path, options.input);
  switch (format) {
    case 'csv':
      return CsvTable.open(path, options.csv, options.input);
    case 'parquet':
      return ParquetTable.open(path, options.input);
    case 'npy':
    case 'npz':
      return NpyTable.open(path, format, { columnNames: options.columnNames, input: options.input });
    default:
      throw new UserError(`The table format '${String(format)}' for ${path} is unknown; expected csv, parquet, npy or npz.`, {
        file: path,
        input: options.input,
      });
  }
}
