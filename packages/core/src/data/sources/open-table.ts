/** The one way a table file is opened: its format from the option or from its extension. */
import { UserError } from '../../errors.js';
import type { BatchOptions, TableBatch, TableFormat, TableSource } from '../table.js';
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
  return readingEachColumnOnce(await openFormat(path, options));
}

/**
 * The source, with batches() taking a column named more than once (the leakage row hash and the
 * label may both name `label`): each column is read once and given at every position asked.
 */
function readingEachColumnOnce(source: TableSource): TableSource {
  return {
    path: source.path,
    format: source.format,
    // the reader's own array: a CSV reader sets the dtypes in it after a full pass
    columns: source.columns,
    rows: source.rows,
    async *batches(options: BatchOptions = {}): AsyncGenerator<TableBatch> {
      const names = options.columns;
      if (!names || new Set(names).size === names.length) {
        yield* source.batches(options);
        return;
      }
      const unique = [...new Set(names)];
      const slots = names.map((n) => unique.indexOf(n));
      for await (const b of source.batches({ ...options, columns: unique }))
        yield { rows: b.rows, columns: slots.map((s) => b.columns[s]) };
    },
    close: () => source.close(),
  };
}

async function openFormat(path: string, options: OpenTableOptions): Promise<TableSource> {
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
