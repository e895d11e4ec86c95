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

export class JsonPathError extends Error {}

/** Parses a path at the start of `text`; returns it and where it ends. */
export function parseJsonPathPrefix(text: string): { path: ParsedPath; end: number } {
  const segments: PathSegment[] = [];
  let i = 0;
  const s = text;
  const fail = (why: string): never => {
    throw new JsonPathError(`'${s.trim()}' is not a JSON path: ${why} at character ${i + 1}`);
  };
  const name = /^[A-Za-z_$][\w$-]*/;
  if (s[i] === '$') i++;
  else {
    const m = name.exec(s.slice(i));
    if (!m) fail('expected $ or a name');
    segments.push({ key: m![0] });
    i += m![0].length;
  }
  for (;;) {
    const c = s[i];
    if (c === '.') {
      i++;
      const m = name.exec(s.slice(i)) ?? /^\d+/.exec(s.slice(i));
      if (!m) fail('expected a name after .');
      segments.push({ key: m![0] });
      i += m![0].length;
    } else if (c === '[') {
      const rest = s.slice(i + 1);
      let m: RegExpExecArray | null;
      if ((m = /^\s*(-?\d+)\s*\]/.exec(rest))) {
        segments.push({ index: Number(m[1]) });
      } else if ((m = /^\s*'((?:[^'\\]|\\.)*)'\s*\]/.exec(rest)) || (m = /^\s*"((?:[^"\\]|\\.)*)"\s*\]/.exec(rest))) {
        segments.push({ key: m[1].replace(/\\(.)/g, '$1') });
      } else {
        fail("expected [index], ['name'] or [\"name\"]");
      }
      i += 1 + m![0].length;
    } else {
      break;
    }
  }
  return { path: { segments, text: s.slice(0, i) }, end: i };
}

export function parseJsonPath(text: string): ParsedPath {
  const t = text.trim();
  const { path, end } = parseJsonPathPrefix(t);
  if (end !== t.length) throw new JsonPathError(`'${t}' is not a JSON path: unexpected '${t.slice(end, end + 10)}' at character ${end + 1}`);
  return path;
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
        return { found: false, missing: `${where} ${v !== null && typeof v === 'object' && !Array.isArray(v) ? `has no key '${seg.key}'` : `is ${typeName(v)}, not an object`}` };
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
  regex?: RegExp;
  line: number;
}

/**
 * Parses `expect-json`: one expectation per line (blank lines and # comments skipped), e.g.
 *   $.model_name == "demo"       (the value is JSON: "demo", 2, true, null, [1,2], {"a":1})
 *   $.model_version == 2         (not JSON-like text is a string: == v2 means "v2")
 *   $.outputs[0].shape[1] >= 3
 *   $.outputs[0].name =~ /^scores?$/
 *   $.outputs                    (exists)
 */
export function parseJsonExpectations(text: string): JsonExpectation[] {
  const out: JsonExpectation[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    let parsed: { path: ParsedPath; end: number };
    try {
      parsed = parseJsonPathPrefix(line);
    } catch (e) {
      throw new JsonPathError(`line ${i + 1}: ${(e as Error).message}`);
    }
    const rest = line.slice(parsed.end).trim();
    if (rest === '') {
      out.push({ path: parsed.path, op: 'exists', raw: '', line: i + 1 });
      return;
    }
    const m = /^(==|!=|=~|>=|<=|>|<)\s*(.*)$/s.exec(rest);
    if (!m) throw new JsonPathError(`line ${i + 1}: expected ==, !=, =~, >, >=, <, <= or nothing after the path ${parsed.path.text}, found '${rest.slice(0, 20)}'`);
    const op = m[1] as JsonOperator;
    const value = m[2].trim();
    if (value === '') throw new JsonPathError(`line ${i + 1}: no value after ${op}`);
    const e: JsonExpectation = { path: parsed.path, op, raw: value, line: i + 1 };
    if (op === '=~') {
      const r = /^\/(.*)\/([imsu]*)$/s.exec(value);
      if (!r) throw new JsonPathError(`line ${i + 1}: =~ takes a /regular expression/, found ${value}`);
      try {
        e.regex = new RegExp(r[1], r[2]);
      } catch (err) {
        throw new JsonPathError(`line ${i + 1}: ${value} is not a valid regular expression: ${(err as Error).message}`);
      }
    } else {
      try {
        e.expected = JSON.parse(value);
      } catch {
        e.expected = value;
      }
      if (['>=', '<=', '>', '<'].includes(op) && typeof e.expected !== 'number') {
        throw new JsonPathError(`line ${i + 1}: ${op} compares numbers; ${value} is not a number`);
      }
    }
    out.push(e);
  });
  return out;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && deepEqual((a as any)[k], (b as any)[k]));
}

export function describeJsonExpectation(e: JsonExpectation): string {
  return e.op === 'exists' ? `${e.path.text} exists` : `${e.path.text} ${e.op} ${e.raw}`;
}

/** Shows a value compactly (truncated), with its JSON type visible: "2" vs 2. */
export function showJson(v: unknown, max = 120): string {
  const s = JSON.stringify(v) ?? String(v);
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
        typeof actual === 'number' &&
        (e.op === '>' ? actual > x : e.op === '>=' ? actual >= x : e.op === '<' ? actual < x : actual <= x);
    }
  }
  return { passed, actual, detail: `${describeJsonExpectation(e)}: ${passed ? 'ok' : 'got'} ${showJson(actual)}` };
}
