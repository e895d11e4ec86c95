import { describe, expect, it } from 'vitest';

import { bodyMatches, parseBodyExpectation, type BodyExpectation } from './body-match.js';

describe('expect-body', () => {
  const expectation = (text: string) => (parseBodyExpectation(text) as { value: BodyExpectation }).value;
  it('a substring, or /regex/flags', () => {
    const sub = parseBodyExpectation('"ready":true');
    expect(sub).toEqual({ ok: true, value: { kind: 'substring', text: '"ready":true' } });
    expect(bodyMatches('{"ready":true}', expectation('"ready":true'))).toBe(true);
    const re = expectation('/READY"?:\\s*true/i');
    expect(bodyMatches('{"ready": true}', re)).toBe(true);
    expect(bodyMatches('{"ready": false}', re)).toBe(false);
    expect(parseBodyExpectation('/(/')).toMatchObject({ ok: false, error: expect.any(String) });
  });
});
