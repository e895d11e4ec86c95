import { describe, expect, it } from 'vitest';

import { compileUserRegex, unsupportedConstruct, type UserRegex } from './user-regex.js';

const compiled = (source: string, flags = ''): UserRegex => {
  const r = compileUserRegex(source, flags);
  if (!r.ok) throw new Error(r.error);
  return r.value;
};
const errorOf = (source: string, flags = ''): string => {
  const r = compileUserRegex(source, flags);
  if (r.ok) throw new Error(`${source} compiled`);
  return r.error;
};

describe('user regular expressions run in linear time (RE2)', () => {
  it('catastrophic backtracking for RegExp is linear here: /^(a+)+$/ against forty a and a !', () => {
    const re = compiled('^(a+)+$');
    const text = `${'a'.repeat(40)}!`;
    const t0 = performance.now();
    expect(re.test(text)).toBe(false);
    expect(re.test('a'.repeat(40))).toBe(true);
    // RegExp takes minutes on this (2^40 ways to split the a's); RE2 a few milliseconds
    expect(performance.now() - t0).toBeLessThan(500);
    const long = compiled('^(a|aa)+$');
    const t1 = performance.now();
    expect(long.test(`${'a'.repeat(100_000)}!`)).toBe(false);
    expect(performance.now() - t1).toBeLessThan(2000);
  });

  it('JavaScript syntax and flags: i, m, s; named groups, \\u escapes, [^]; g and y change nothing', () => {
    expect(compiled('READY"?:\\s*true', 'i').test('{"ready": true}')).toBe(true);
    expect(compiled('^b$', 'm').test('a\nb')).toBe(true);
    expect(compiled('^b$').test('a\nb')).toBe(false);
    expect(compiled('a.b', 's').test('a\nb')).toBe(true);
    expect(compiled('a.b').test('a\nb')).toBe(false);
    expect(compiled('(?<word>caf\\u00e9)').test('un café')).toBe(true);
    expect(compiled('a[^]b').test('a\nb')).toBe(true);
    expect(compiled('\\/v2\\/models').test('/v2/models')).toBe(true);
    const global = compiled('ok', 'gy');
    expect([global.test('ok'), global.test('ok')]).toEqual([true, true]);
    expect(compiled('x', 'i').text).toBe('/x/i');
  });

  it('backreferences and lookaround are refused, saying why (linear time)', () => {
    for (const [source, what] of [
      ['(a)\\1', 'a backreference (\\1)'],
      ['(?<n>a)\\k<n>', 'a named backreference (\\k<...>)'],
      ['a(?=b)', 'a lookahead ((?=)'],
      ['a(?!b)', 'a lookahead ((?!)'],
      ['(?<=a)b', 'a lookbehind ((?<=)'],
      ['(?<!a)b', 'a lookbehind ((?<!)'],
    ]) {
      const error = errorOf(source);
      expect(error).toContain(`/${source}/ uses ${what}`);
      expect(error).toContain('linear-time matcher (RE2) does not support');
      expect(error).toContain('no answer can hang the step past its timeout');
    }
  });

  it('the constructs are found outside escapes and character classes only', () => {
    expect(unsupportedConstruct('[\\1(?=]x')).toBeUndefined();
    expect(unsupportedConstruct('\\(?=x')).toBeUndefined();
    expect(unsupportedConstruct('\\\\1')).toBeUndefined(); // an escaped backslash, then 1
    expect(unsupportedConstruct('[a]\\2')).toBe('a backreference (\\2)');
    expect(unsupportedConstruct('[]\\1')).toBe('a backreference (\\1)'); // [] is an empty class in JavaScript
  });

  it('invalid JavaScript is refused with RegExp’s words; what RE2 alone refuses with RE2’s', () => {
    expect(errorOf('(')).toMatch(/^\/\(\/ is not a valid regular expression: .*Unterminated group/);
    expect(errorOf('x{1001}')).toBe('/x{1001}/ cannot run on the linear-time matcher (RE2): invalid repeat count: `{1001}`');
  });
});
