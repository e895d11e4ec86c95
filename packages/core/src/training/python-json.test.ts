// parsePythonJson against JSON.parse (what both accept, they read alike) and against Python's
// json module's extension (NaN, Infinity, -Infinity), with its errors placed by line and column.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { parsePythonJson } from './python-json.js';

const value = (text: string) => {
  const r = parsePythonJson(text);
  if (!r.ok) throw new Error(r.error);
  return r.value.value;
};
const error = (text: string) => {
  const r = parsePythonJson(text);
  return r.ok ? undefined : r.error;
};

describe('parsePythonJson', () => {
  it("reads json.dump's NaN, Infinity and -Infinity as numbers, and the words inside strings as text", () => {
    expect(value('{"loss": [NaN, Infinity, -Infinity, 1.5e-3], "note": "NaN Infinity"}')).toEqual({
      loss: [NaN, Infinity, -Infinity, 0.0015],
      note: 'NaN Infinity',
    });
    expect(value('["\\"NaN", "a\\\\", NaN]')).toEqual(['"NaN', 'a\\', NaN]);
  });

  it('reads what JSON.parse reads, alike (any JSON value)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const text = JSON.stringify(v, null, 1);
        expect(value(text)).toEqual(JSON.parse(text));
      }),
      { numRuns: 300 },
    );
  });

  it('refuses what JSON and Python refuse, saying where', () => {
    expect(error('{"a": 1,}')).toBe("not valid JSON at line 1, column 9: expected a key in quotes, found '}'");
    expect(error('[1, 2]\n[3]')).toBe("not valid JSON at line 2, column 1: unexpected '[' after the JSON value");
    expect(error('{"a": nan}')).toBe("not valid JSON at line 1, column 7: expected a value, found 'n'");
    expect(error('{"a": 01}')).toBe("not valid JSON at line 1, column 8: expected ',' or '}', found '1'");
    expect(error('"abc')).toBe('not valid JSON at line 1, column 1: a string is not closed by the end of the text');
    expect(error('"a\tb"')).toBe('not valid JSON at line 1, column 3: a control character inside a string (escape it)');
    expect(error('"\\x"')).toBe("not valid JSON at line 1, column 2: an invalid escape '\\x' in a string");
    expect(error('')).toBe('not valid JSON at line 1, column 1: expected a value, found the end of the text');
    expect(error('['.repeat(600) + ']'.repeat(600))).toContain('nested more than 500 levels deep');
  });

  it('gives the line each element of a top-level list starts on', () => {
    const r = parsePythonJson('[\n {"a": 1},\n\n {"a": [\n2]}, {"a": 3}\n]');
    expect(r.ok && r.value.elementLines).toEqual([2, 4, 5]);
  });

  it('keeps a key named __proto__ as data', () => {
    const v = value('{"__proto__": [1], "loss": [2]}') as Record<string, unknown>;
    expect(Object.keys(v)).toEqual(['__proto__', 'loss']);
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
  });
});
