/**
 * GE's `result_format` kwarg: how much of each result is reported (expectation.py,
 * _format_map_output and Expectation.validate):
 *  - BOOLEAN_ONLY: the result is {} for every expectation;
 *  - BASIC (GE's default for an entry): everything but partial_unexpected_counts (a column map's
 *    partial_unexpected_list stays; other kinds keep observed_value and details);
 *  - SUMMARY: everything, with partial_unexpected_counts;
 *  - COMPLETE is refused: it lists every unexpected value, so memory would grow with the rows.
 * The object form { result_format, partial_unexpected_count, exclude_unexpected_values } is read
 * too; include_unexpected_rows and the index options (whole rows, row indexes) are refused.
 */
import type { ExpectationResultDetails } from './expectation.js';
import type { Kwargs } from './kwargs.js';

export type ResultFormatLevel = 'BOOLEAN_ONLY' | 'BASIC' | 'SUMMARY';

export interface ResultFormat {
  level: ResultFormatLevel;
  partialUnexpectedCount: number;
  excludeUnexpectedValues: boolean;
}

const LEVELS: readonly string[] = ['BOOLEAN_ONLY', 'BASIC', 'SUMMARY'];
const KEYS = ['result_format', 'partial_unexpected_count', 'exclude_unexpected_values', 'include_unexpected_rows'];
const shown = (v: unknown): string => JSON.stringify(v) ?? String(v);

function level(kw: Kwargs, value: unknown, key: string): ResultFormatLevel {
  if (value === 'COMPLETE') {
    throw kw.error(
      key,
      'COMPLETE is not supported: it lists every unexpected value, so memory would grow with the rows; use SUMMARY (counts and the first partial_unexpected_count values)',
    );
  }
  if (typeof value !== 'string' || !LEVELS.includes(value))
    throw kw.error(key, `expected one of ${LEVELS.join(', ')}, got ${shown(value)}`);
  return value as ResultFormatLevel;
}

function fromObject(kw: Kwargs, spec: Record<string, unknown>, defaultCount: number): ResultFormat {
  for (const key of Object.keys(spec)) {
    if (!KEYS.includes(key)) {
      throw kw.error(
        `result_format.${key}`,
        `is not supported (unexpected row indexes and queries are not reported); result_format accepts ${KEYS.join(', ')}`,
      );
    }
  }
  if (spec.include_unexpected_rows === true) {
    throw kw.error('result_format.include_unexpected_rows', 'is not supported: whole rows are not kept (memory would grow with the rows)');
  }
  const count = spec.partial_unexpected_count ?? defaultCount;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) {
    throw kw.error('result_format.partial_unexpected_count', `expected a whole number >= 0, got ${shown(count)}`);
  }
  const exclude = spec.exclude_unexpected_values ?? false;
  if (typeof exclude !== 'boolean')
    throw kw.error('result_format.exclude_unexpected_values', `expected true or false, got ${shown(exclude)}`);
  // GE: with include_unexpected_rows, result_format must be given; otherwise its default is BASIC
  return {
    level: level(kw, spec.result_format ?? 'BASIC', 'result_format.result_format'),
    partialUnexpectedCount: count,
    excludeUnexpectedValues: exclude,
  };
}

/** The entry's result_format kwarg; absent, GE's BASIC with `defaultCount` partial values. */
export function parseResultFormat(kw: Kwargs, defaultCount: number): ResultFormat {
  const raw = kw.raw('result_format');
  if (raw === undefined || raw === null) return { level: 'BASIC', partialUnexpectedCount: defaultCount, excludeUnexpectedValues: false };
  if (typeof raw === 'object' && !Array.isArray(raw)) return fromObject(kw, raw as Record<string, unknown>, defaultCount);
  return { level: level(kw, raw, 'result_format'), partialUnexpectedCount: defaultCount, excludeUnexpectedValues: false };
}

/** An expectation's result as GE reports it at `format`. */
export function applyResultFormat(
  details: ExpectationResultDetails,
  format: ResultFormatLevel,
  excludeUnexpectedValues = false,
): ExpectationResultDetails {
  if (format === 'BOOLEAN_ONLY') return {};
  const out: ExpectationResultDetails = { ...details };
  if (format === 'BASIC' || excludeUnexpectedValues) delete out.partial_unexpected_counts;
  if (excludeUnexpectedValues) delete out.partial_unexpected_list;
  return out;
}
