// openTable's one addition to the readers: a column named twice in batches({columns}) is read
// once and given at both positions, in every format (the leakage pass names its label twice when
// the label is also one of the hashed columns).
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

import { cellAt, type ColumnValues } from '../table.js';
import { openTable, type OpenTableOptions } from './open-table.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

function cells(values: ColumnValues, rows: number): unknown[] {
  return Array.from({ length: rows }, (_, i) => cellAt(values, i));
}

async function read(path: string, columns: string[], options: OpenTableOptions): Promise<unknown[][]> {
  const table = await openTable(path, options);
  try {
    const out: unknown[][] = columns.map(() => []);
    for await (const b of table.batches({ columns, batchRows: 2 })) b.columns.forEach((c, k) => out[k].push(...cells(c, b.rows)));
    return out;
  } finally {
    await table.close();
  }
}

describe('openTable: a column asked for twice', () => {
  for (const [name, file, options] of [
    ['CSV', join(FIXTURES, 'csv', 'numbers.csv'), {}],
    ['Parquet', join(FIXTURES, 'parquet', 'groups.parquet'), {}],
  ] as const) {
    it(`${name}: the same values at both positions as when asked once`, async () => {
      const table = await openTable(file, options);
      const [first, second] = table.columns.map((c) => c.name);
      await table.close();
      const once = await read(file, [first, second], options);
      const twice = await read(file, [first, second, first], options);
      expect(twice).toEqual([once[0], once[1], once[0]]);
      expect(once[0].length).toBeGreaterThan(0);
    });
  }
});
