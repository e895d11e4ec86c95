import { describe, expect, it } from 'vitest';

import { parseHeaderLines } from './headers.js';

describe('headers', () => {
  const errorOf = (text: string) => (parseHeaderLines(text) as { error: string }).error;
  it('parses Name: value lines, skipping blanks and comments; values may hold colons', () => {
    expect(parseHeaderLines('Authorization: Bearer a:b\n\n# note\nX-Api-Key:k1  \n')).toEqual({
      ok: true,
      value: [
        { name: 'Authorization', value: 'Bearer a:b' },
        { name: 'X-Api-Key', value: 'k1' },
      ],
    });
  });
  it('names the bad line and never echoes a value', () => {
    const e = errorOf('X-Ok: 1\nAuthorization Bearer secret-xyz');
    expect(e).toContain('line 2');
    expect(e).not.toContain('secret-xyz');
    expect(parseHeaderLines('Bad Name: v')).toEqual({ ok: false, error: expect.stringContaining('not a valid header name') });
    expect(parseHeaderLines(': v')).toMatchObject({ ok: false, error: expect.any(String) });
  });
  it('never echoes the text before the first colon of a malformed line (it may hold a secret)', () => {
    const e = errorOf('X-Ok: 1\nAuthorization Bearer sk-live-abc123:xyz');
    expect(e).toBe(
      'line 2: the text before its first colon is not a valid header name (a header name has no spaces; the line is not shown, it may hold a secret)',
    );
    expect(e).not.toContain('sk-live');
    expect(e).not.toContain('Authorization');
  });
  it('a value outside ASCII (X-Note: café) or with a control character is refused, naming the line and the header, never the value', () => {
    expect(errorOf('X-Ok: 1\nX-Note: café')).toBe(
      'line 2: the value of X-Note has a character outside ASCII at character 4, which a header cannot carry as text (the value is not shown: it may hold a secret)',
    );
    expect(errorOf('Authorization: Bearer 日本-s3cret')).not.toContain('s3cret');
    expect(errorOf('X-A: a\u0001b')).toBe(
      'line 1: the value of X-A has a control character at character 2 (the value is not shown: it may hold a secret)',
    );
    expect(parseHeaderLines('X-A: a\tb')).toEqual({ ok: true, value: [{ name: 'X-A', value: 'a\tb' }] });
  });
});
