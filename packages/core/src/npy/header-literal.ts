import { parseError, parsed, type ParseResult } from '../errors.js';

/**
 * The dictionary of a `.npy` header, read as numpy reads it: `ast.literal_eval` of the header text
 * (numpy/lib/format.py `_read_array_header`), then exactly the keys `descr`, `fortran_order` and
 * `shape`, a later key replacing an earlier one as in a Python dict. This parser accepts a subset of
 * the Python literals numpy would: everything numpy writes (and Python 2's `3L` in format 1.0 and
 * 2.0, which numpy still reads), never anything numpy refuses. Where it is stricter than numpy (a
 * comment, a string prefix, `0x10` in a shape, ...) the error says so.
 */
export interface NpyHeaderDict {
  descr: string;
  fortranOrder: boolean;
  shape: number[];
}

/** numpy refuses headers longer than this (format.py `_MAX_HEADER_SIZE`, the default max_header_size). */
export const MAX_HEADER_CHARS = 10_000;

type Value = { kind: 'string'; value: string } | { kind: 'bool'; value: boolean } | { kind: 'tuple'; value: number[] };

class Syntax {
  private i = 0;
  constructor(
    private readonly text: string,
    private readonly longSuffix: boolean,
  ) {}

  fail(what: string): never {
    throw new HeaderSyntaxError(`${what} at character ${this.i + 1}`);
  }

  /**
   * What Python skips between tokens inside brackets: spaces, tabs, line breaks, form feeds and
   * comments (a subset: no backslash continuations; comments of printable ASCII only).
   */
  skipSpace(): void {
    for (;;) {
      const c = this.text[this.i];
      if (c !== undefined && ' \t\n\r\f'.includes(c)) this.i++;
      else if (c === '#') this.comment();
      else return;
    }
  }

  private comment(): void {
    while (this.i < this.text.length && this.text[this.i] !== '\n' && this.text[this.i] !== '\r') {
      if (!/[\x20-\x7e\t]/.test(this.text[this.i]))
        this.fail('a comment with a character other than printable ASCII (stricter than numpy)');
      this.i++;
    }
  }

  peek(): string | undefined {
    this.skipSpace();
    return this.text[this.i];
  }

  expect(char: string): void {
    if (this.peek() !== char) this.fail(`expected '${char}'${this.found()}`);
    this.i++;
  }

  private found(): string {
    const c = this.text[this.i];
    return c === undefined ? ', found the end of the header' : `, found ${JSON.stringify(c)}`;
  }

  /** A plain Python string literal in single or double quotes, without escapes or prefixes. */
  string(): string {
    const quote = this.peek();
    if (quote !== "'" && quote !== '"') {
      const prefix = /^[rRuUbBfF]{1,2}(?=['"])/.exec(this.text.slice(this.i));
      if (prefix) this.fail(`a string prefix ${prefix[0]} (stricter than numpy)`);
      this.fail(`expected a quoted string${this.found()}`);
    }
    const start = ++this.i;
    while (this.i < this.text.length && this.text[this.i] !== quote) {
      const c = this.text[this.i];
      if (c === '\\') this.fail('a backslash escape in a string (stricter than numpy: numpy never writes one)');
      if (c === '\n' || c === '\r') this.fail('a line break inside a string');
      this.i++;
    }
    if (this.i >= this.text.length) this.fail('a string that is never closed');
    return this.text.slice(start, this.i++);
  }

  private word(): string {
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.i));
    if (!m) this.fail(`expected a value${this.found()}`);
    this.i += m[0].length;
    return m[0];
  }

  /** A non-negative decimal integer, as Python writes one (no leading zeros); `3L` in format 1.0/2.0. */
  integer(): number {
    this.skipSpace();
    const m = /^(0+|[1-9][0-9]*)(?![0-9])/.exec(this.text.slice(this.i)); // Python: 00 is 0, 01 is an error
    if (!m) {
      if (/^-[0-9]/.test(this.text.slice(this.i))) {
        this.fail(
          'a negative size in shape (stricter than numpy, which infers a -1 from the file size: this reader takes only the sizes numpy.save writes)',
        );
      }
      this.fail(`expected a size in shape${this.found()}`);
    }
    this.i += m[0].length;
    if (this.longSuffix && this.text[this.i] === 'L') this.i++;
    if (/[A-Za-z0-9_.]/.test(this.text[this.i] ?? '')) {
      this.fail('a size in shape that is not a plain decimal integer (stricter than numpy where Python would read it)');
    }
    const n = Number(m[1]);
    if (!Number.isSafeInteger(n)) this.fail(`a size in shape larger than ${Number.MAX_SAFE_INTEGER}`);
    return n;
  }

  /** `()`, `(n,)`, `(n, m)`, `(n, m,)`: a tuple, never a parenthesized integer. */
  tuple(): number[] {
    this.expect('(');
    const next = this.peek();
    if (next !== ')' && !/[0-9-]/.test(next ?? '')) this.fail('a parenthesized value that is not a tuple of sizes (stricter than numpy)');
    const sizes: number[] = [];
    let comma = false;
    while (this.peek() !== ')') {
      if (sizes.length > 0 && !comma) this.fail(`expected ',' or ')'${this.found()}`);
      sizes.push(this.integer());
      comma = this.peek() === ',';
      if (comma) this.i++;
    }
    this.i++;
    if (sizes.length === 1 && !comma) this.fail('shape (n) is a number, not a tuple: a one-dimensional shape is written (n,)');
    return sizes;
  }

  value(): Value {
    const c = this.peek();
    if (c === "'" || c === '"' || /^[rRuUbBfF]{1,2}['"]/.test(this.text.slice(this.i, this.i + 3)))
      return { kind: 'string', value: this.string() };
    if (c === '(') return { kind: 'tuple', value: this.tuple() };
    if (c === '[') this.fail('a list (a structured dtype, or a shape written as a list): not read here (stricter than numpy)');
    const word = this.word();
    if (word === 'True' || word === 'False') return { kind: 'bool', value: word === 'True' };
    this.fail(`'${word}' is not a value numpy writes in a header`);
  }

  /** `{key: value, ...}` with an optional trailing comma; a later key replaces an earlier one. */
  dict(): Map<string, Value> {
    this.expect('{');
    const entries = new Map<string, Value>();
    while (this.peek() !== '}') {
      const key = this.string();
      this.expect(':');
      entries.set(key, this.value());
      if (this.peek() === ',') this.i++;
      else if (this.peek() !== '}') this.fail(`expected ',' or '}'${this.found()}`);
    }
    this.i++;
    return entries;
  }

  /**
   * The whole header as Python's literal_eval takes it at the top level, where line breaks and
   * indentation matter: spaces and tabs (which literal_eval strips), blank lines, the dictionary at
   * the start of its line; after it, on the same line, spaces, tabs and a comment, then at most one
   * line break (numpy pads with spaces and one '\n'). Stricter than Python where it accepts more
   * (blank lines after the dictionary).
   */
  header(): Map<string, Value> {
    this.i = /^[ \t]*\n*/.exec(this.text)![0].length;
    if (this.text[this.i] === '(') this.fail('a parenthesized dictionary (stricter than numpy)');
    if (this.text[this.i] !== '{') this.fail(`the header is not a dictionary: expected '{'${this.found()}`);
    const d = this.dict();
    while (this.text[this.i] === ' ' || this.text[this.i] === '\t') this.i++;
    if (this.text[this.i] === '#') this.comment();
    const end = /^(\r\n|\r|\n)?$/.exec(this.text.slice(this.i));
    if (!end) this.fail("text after the dictionary (stricter than numpy where it is blank: numpy writes spaces and one '\\n')");
    return d;
  }
}

class HeaderSyntaxError extends Error {}

const KEYS = ['descr', 'fortran_order', 'shape'];

/**
 * The header dictionary of a format `major`.0 file. `text` is the header as numpy decodes it
 * (latin-1 for 1.0 and 2.0, UTF-8 for 3.0).
 */
export function parseNpyHeaderDict(text: string, major: number): ParseResult<NpyHeaderDict> {
  if (text.length > MAX_HEADER_CHARS)
    return parseError(`the header is ${text.length} characters long; numpy reads at most ${MAX_HEADER_CHARS}`);
  let entries: Map<string, Value>;
  try {
    entries = new Syntax(text, major <= 2).header();
  } catch (e) {
    if (e instanceof HeaderSyntaxError) return parseError(`the header is not the Python dictionary numpy writes: ${e.message}`);
    throw e;
  }
  const keys = [...entries.keys()].sort();
  if (keys.length !== KEYS.length || keys.some((k, i) => k !== KEYS[i])) {
    return parseError(
      `the header has the keys ${keys.map((k) => `'${k}'`).join(', ') || '(none)'}; numpy needs exactly 'descr', 'fortran_order' and 'shape'`,
    );
  }
  const descr = entries.get('descr')!;
  const fortran = entries.get('fortran_order')!;
  const shape = entries.get('shape')!;
  if (descr.kind !== 'string') return parseError(`its descr is not a string (structured dtypes are not read here)`);
  if (fortran.kind !== 'bool') return parseError(`its fortran_order is not True or False`);
  if (shape.kind !== 'tuple') return parseError(`its shape is not a tuple of sizes`);
  return parsed({ descr: descr.value, fortranOrder: fortran.value, shape: shape.value });
}
