/**
 * The values of a training log as the loggers write them. A NaN or an infinite loss is what the
 * checks exist to find, so every spelling Python and the loggers use is READ as a number, never
 * refused: `nan`, `NaN`, `-nan`, `inf`, `-inf`, `Infinity`, `-Infinity` (str(float), numpy, pandas,
 * json.dump), in any case. An empty cell, `NA` (Keras' CSVLogger for a key an epoch did not log),
 * `N/A`, `null` and `None` are "not logged in this row". Anything else that is not a decimal
 * number is text (a column of text is fine unless a check reads it).
 */

/** A logged value: a number (NaN and ±Infinity included), text, or null when the row has none. */
export type LogCell = number | string | null;

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const NAN = /^[+-]?nan$/i;
const INFINITY = /^([+-]?)inf(?:inity)?$/i;
const MISSING = /^(?:|na|n\/a|null|none)$/i;

/** One cell of a CSV log (or a string of a JSON log) as a value. */
export function parseLogCell(text: string): LogCell {
  const t = text.trim();
  if (MISSING.test(t)) return null;
  if (DECIMAL.test(t)) return Number(t);
  if (NAN.test(t)) return NaN;
  const inf = INFINITY.exec(t);
  if (inf) return inf[1] === '-' ? -Infinity : Infinity;
  return text;
}

/** A JSON value of a log as a cell: numbers as they are, strings parsed, null as missing, the rest text. */
export function jsonLogCell(value: unknown): LogCell {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return parseLogCell(value);
  if (value === null || value === undefined) return null;
  return JSON.stringify(value);
}

/** How a value is shown in a message: 0.123, NaN, Infinity, 'text', (none). */
export function showCell(v: LogCell): string {
  if (v === null) return '(none)';
  if (typeof v === 'string') return `'${v.length > 40 ? `${v.slice(0, 37)}...` : v}'`;
  return String(v);
}
