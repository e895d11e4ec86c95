/**
 * How cells compare and how they are written into a report: one rule for every expectation that
 * matches values against a set or counts distinct values, so `in_set` and `distinct_values` agree.
 */
import type { Cell } from './table.js';

/**
 * A key equal for equal values and different for different ones: numbers by value (1 and 1.0 are
 * one value, -0 is 0), text by its characters, booleans apart from both. Never called on null.
 */
export function valueKey(cell: Exclude<Cell, null>): string {
  switch (typeof cell) {
    case 'number':
      return `n${cell === 0 ? 0 : cell}`;
    case 'bigint':
      return `n${cell}`;
    case 'boolean':
      return cell ? 'T' : 'F';
    default:
      return `s${cell}`;
  }
}

/** A cell as the report's JSON writes it: a bigint beyond 2^53 as its decimal digits. */
export function jsonValue(cell: Cell): string | number | boolean | null {
  if (typeof cell === 'bigint') return Number.isSafeInteger(Number(cell)) ? Number(cell) : cell.toString();
  if (typeof cell === 'number' && !Number.isFinite(cell)) return Number.isNaN(cell) ? null : String(cell);
  return cell;
}

/** A JSON value of a suite (a value_set member) as a cell, or undefined when it cannot be one. */
export function suiteValueAsCell(value: unknown): Exclude<Cell, null> | undefined {
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  return undefined;
}
