/**
 * The passes over a table: every check that reads the data (a suite's expectations, the drift and
 * leakage statistics) sees each batch of the one stream, so the file is read once; an expectation
 * that needs an exact order statistic asks for one more pass over its own columns only.
 */
import type { ColumnValues, TableSource } from './table.js';

/** Something that reads the rows of a pass: an expectation, the drift or leakage statistics. */
export interface TableObserver {
  /** The columns it reads, by name; every one is in the table (the caller checked). */
  readonly columns: readonly string[];
  /** The values of `columns`, in that order, for the next `rows` rows. */
  observe(values: readonly ColumnValues[], rows: number, pass: number): void;
  /** After pass `pass`: true to see the table once more. */
  wantsAnotherPass?(pass: number): boolean;
}

/** Passes beyond which an observer still asking for one is a bug (exact quantiles need 2 or 3). */
const MAX_PASSES = 8;

/** Where each observer's columns are among the columns read. */
function columnIndexes(observers: readonly TableObserver[]): { read: string[]; indexes: number[][] } {
  const read: string[] = [];
  const position = new Map<string, number>();
  const indexes = observers.map((o) =>
    o.columns.map((name) => {
      let at = position.get(name);
      if (at === undefined) {
        at = read.length;
        position.set(name, at);
        read.push(name);
      }
      return at;
    }),
  );
  return { read, indexes };
}

/** One pass of `observers` over `source`; returns the rows read. */
async function pass(source: TableSource, observers: readonly TableObserver[], passNumber: number, batchRows?: number): Promise<number> {
  const { read, indexes } = columnIndexes(observers);
  let rows = 0;
  for await (const batch of source.batches({ columns: read, batchRows })) {
    rows += batch.rows;
    for (let o = 0; o < observers.length; o++) {
      observers[o].observe(
        indexes[o].map((i) => batch.columns[i]),
        batch.rows,
        passNumber,
      );
    }
  }
  return rows;
}

/**
 * Runs `observers` over the table: pass 1 for all, then further passes for those that ask, until
 * none does. Returns the table's row count (from pass 1).
 */
export async function runPasses(
  source: TableSource,
  observers: readonly TableObserver[],
  options: { batchRows?: number } = {},
): Promise<number> {
  const rows = await pass(source, observers, 1, options.batchRows);
  let asking = observers.filter((o) => o.wantsAnotherPass?.(1));
  for (let n = 2; asking.length > 0; n++) {
    if (n > MAX_PASSES) throw new Error(`table pass ${n}: ${asking.length} observer(s) still ask for another pass`);
    await pass(source, asking, n, options.batchRows);
    asking = asking.filter((o) => o.wantsAnotherPass?.(n));
  }
  return rows;
}
