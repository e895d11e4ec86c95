/**
 * A CSV column being read: its values for the current batch, and what kinds of value it has held
 * since the first row, from which its dtype follows after a full pass (pandas' rules, checked by
 * fixtures/csv-dtypes.json).
 */
import type { Cell, ColumnValues } from '../table.js';
import { FLOAT, INT, INT_BIG, INT_UNDER, NOT_NUMBER, NumberParser, UINT64 } from './csv-number.js';
import type { CsvScanner } from './csv-scanner.js';

export class CsvColumn {
  /** The batch's values while all are numbers or missing (NaN); then `cells` takes over. */
  private nums: Float64Array;
  private cells: Cell[] | null = null;
  sawInt = false;
  sawNegative = false;
  sawFloat = false;
  sawUint64 = false;
  sawBelowInt64 = false;
  sawBool = false;
  sawText = false;
  sawMissing = false;

  constructor(private readonly capacity: number) {
    this.nums = new Float64Array(capacity);
  }

  putNumber(r: number, v: number): void {
    if (this.cells === null) this.nums[r] = v;
    else this.cells[r] = v;
  }

  putMissing(r: number): void {
    this.sawMissing = true;
    if (this.cells === null) this.nums[r] = NaN;
    else this.cells[r] = null;
  }

  /** A value a Float64Array cannot hold: the batch's column becomes an array of cells. */
  putCell(r: number, v: Exclude<Cell, null>): void {
    if (this.cells === null) {
      const cells = new Array<Cell>(r + 1);
      for (let i = 0; i < r; i++) {
        const x = this.nums[i];
        cells[i] = Number.isNaN(x) ? null : x;
      }
      this.cells = cells;
    }
    this.cells[r] = v;
  }

  /** The batch's first `rows` values, handed over: the next batch is written to new arrays. */
  take(rows: number): ColumnValues {
    if (this.cells !== null) {
      const cells = this.cells;
      cells.length = rows;
      this.cells = null;
      return cells;
    }
    const nums = this.nums.subarray(0, rows);
    this.nums = new Float64Array(this.capacity);
    return nums;
  }

  /**
   * pandas' dtype for the column after `rows` rows: int64 only without a missing value (one makes
   * it float64), uint64 only without a negative or missing one, bool only without a missing one,
   * float64 for a column of nothing but missing values, object for text, mixtures and no rows.
   */
  dtype(rows: number): string {
    if (rows === 0 || this.sawText) return 'object';
    if (this.sawBool) return this.sawMissing || this.sawInt || this.sawFloat || this.sawUint64 || this.sawBelowInt64 ? 'object' : 'bool';
    if (this.sawFloat) return 'float64';
    if (this.sawBelowInt64) return 'object';
    if (this.sawUint64) return this.sawNegative || this.sawMissing ? 'object' : 'uint64';
    if (this.sawInt) return this.sawMissing ? 'float64' : 'int64';
    return 'float64'; // every value missing
  }
}

/** pandas' default missing-value strings (read_csv's na_values when keep_default_na). */
export const PANDAS_NA_VALUES: readonly string[] = [
  '',
  '#N/A',
  '#N/A N/A',
  '#NA',
  '-1.#IND',
  '-1.#QNAN',
  '-NaN',
  '-nan',
  '1.#IND',
  '1.#QNAN',
  '<NA>',
  'N/A',
  'NA',
  'NULL',
  'NaN',
  'None',
  'n/a',
  'nan',
  'null',
];

/** Types a scanned field into its column: missing, number, boolean or text. */
export class CsvTyper {
  private readonly parser = new NumberParser();
  private readonly nulls: ReadonlySet<string>;
  /** Whether a missing-value string reads as a number (-999): numbers are then checked too. */
  private readonly numericNulls: boolean;

  constructor(nullValues: readonly string[] = PANDAS_NA_VALUES) {
    this.nulls = new Set(nullValues);
    const probe = new NumberParser();
    this.numericNulls = nullValues.some((s) => {
      const b = Buffer.from(s, 'utf8');
      return probe.parse(b, 0, b.length) !== NOT_NUMBER;
    });
  }

  /** Writes the scanner's last field into row r of `col`. */
  put(col: CsvColumn, r: number, sc: CsvScanner): void {
    if (sc.start === sc.end) {
      col.putMissing(r);
      return;
    }
    const p = this.parser;
    const kind = p.parse(sc.buf, sc.start, sc.end);
    if (kind === NOT_NUMBER) {
      this.putText(col, r, sc.text());
      return;
    }
    if (this.numericNulls && this.nulls.has(sc.text())) {
      col.putMissing(r);
      return;
    }
    switch (kind) {
      case INT:
        col.sawInt = true;
        if (p.value < 0) col.sawNegative = true;
        col.putNumber(r, p.value);
        return;
      case FLOAT:
        col.sawFloat = true;
        col.putNumber(r, p.value);
        return;
      case INT_BIG:
        col.sawInt = true;
        if (p.big < 0n) col.sawNegative = true;
        col.putCell(r, p.big);
        return;
      case UINT64:
        col.sawUint64 = true;
        col.putCell(r, p.big);
        return;
      case INT_UNDER:
        col.sawBelowInt64 = true;
        col.putNumber(r, p.value);
        return;
    }
  }

  private putText(col: CsvColumn, r: number, text: string): void {
    if (this.nulls.has(text)) {
      col.putMissing(r);
      return;
    }
    const lower = text.length === 4 || text.length === 5 ? text.toLowerCase() : '';
    if (lower === 'true' || lower === 'false') {
      col.sawBool = true;
      col.putCell(r, lower === 'true');
      return;
    }
    col.sawText = true;
    col.putCell(r, text);
  }
}
