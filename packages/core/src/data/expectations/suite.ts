/**
 * A Great Expectations suite file, in either JSON form GE writes:
 *  - classic (0.x, ExpectationSuiteSchema up to 0.18): expectation_suite_name, ge_cloud_id,
 *    expectations, evaluation_parameters, data_asset_type, meta; each entry expectation_type,
 *    kwargs, meta, ge_cloud_id, expectation_context, rendered_content, description;
 *  - 1.x (1.0 to 1.2): name, id, expectations, suite_parameters, meta, notes; each entry type,
 *    kwargs, meta, notes, id, expectation_context, rendered_content, description, and severity
 *    (added to entries by later 1.x releases). The kwargs stay under `kwargs` in 1.x too
 *    (Expectation.configuration puts the pydantic fields there).
 * GE's marshmallow schemas refuse unknown keys, and so does this parser: a key it does not know is
 * an error naming it, never ignored. Each entry is checked against its type's definition and built.
 */
import { UserError } from '../../errors.js';
import type { BuildContext, Expectation, ExpectationConfig, ExpectationDefinition } from './expectation.js';
import { COMMON_KWARGS, Kwargs } from './kwargs.js';
import { EXPECTATIONS, supportedExpectationTypes } from './registry.js';
import { parseResultFormat, type ResultFormatLevel } from './suite-result-format.js';
import { entryLines, lineColumn } from './suite-lines.js';

export { applyResultFormat, type ResultFormatLevel } from './suite-result-format.js';

export type SuiteFormat = 'classic' | 'gx1';

export interface SuiteEntry {
  config: ExpectationConfig;
  expectation: Expectation;
  resultFormat: ResultFormatLevel;
  /** How many unexpected values the partial list keeps (GE's partial_unexpected_count, 20). */
  partialUnexpectedCount: number;
  /** result_format's exclude_unexpected_values: the report leaves the unexpected values out. */
  excludeUnexpectedValues: boolean;
  /** The 1-based line of the entry's opening '{' in the suite file. */
  line: number;
}

export interface ParsedSuite {
  name: string;
  format: SuiteFormat;
  meta: Record<string, unknown>;
  entries: SuiteEntry[];
}

export interface ParseSuiteOptions {
  /** The expectation types to accept (default: the registry's). */
  expectations?: ReadonlyMap<string, ExpectationDefinition>;
}

const SUITE_KEYS: Record<SuiteFormat, readonly string[]> = {
  classic: ['expectation_suite_name', 'ge_cloud_id', 'expectations', 'evaluation_parameters', 'data_asset_type', 'meta'],
  gx1: ['name', 'id', 'expectations', 'suite_parameters', 'meta', 'notes'],
};
const ENTRY_KEYS: Record<SuiteFormat, readonly string[]> = {
  classic: ['expectation_type', 'kwargs', 'meta', 'ge_cloud_id', 'expectation_context', 'rendered_content', 'description'],
  gx1: ['type', 'kwargs', 'meta', 'notes', 'id', 'expectation_context', 'rendered_content', 'description', 'severity'],
};
const FORMAT_NAME: Record<SuiteFormat, string> = { classic: 'classic (0.x)', gx1: 'Great Expectations 1.x' };
/** Kwargs of every entry GE accepts that change nothing here (condition_parser without row_condition). */
const IGNORED_KWARGS = ['condition_parser'];

const shown = (v: unknown): string => JSON.stringify(v) ?? String(v);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function suiteError(path: string, problem: string, hint?: string): UserError {
  return new UserError(`${path}: ${problem}.`, {
    file: path,
    hint: hint ?? 'See https://docs.greatexpectations.io/ for the suite format.',
  });
}

function parseJson(text: string, path: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const at = /position (\d+)/.exec(message);
    const { line, column } = lineColumn(text, at ? Number(at[1]) : text.length);
    const what = message.replace(/ in JSON at position \d+.*$/, '').replace(/^Unexpected end of JSON input$/, 'unexpected end of the text');
    throw suiteError(
      path,
      `not valid JSON at line ${line}, column ${column}: ${what}`,
      'A suite is the JSON file Great Expectations writes.',
    );
  }
}

function formatOf(suite: Record<string, unknown>, path: string): SuiteFormat {
  if ('expectation_suite_name' in suite) return 'classic';
  if ('name' in suite) return 'gx1';
  throw suiteError(path, 'has neither expectation_suite_name (a classic suite) nor name (a Great Expectations 1.x suite)');
}

function checkKeys(obj: Record<string, unknown>, allowed: readonly string[], where: string, path: string, format: SuiteFormat): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) {
      throw suiteError(path, `${where}has an unknown key "${key}" for a ${FORMAT_NAME[format]} suite; the keys are ${allowed.join(', ')}`);
    }
  }
}

function optionalObject(value: unknown, what: string, path: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) throw suiteError(path, `${what} is ${shown(value)}, expected an object`);
  return value;
}

/** The suite's header: format, name, meta, the entries as written. */
function readSuite(text: string, path: string): { format: SuiteFormat; name: string; meta: Record<string, unknown>; list: unknown[] } {
  const suite = parseJson(text.replace(/^\uFEFF/, ''), path);
  if (!isObject(suite))
    throw suiteError(path, `expected a JSON object (an expectation suite), got ${Array.isArray(suite) ? 'a list' : shown(suite)}`);
  const format = formatOf(suite, path);
  checkKeys(suite, SUITE_KEYS[format], '', path, format);
  const nameKey = format === 'classic' ? 'expectation_suite_name' : 'name';
  const name = suite[nameKey];
  if (typeof name !== 'string' || name === '') throw suiteError(path, `${nameKey} is ${shown(name)}, expected the suite's name`);
  const list = suite.expectations;
  if (!Array.isArray(list)) throw suiteError(path, `has no "expectations" list (expectations is ${shown(list)})`);
  return { format, name, meta: optionalObject(suite.meta, 'meta', path), list };
}

function entryConfig(raw: unknown, index: number, format: SuiteFormat, path: string): ExpectationConfig {
  const where = `expectation ${index + 1}`;
  if (!isObject(raw)) throw suiteError(path, `${where} is ${shown(raw)}, expected an object with ${ENTRY_KEYS[format][0]} and kwargs`);
  const typeKey = ENTRY_KEYS[format][0];
  const type = raw[typeKey];
  if (type === undefined) {
    const other = format === 'classic' ? 'type' : 'expectation_type';
    const hint =
      other in raw
        ? ` (${other} is the ${format === 'classic' ? '1.x' : 'classic'} suites' key: this suite is ${FORMAT_NAME[format]})`
        : '';
    throw suiteError(path, `${where} has no ${typeKey}${hint}`);
  }
  if (typeof type !== 'string' || type === '')
    throw suiteError(path, `${where}: ${typeKey} is ${shown(type)}, expected an expectation type`);
  checkKeys(raw, ENTRY_KEYS[format], `${where} (${type}) `, path, format);
  const kwargs = optionalObject(raw.kwargs, `${where} (${type}): kwargs`, path);
  return { type, kwargs, meta: optionalObject(raw.meta, `${where} (${type}): meta`, path), index };
}

function definitionOf(
  config: ExpectationConfig,
  path: string,
  registry: ReadonlyMap<string, ExpectationDefinition>,
): ExpectationDefinition {
  const definition = registry.get(config.type);
  if (definition) return definition;
  const supported = registry === EXPECTATIONS ? supportedExpectationTypes() : [...registry.keys()].sort();
  throw suiteError(
    path,
    `expectation ${config.index + 1} (${config.type}) is not a supported expectation type; the supported ones are ${supported.join(', ')}`,
    'An expectation this action cannot run is an error, never skipped.',
  );
}

function checkKwargs(kw: Kwargs, definition: ExpectationDefinition): void {
  const rowCondition = kw.raw('row_condition');
  if (rowCondition !== undefined && rowCondition !== null && rowCondition !== '') {
    throw kw.error(
      'row_condition',
      'is not supported: the expectation would run on a subset of the rows; filter the data before this step',
    );
  }
  const accepted = [...definition.kwargs, ...COMMON_KWARGS];
  for (const key of Object.keys(kw.config.kwargs)) {
    if (!accepted.includes(key) && !IGNORED_KWARGS.includes(key) && key !== 'row_condition') {
      throw kw.error(key, `is not a kwarg of ${kw.config.type}; it accepts ${accepted.join(', ')}`);
    }
  }
}

/**
 * Parses a suite file's text (`path` as the user named it, for messages) and builds each entry.
 * `context.partialUnexpectedCount` is the default partial list length (GE's 20); an entry's own
 * result_format may set another.
 */
export function parseSuite(text: string, path: string, context: Partial<BuildContext> = {}, options: ParseSuiteOptions = {}): ParsedSuite {
  const registry = options.expectations ?? EXPECTATIONS;
  const { format, name, meta, list } = readSuite(text, path);
  const lines = entryLines(text);
  const entries = list.map((raw, index): SuiteEntry => {
    const config = entryConfig(raw, index, format, path);
    const definition = definitionOf(config, path, registry);
    const kw = new Kwargs(config, path);
    checkKwargs(kw, definition);
    const rf = parseResultFormat(kw, context.partialUnexpectedCount ?? 20);
    const keep = rf.level === 'BOOLEAN_ONLY' || rf.excludeUnexpectedValues ? 0 : rf.partialUnexpectedCount;
    const expectation = definition.build(kw, { partialUnexpectedCount: keep });
    return {
      config,
      expectation,
      resultFormat: rf.level,
      partialUnexpectedCount: rf.partialUnexpectedCount,
      excludeUnexpectedValues: rf.excludeUnexpectedValues,
      line: lines[index] ?? 1,
    };
  });
  return { name, format, meta, entries };
}
