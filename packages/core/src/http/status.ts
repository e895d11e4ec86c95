import { parseError, parsed, type ParseResult } from '../errors.js';

/** Accepted HTTP status codes: single codes, inclusive ranges (`200-299`) or classes (`2xx`). */
export interface StatusRange {
  from: number;
  to: number;
}

/**
 * Parses `200`, `200,204`, `200-299`, `2xx`, `200 301-302` (commas, spaces or newlines between
 * items). What is wrong is an error text, for the caller to name its input.
 */
export function parseStatusRanges(text: string): ParseResult<StatusRange[]> {
  const items = text.split(/[\s,]+/).filter(Boolean);
  if (items.length === 0) return parseError('it is empty');
  const ranges: StatusRange[] = [];
  for (const item of items) {
    let m: RegExpExecArray | null;
    let range: StatusRange;
    if ((m = /^([1-5])xx$/i.exec(item))) range = { from: Number(m[1]) * 100, to: Number(m[1]) * 100 + 99 };
    else if ((m = /^(\d{3})$/.exec(item))) range = { from: Number(m[1]), to: Number(m[1]) };
    else if ((m = /^(\d{3})-(\d{3})$/.exec(item))) range = { from: Number(m[1]), to: Number(m[2]) };
    else return parseError(`'${item}' is not a status code, a range like 200-299 or a class like 2xx`);
    if (range.from < 100 || range.to > 599) return parseError(`'${item}' is outside 100-599`);
    if (range.from > range.to) return parseError(`'${item}' is an empty range`);
    ranges.push(range);
  }
  return parsed(ranges);
}

export function statusMatches(status: number, ranges: readonly StatusRange[]): boolean {
  return ranges.some((r) => status >= r.from && status <= r.to);
}

export function describeStatusRanges(ranges: readonly StatusRange[]): string {
  return ranges
    .map((r) => (r.from === r.to ? String(r.from) : r.from % 100 === 0 && r.to === r.from + 99 ? `${r.from / 100}xx` : `${r.from}-${r.to}`))
    .join(', ');
}
