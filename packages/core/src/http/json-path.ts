import { parseError, parsed, type ParseResult } from '../errors.js';
import { redactSecrets } from '../util/secrets.js';
import { compileUserRegex, type UserRegex } from './user-regex.js';

/**
 * A small JSONPath subset for `expect-json`: `$` (the document), `.name`, `['name']` or
 * `["name"]`, `[index]` (negative counts from the end) and `.length` of an array or string.
 * `$` may be left out: `outputs[0].name` is `$.outputs[0].name`.
 */
export type PathSegment = { key: string } | { index: number };

export interface ParsedPath {
  segments: PathSegment[];
  /** The path as written. */
  text: string;
}

/** A name step: `.name` or a leading `name`. */
const NAME = /^[A-Za-z_$][\w$-]*/;

/**
 * One `.name`, `[index]` or `['name']` step at s[i], or undefined when none starts there; on a
 * malformed one, why and where (the character after the dot, or the bracket).
 */
function pathStep(s: string, i: number): { segment: PathSegment; length: number } | { why: string; at: number } | undefined {
  if (s[i] === '.') {
    const m = NAME.exec(s.slice(i + 1)) ?? /^\d+/.exec(s.slice(i + 1));
    return m ? { segment: { key: m[0] }, length: 1 + m[0].length } : { why: 'expected a name after .', at: i + 1 };
  }
  if (s[i] !== '[') return undefined;
  const rest = s.slice(i + 1);
  let m: RegExpExecArray | null;
  if ((m = /^\s*(-?\d+)\s*\]/.exec(rest))) return { segment: { index: Number(m[1]) }, length: 1 + m[0].length };
  if ((m = /^\s*'((?:[^'\\]|\\.)*)'\s*\]/.exec(rest)) || (m = /^\s*"((?:[^"\\]|\\.)*)"\s*\]/.exec(rest))) {
    return { segment: { key: m[1].replace(/\\(.)/g, '$1') }, length: 1 + m[0].length };
  }
  return { why: 'expected [index], [\'name\'] or ["name"]', at: i };
}

/** Parses a path at the start of `text`: the path and where it ends. */
export function parseJsonPathPrefix(text: string): ParseResult<{ path: ParsedPath; end: number }> {
  const s = text;
  const fail = (why: string, at: number) =>
    parseError<{ path: ParsedPath; end: number }>(`'${s.trim()}' is not a JSON path: ${why} at character ${at + 1}`);
  const segments: PathSegment[] = [];
  let i = 0;
  if (s[i] === '$') i++;
  else {
    const m = NAME.exec(s);
    if (!m) return fail('expected $ or a name', i);
    segments.push({ key: m[0] });
    i += m[0].length;
  }
  for (let step = pathStep(s, i); step; step = pathStep(s, i)) {
    if ('why' in step) return fail(step.why, step.at);
    segments.push(step.segment);
    i += step.length;
  }
  return parsed({ path: { segments, text: s.slice(0, i) }, end: i });
}

export function parseJsonPath(text: string): ParseResult<ParsedPath> {
  const t = text.trim();
  const prefix = parseJsonPathPrefix(t);
  if (!prefix.ok) return prefix;
  const { path, end } = prefix.value;
  if (end !== t.length) return parseError(`'${t}' is not a JSON path: unexpected '${t.slice(end, end + 10)}' at character ${end + 1}`);
  return parsed(path);
}

/** The value at `path`, or found: false when a step does not exist. */
export function evaluateJsonPath(doc: unknown, path: ParsedPath): { found: true; value: unknown } | { found: false; missing: string } {
  let v: unknown = doc;
  let where = '$';
  for (const seg of path.segments) {
    if ('index' in seg) {
      if (!Array.isArray(v)) return { found: false, missing: `${where} is ${typeName(v)}, not an array` };
      const i = seg.index < 0 ? v.length + seg.index : seg.index;
      if (i < 0 || i >= v.length) return { found: false, missing: `${where} has ${v.length} elements, no [${seg.index}]` };
      v = v[i];
      where += `[${seg.index}]`;
    } else {
      if (seg.key === 'length' && (Array.isArray(v) || typeof v === 'string')) {
        v = v.length;
      } else if (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.hasOwn(v, seg.key)) {
        v = (v as Record<string, unknown>)[seg.key];
      } else {
        return {
          found: false,
          missing: `${where} ${v !== null && typeof v === 'object' && !Array.isArray(v) ? `has no key '${seg.key}'` : `is ${typeName(v)}, not an object`}`,
        };
      }
      where += /^[A-Za-z_$][\w$-]*$/.test(seg.key) ? `.${seg.key}` : `[${JSON.stringify(seg.key)}]`;
    }
  }
  return { found: true, value: v };
}

function typeName(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

export type JsonOperator = '==' | '!=' | '=~' | '>=' | '<=' | '>' | '<' | 'exists';

/** One line of `expect-json`: `PATH OP VALUE`, or a bare `PATH` (it must exist). */
export interface JsonExpectation {
  path: ParsedPath;
  op: JsonOperator;
  /** The value as written (for messages). */
  raw: string;
  /** The expected value: JSON when the text parses as JSON, else the text as a string. */
  expected?: unknown;
  /** After =~: run by RE2 (linear time), like expect-body's. */
  regex?: UserRegex;
  line: number;
}

/** The value side of an expectation: a regular expression after =~, else JSON (or the text as a string). */
function expectedValue(op: JsonOperator, value: string): ParseResult<Pick<JsonExpectation, 'expected' | 'regex'>> {
  if (op === '=~') {
    const r = /^\/(.*)\/([imsu]*)$/s.exec(value);
    if (!r) return parseError(`=~ takes a /regular expression/, found ${value}`);
    const regex = compileUserRegex(r[1], r[2]);
    return regex.ok ? parsed({ regex: regex.value }) : regex;
  }
  let expected: unknown;
  try {
    expected = JSON.parse(value);
  } catch {
    expected = value;
  }
  if (['>=', '<=', '>', '<'].includes(op) && typeof expected !== 'number')
    return parseError(`${op} compares numbers; ${value} is not a number`);
  return parsed({ expected });
}

/** One non-blank line of `expect-json` (numbered from 1); errors are not yet prefixed with the line. */
function parseJsonExpectationLine(line: string, n: number): ParseResult<JsonExpectation> {
  const prefix = parseJsonPathPrefix(line);
  if (!prefix.ok) return prefix;
  const { path, end } = prefix.value;
  const rest = line.slice(end).trim();
  if (rest === '') return parsed({ path, op: 'exists', raw: '', line: n });
  const m = /^(==|!=|=~|>=|<=|>|<)\s*(.*)$/s.exec(rest);
  if (!m) return parseError(`expected ==, !=, =~, >, >=, <, <= or nothing after the path ${path.text}, found '${rest.slice(0, 20)}'`);
  const op = m[1] as JsonOperator;
  const value = m[2].trim();
  if (value === '') return parseError(`no value after ${op}`);
  const expected = expectedValue(op, value);
  return expected.ok ? parsed({ path, op, raw: value, line: n, ...expected.value }) : expected;
}

/**
 * Parses `expect-json`: one expectation per line (blank lines and # comments skipped), e.g.
 *   $.model_name == "demo"       (the value is JSON: "demo", 2, true, null, [1,2], {"a":1})
 *   $.model_version == 2         (not JSON-like text is a string: == v2 means "v2")
 *   $.outputs[0].shape[1] >= 3
 *   $.outputs[0].name =~ /^scores?$/
 *   $.outputs                    (exists)
 * The error of a bad line starts "line N: ".
 */
export function parseJsonExpectations(text: string): ParseResult<JsonExpectation[]> {
  const out: JsonExpectation[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '' || line.startsWith('#')) continue;
    const e = parseJsonExpectationLine(line, i + 1);
    if (!e.ok) return parseError(`line ${i + 1}: ${e.error}`);
    out.push(e.value);
  }
  return parsed(out);
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const ka = Object.keys(x);
  return ka.length === Object.keys(y).length && ka.every((k) => Object.hasOwn(y, k) && deepEqual(x[k], y[k]));
}

export function describeJsonExpectation(e: JsonExpectation): string {
  return e.op === 'exists' ? `${e.path.text} exists` : `${e.path.text} ${e.op} ${e.raw}`;
}

/**
 * Shows a value compactly (truncated), with its JSON type visible: "2" vs 2. Secrets are redacted
 * before the cut (a server may echo a header: half a token would escape the report's redaction).
 */
export function showJson(v: unknown, max = 120): string {
  const s = redactSecrets(JSON.stringify(v) ?? String(v));
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

export function checkJsonExpectation(doc: unknown, e: JsonExpectation): { passed: boolean; actual?: unknown; detail: string } {
  const r = evaluateJsonPath(doc, e.path);
  if (!r.found) return { passed: false, detail: `${describeJsonExpectation(e)}: not found (${r.missing})` };
  const actual = r.value;
  let passed: boolean;
  switch (e.op) {
    case 'exists':
      passed = true;
      break;
    case '==':
      passed = deepEqual(actual, e.expected);
      break;
    case '!=':
      passed = !deepEqual(actual, e.expected);
      break;
    case '=~':
      passed = typeof actual === 'string' && e.regex!.test(actual);
      break;
    default: {
      const x = e.expected as number;
      passed =
        typeof actual === 'number' && (e.op === '>' ? actual > x : e.op === '>=' ? actual >= x : e.op === '<' ? actual < x : actual <= x);
    }
  }
  return { passed, actual, detail: `${describeJsonExpectation(e)}: ${passed ? 'ok' : 'got'} ${showJson(actual)}` };
}
