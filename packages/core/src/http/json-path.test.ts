import { describe, expect, it } from 'vitest';

import type { ParseResult } from '../errors.js';
import { checkJsonExpectation, evaluateJsonPath, parseJsonExpectations, parseJsonPath } from './json-path.js';

const doc = {
  model_name: 'demo',
  model_version: '2',
  outputs: [{ name: 'scores', shape: [16, 3], data: [0.1, 0.2] }],
  'odd key': { 'a.b': 1 },
  ready: true,
  nothing: null,
};

/** The value of a parse that must succeed. */
function valueOf<T>(r: ParseResult<T>): T {
  if (!r.ok) throw new Error(r.error);
  return r.value;
}
/** A parse that must fail: its error. */
const errorOf = <T>(r: ParseResult<T>) => (r.ok ? undefined : r.error);

const at = (path: string) => evaluateJsonPath(doc, valueOf(parseJsonPath(path)));

describe('JSON path evaluation', () => {
  it('walks keys, indexes and quoted keys', () => {
    expect(at('$')).toEqual({ found: true, value: doc });
    expect(at('$.model_name')).toEqual({ found: true, value: 'demo' });
    expect(at('model_name')).toEqual({ found: true, value: 'demo' });
    expect(at('$.outputs[0].shape[1]')).toEqual({ found: true, value: 3 });
    expect(at('$.outputs[-1].name')).toEqual({ found: true, value: 'scores' });
    expect(at('$[\'odd key\']["a.b"]')).toEqual({ found: true, value: 1 });
    expect(at('$.outputs[0].data.length')).toEqual({ found: true, value: 2 });
    expect(at('$.nothing')).toEqual({ found: true, value: null });
  });
  it('says where a path stops', () => {
    expect(at('$.outputs[3]')).toEqual({ found: false, missing: '$.outputs has 1 elements, no [3]' });
    expect(at('$.model')).toEqual({ found: false, missing: "$ has no key 'model'" });
    expect(at('$.model_name.x')).toEqual({ found: false, missing: '$.model_name is a string, not an object' });
    expect(at('$.ready[0]')).toEqual({ found: false, missing: '$.ready is a boolean, not an array' });
  });
  it('rejects malformed paths with the position', () => {
    for (const p of ['$.outputs[0', '$.', '$[abc]', '.a', '$.a b', ''])
      expect(parseJsonPath(p), p).toEqual({ ok: false, error: expect.stringContaining('is not a JSON path') });
    expect(errorOf(parseJsonPath('$.outputs[0'))).toMatch(/character 10/);
  });
});

describe('expect-json lines', () => {
  const check = (line: string) => checkJsonExpectation(doc, valueOf(parseJsonExpectations(line))[0]);
  it('compares JSON values strictly: "2" is not 2', () => {
    expect(check('$.model_version == "2"').passed).toBe(true);
    expect(check('$.model_version == 2')).toMatchObject({ passed: false, detail: '$.model_version == 2: got "2"' });
    expect(check('$.outputs[0].shape == [16, 3]').passed).toBe(true);
    expect(check('$.outputs[0].shape == [16,3,1]').passed).toBe(false);
    expect(check('$.ready == true').passed).toBe(true);
    expect(check('$.nothing == null').passed).toBe(true);
    expect(check('$.model_name != "other"').passed).toBe(true);
  });
  it('unquoted text that is not JSON is a string', () => {
    expect(check('$.model_name == demo').passed).toBe(true);
  });
  it('regex and numeric comparisons', () => {
    expect(check('$.outputs[0].name =~ /^score/').passed).toBe(true);
    expect(check('$.outputs[0].name =~ /^SCORE$/').passed).toBe(false);
    expect(check('$.outputs[0].shape[0] >= 16').passed).toBe(true);
    expect(check('$.outputs[0].shape[0] > 16').passed).toBe(false);
    expect(check('$.outputs[0].data[1] < 0.25').passed).toBe(true);
    expect(check('$.model_name <= 3').passed).toBe(false); // not a number
  });
  it('=~ runs in linear time (RE2): no catastrophic backtracking; a backreference is refused', () => {
    const e = valueOf(parseJsonExpectations('$.text =~ /^(a+)+$/'))[0];
    const t0 = performance.now();
    expect(checkJsonExpectation({ text: `${'a'.repeat(40)}!` }, e).passed).toBe(false);
    expect(performance.now() - t0).toBeLessThan(500);
    expect(errorOf(parseJsonExpectations('$.a == 1\n$.b =~ /(x)\\1/'))).toMatch(
      /^line 2: \/\(x\)\\1\/ uses a backreference \(\\1\), which the linear-time matcher \(RE2\) does not support/,
    );
  });
  it('a bare path must exist', () => {
    expect(check('$.outputs').passed).toBe(true);
    expect(check('$.missing')).toMatchObject({ passed: false, detail: "$.missing exists: not found ($ has no key 'missing')" });
  });
  it('keeps line numbers, skips blanks and comments, and rejects bad lines', () => {
    const e = valueOf(parseJsonExpectations('\n# comment\n$.a == 1\n  $.b\n'));
    expect(e.map((x) => [x.line, x.op])).toEqual([
      [3, '=='],
      [4, 'exists'],
    ]);
    expect(errorOf(parseJsonExpectations('$.a == 1\n$.b = 2'))).toMatch(/line 2: expected ==/);
    expect(errorOf(parseJsonExpectations('$.a =='))).toMatch(/line 1: no value after ==/);
    expect(errorOf(parseJsonExpectations('$.a > abc'))).toMatch(/compares numbers/);
    expect(errorOf(parseJsonExpectations('$.a =~ abc'))).toMatch(/regular expression/);
    expect(errorOf(parseJsonExpectations('$.a[x] == 1'))).toMatch(/line 1: .*not a JSON path/);
  });
});
