/**
 * JSON as Python's json module reads and writes it: JSON (RFC 8259), plus the bare tokens `NaN`,
 * `Infinity` and `-Infinity` that json.dump writes for non-finite floats (allow_nan=True, its
 * default). JSON.parse refuses those, and its messages do not always say where (V8: "Unexpected
 * token 'x', ... is not valid JSON"), so this small parser reads the grammar itself and words a
 * syntax error with its line and column. It also records the line each element of a top-level
 * array starts on (a row of a log written as a list of objects).
 */
import { parseError, parsed, type ParseResult } from '../errors.js';

export interface ParsedJson {
  value: unknown;
  /** For a top-level array: the 1-based line each element starts on. */
  elementLines?: number[];
}

class JsonSyntaxError extends Error {}

const LITERALS: readonly [string, unknown][] = [
  ['true', true],
  ['false', false],
  ['null', null],
  ['NaN', NaN],
  ['Infinity', Infinity],
  ['-Infinity', -Infinity],
];
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** Deeper nesting is refused (the parser recurses; no log nests more than a few levels). */
const MAX_DEPTH = 500;

class Parser {
  pos = 0;
  depth = 0;
  constructor(private readonly text: string) {}

  fail(what: string, at = this.pos): never {
    let line = 1;
    let start = 0;
    for (let i = 0; i < at && i < this.text.length; i++) {
      if (this.text.charCodeAt(i) === 10) {
        line++;
        start = i + 1;
      }
    }
    throw new JsonSyntaxError(`not valid JSON at line ${line}, column ${at - start + 1}: ${what}`);
  }

  skipSpace(): void {
    while (this.pos < this.text.length && ' \t\n\r'.includes(this.text[this.pos])) this.pos++;
  }

  found(): string {
    return this.pos >= this.text.length ? 'the end of the text' : `'${this.text[this.pos]}'`;
  }

  expect(c: string): void {
    this.skipSpace();
    if (this.text[this.pos] !== c) this.fail(`expected '${c}', found ${this.found()}`);
    this.pos++;
  }

  value(): unknown {
    this.skipSpace();
    const c = this.text[this.pos];
    if (c === '{' || c === '[') {
      if (++this.depth > MAX_DEPTH) this.fail(`nested more than ${MAX_DEPTH} levels deep`);
      const v = c === '{' ? this.object() : this.array(false).value;
      this.depth--;
      return v;
    }
    if (c === '"') return this.string();
    for (const [word, v] of LITERALS) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return v;
      }
    }
    NUMBER.lastIndex = this.pos;
    const m = NUMBER.exec(this.text);
    if (m) {
      this.pos += m[0].length;
      return Number(m[0]);
    }
    return this.fail(`expected a value, found ${this.found()}`);
  }

  object(): Record<string, unknown> {
    this.pos++; // {
    const out: Record<string, unknown> = {};
    this.skipSpace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] !== '"') this.fail(`expected a key in quotes, found ${this.found()}`);
      const key = this.string();
      this.expect(':');
      Object.defineProperty(out, key, { value: this.value(), enumerable: true, writable: true, configurable: true });
      this.skipSpace();
      const c = this.text[this.pos++];
      if (c === '}') return out;
      if (c !== ',') this.fail(`expected ',' or '}', found ${c === undefined ? 'the end of the text' : `'${c}'`}`, this.pos - 1);
    }
  }

  /** An array; with `track`, the line each element starts on (the top-level array only: counting is linear from the start). */
  array(track: boolean): { value: unknown[]; lines: number[] } {
    this.pos++; // [
    const value: unknown[] = [];
    const lines: number[] = [];
    this.skipSpace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return { value, lines };
    }
    let line = 1;
    let counted = 0;
    for (;;) {
      this.skipSpace();
      if (track) {
        for (; counted < this.pos; counted++) if (this.text.charCodeAt(counted) === 10) line++;
        lines.push(line);
      }
      value.push(this.value());
      this.skipSpace();
      const c = this.text[this.pos++];
      if (c === ']') return { value, lines };
      if (c !== ',') this.fail(`expected ',' or ']', found ${c === undefined ? 'the end of the text' : `'${c}'`}`, this.pos - 1);
    }
  }

  string(): string {
    const start = this.pos++;
    let out = '';
    for (;;) {
      const c = this.text[this.pos];
      if (c === undefined) this.fail('a string is not closed by the end of the text', start);
      if (c === '"') {
        this.pos++;
        return out;
      }
      if (c.charCodeAt(0) < 0x20) this.fail('a control character inside a string (escape it)');
      if (c !== '\\') {
        out += c;
        this.pos++;
        continue;
      }
      const e = this.text[this.pos + 1];
      if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(this.text.slice(this.pos + 2, this.pos + 6))) {
        out += String.fromCharCode(parseInt(this.text.slice(this.pos + 2, this.pos + 6), 16));
        this.pos += 6;
      } else if (e !== undefined && e in ESCAPES) {
        out += ESCAPES[e];
        this.pos += 2;
      } else {
        this.fail(`an invalid escape '\\${e ?? ''}' in a string`);
      }
    }
  }

  document(): ParsedJson {
    this.skipSpace();
    let result: ParsedJson;
    if (this.text[this.pos] === '[') {
      const { value, lines } = this.array(true);
      result = { value, elementLines: lines };
    } else {
      result = { value: this.value() };
    }
    this.skipSpace();
    if (this.pos < this.text.length) this.fail(`unexpected ${this.found()} after the JSON value`);
    return result;
  }
}

/** Parses a JSON document as Python's json.loads does (NaN, Infinity, -Infinity included). */
export function parsePythonJson(text: string): ParseResult<ParsedJson> {
  // a UTF-8 BOM is not JSON, but editors on Windows write one
  const body = text.charCodeAt(0) === 0xfeff ? ` ${text.slice(1)}` : text;
  try {
    return parsed(new Parser(body).document());
  } catch (e) {
    if (e instanceof JsonSyntaxError) return parseError(e.message);
    throw e;
  }
}
