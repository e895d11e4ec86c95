/**
 * Bounds on the final value of any logged metric, one per line of the `bounds` input:
 * `val_accuracy >= 0.9`, `train_loss <= 2`, `val_f1 > 0.5`. Parsed strictly: a line that is not
 * COLUMN OPERATOR NUMBER is an error naming the line; `#` starts a comment; blank lines are skipped.
 */
import { parseError, parsed, type ParseResult } from '../errors.js';

export const BOUND_OPERATORS = ['>=', '<=', '>', '<'] as const;
export type BoundOperator = (typeof BOUND_OPERATORS)[number];

export interface Bound {
  column: string;
  operator: BoundOperator;
  value: number;
  /** The line of the input it was written on (1-based). */
  line: number;
  /** As shown: "val_accuracy >= 0.9". */
  text: string;
}

const LINE = /^(.+?)\s*(>=|<=|>|<)\s*(\S+)$/;
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

export const BOUNDS_EXPECTED = 'one bound per line, COLUMN OPERATOR NUMBER with OPERATOR one of >=, <=, >, < (e.g. val_accuracy >= 0.9)';

/** Parses the bounds input; the error names the line ("line 2 ('val_acc => 0.9') is not ..."). */
export function parseBounds(text: string): ParseResult<Bound[]> {
  const bounds: Bound[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const body = lines[i].replace(/#.*$/, '').trim();
    if (body === '') continue;
    const m = LINE.exec(body);
    const column = m?.[1].trim();
    if (!m || !column || /\s|[<>=!]/.test(column) || !NUMBER.test(m[3]) || !Number.isFinite(Number(m[3]))) {
      return parseError(`line ${i + 1} ('${body}') is not a bound`);
    }
    const operator = m[2] as BoundOperator;
    const value = Number(m[3]);
    bounds.push({ column, operator, value, line: i + 1, text: `${column} ${operator} ${m[3]}` });
  }
  return parsed(bounds);
}

/** Whether `v` satisfies the bound (NaN never does). */
export function withinBound(v: number, b: Pick<Bound, 'operator' | 'value'>): boolean {
  switch (b.operator) {
    case '>=':
      return v >= b.value;
    case '<=':
      return v <= b.value;
    case '>':
      return v > b.value;
    case '<':
      return v < b.value;
  }
}
