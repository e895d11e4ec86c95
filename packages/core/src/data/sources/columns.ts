/** What every source does with BatchOptions: which columns, how many rows a batch. */
import { UserError } from '../../errors.js';
import type { ColumnInfo } from '../table.js';

/** Rows per batch when the caller does not say (BatchOptions.batchRows). */
export const DEFAULT_BATCH_ROWS = 65_536;

/** The rows per batch asked for, checked: a positive integer. */
export function batchRowsOf(batchRows: number | undefined): number {
  const n = batchRows ?? DEFAULT_BATCH_ROWS;
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`batchRows must be a positive integer, not ${n}`);
  return n;
}

/**
 * The file positions of the columns asked for (all, in file order, when none are named).
 * A name the table does not have is a UserError naming the file and the columns it has.
 */
export function columnPlan(source: { path: string; columns: readonly ColumnInfo[] }, names?: readonly string[]): { indexes: number[] } {
  if (!names) return { indexes: source.columns.map((_, i) => i) };
  const position = new Map(source.columns.map((c, i) => [c.name, i]));
  const indexes = names.map((name) => {
    const at = position.get(name);
    if (at === undefined) {
      const shown = source.columns.map((c) => c.name);
      throw new UserError(
        `${source.path} has no column '${name}'; it has ${shown.length} column${shown.length === 1 ? '' : 's'}: ${shown.slice(0, 20).join(', ')}${shown.length > 20 ? ', ...' : ''}.`,
        { file: source.path },
      );
    }
    return at;
  });
  return { indexes };
}
