/**
 * A log's rows as curves per epoch. A row's epoch is its epoch column's value (an empty cell: the
 * previous row's), or its position counting from 0 without an epoch column (as Keras and
 * Lightning number epochs). Rows of one epoch that follow one another are MERGED into one point:
 * each column takes its last non-empty value in the epoch. That is how a Lightning metrics.csv,
 * whose train and validation metrics sit on different rows, becomes one point per epoch; on a log
 * with one row per epoch it changes nothing. The raw rows are kept too: the finiteness and
 * gradient-norm checks read every logged value, not only an epoch's last.
 */
import { UserError } from '../errors.js';
import { showCell } from './log-values.js';
import { cellAt, type TrainingLog } from './log.js';
import type { ChosenColumns } from './columns.js';

/** A column as numbers, one per raw row (null: not logged in that row). */
export type RawColumn = readonly (number | null)[];

/** A column per epoch: its value (null: no row of the epoch logged it) and the row it came from (-1: none). */
export interface EpochColumn {
  values: (number | null)[];
  rows: number[];
}

export interface TrainingCurves {
  path: string;
  columns: ChosenColumns;
  /** The line of each raw row (undefined: the format has none). */
  lines: readonly (number | undefined)[];
  /** The epoch of each raw row. */
  rowEpochs: readonly number[];
  /** The epochs, in log order, and the first raw row of each. */
  epochs: readonly number[];
  epochFirstRows: readonly number[];
  /** Every column read, raw and per epoch. */
  raw: ReadonlyMap<string, RawColumn>;
  merged: ReadonlyMap<string, EpochColumn>;
}

/** Where a row is, for messages: "epoch 7 (line 9)". */
export function where(curves: TrainingCurves, row: number): string {
  const line = curves.lines[row];
  return `epoch ${curves.rowEpochs[row]}${line === undefined ? '' : ` (line ${line})`}`;
}

/** A column's cells as numbers; text in it is a UserError naming the file, line and value. */
function numericColumn(log: TrainingLog, column: string): (number | null)[] {
  const k = log.columns.indexOf(column);
  return log.rows.map((row, i) => {
    const v = cellAt(row, k);
    if (typeof v === 'string') {
      const at = row.line === undefined ? `row ${i + 1}` : `line ${row.line}`;
      throw new UserError(`${log.path}: ${at}: column ${column} holds ${showCell(v)}, not a number.`, { file: log.path });
    }
    return v;
  });
}

function rowEpochsOf(log: TrainingLog, column: string | undefined): number[] {
  if (!column) return log.rows.map((_, i) => i);
  const values = numericColumn(log, column);
  let previous = 0;
  return values.map((v, i) => {
    if (v === null) return previous;
    if (!Number.isFinite(v)) {
      const at = log.rows[i].line === undefined ? `row ${i + 1}` : `line ${log.rows[i].line}`;
      throw new UserError(`${log.path}: ${at}: the epoch (column ${column}) is ${v}; expected a number.`, { file: log.path });
    }
    previous = v;
    return v;
  });
}

function mergeColumn(raw: RawColumn, epochFirstRows: readonly number[]): EpochColumn {
  const values: (number | null)[] = [];
  const rows: number[] = [];
  epochFirstRows.forEach((first, e) => {
    const end = e + 1 < epochFirstRows.length ? epochFirstRows[e + 1] : raw.length;
    let row = -1;
    for (let i = end - 1; i >= first; i--) {
      if (raw[i] !== null) {
        row = i;
        break;
      }
    }
    values.push(row < 0 ? null : raw[row]);
    rows.push(row);
  });
  return { values, rows };
}

/** The curves of the chosen columns and of `extra` ones (the columns of bounds), which must exist. */
export function trainingCurves(log: TrainingLog, columns: ChosenColumns, extra: readonly string[] = []): TrainingCurves {
  const rowEpochs = rowEpochsOf(log, columns.epoch);
  const epochs: number[] = [];
  const epochFirstRows: number[] = [];
  rowEpochs.forEach((e, i) => {
    if (i === 0 || e !== rowEpochs[i - 1]) {
      epochs.push(e);
      epochFirstRows.push(i);
    }
  });
  const names = [...new Set([columns.loss, columns.valLoss, columns.gradNorm, ...extra].filter((c): c is string => !!c))];
  const raw = new Map(names.map((c) => [c, numericColumn(log, c)] as const));
  const merged = new Map(names.map((c) => [c, mergeColumn(raw.get(c)!, epochFirstRows)] as const));
  return { path: log.path, columns, lines: log.rows.map((r) => r.line), rowEpochs, epochs, epochFirstRows, raw, merged };
}

/** The points of a column with a finite value, per epoch: [epoch index, value]. */
export function finitePoints(column: EpochColumn): [number, number][] {
  const out: [number, number][] = [];
  column.values.forEach((v, e) => {
    if (v !== null && Number.isFinite(v)) out.push([e, v]);
  });
  return out;
}
