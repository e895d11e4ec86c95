/**
 * A TableSource over arrays, for the tests of drift and leakage (no reader involved): numbers as
 * Float64Array batches (null -> NaN) unless `cells` asks for arrays, or alternating between both
 * to exercise a column that switches representation between batches.
 */
import type { Cell, ColumnInfo, ColumnValues, TableBatch, TableSource } from '../table.js';

export type Representation = 'float64' | 'cells' | 'alternate';

export function memoryTable(
  path: string,
  data: Record<string, readonly Cell[]>,
  dtypes: Record<string, string>,
  representation: Representation = 'alternate',
): TableSource {
  const names = Object.keys(data);
  const columns: ColumnInfo[] = names.map((name) => ({ name, dtype: dtypes[name] }));
  const rows = names.length ? data[names[0]].length : 0;
  const asValues = (values: readonly Cell[], batch: number): ColumnValues => {
    const numeric = values.every((v) => v === null || typeof v === 'number');
    const float = representation === 'float64' || (representation === 'alternate' && batch % 2 === 0);
    return numeric && float ? Float64Array.from(values, (v) => (v === null ? NaN : v)) : values;
  };
  return {
    path,
    format: 'csv',
    columns,
    rows,
    async *batches(options = {}): AsyncIterable<TableBatch> {
      await Promise.resolve();
      const wanted = options.columns ?? names;
      const size = options.batchRows ?? 256;
      for (let start = 0, b = 0; start < rows; start += size, b++) {
        const end = Math.min(rows, start + size);
        yield { rows: end - start, columns: wanted.map((c) => asValues(data[c].slice(start, end), b)) };
      }
    },
    close: async () => {},
  };
}

/** Runs an observer over a source the way the engine does (one pass, its columns in order). */
export async function observeAll(
  source: TableSource,
  observer: { columns: readonly string[]; observe(values: readonly ColumnValues[], rows: number): void },
  batchRows?: number,
): Promise<void> {
  for await (const batch of source.batches({ columns: observer.columns, batchRows })) observer.observe(batch.columns, batch.rows);
}
